import BirdsongAudio
import BirdsongSynthesis
import Testing

@Suite struct SongRenderingTests {
  func render(_ id: String, band: FrequencyBand? = nil, seed: UInt64, seconds: Double = 8, rate: Double = 48000)
    throws -> [Float]
  {
    try BandGuaranteeTests.render(
      #require(SpeciesCatalogue.species(named: id)), band: band, rate: rate, seconds: seconds, seed: seed)
  }

  @Test func sameSeedGivesTheSameSamplesAndAnotherSeedDoesNot() throws {
    let a = try render("blackbird", seed: 7)
    let b = try render("blackbird", seed: 7)
    let c = try render("blackbird", seed: 8)
    #expect(a.elementsEqual(b), "the same seed gave other samples")
    #expect(!a.elementsEqual(c), "another seed gave the same samples")
  }

  /// Renders `frames` through a mixer, asking for chunks of changing, odd sizes.
  func mixInOddChunks(_ voice: BirdVoice, frames: Int) -> [Float] {
    let mixer = Mixer(channels: 1, sampleRate: 48000, capDBFS: 0)
    mixer.add(voice, channel: 0)
    var out = [Float](repeating: 0, count: frames)
    var done = 0
    var size = 1
    out.withUnsafeMutableBufferPointer { buffer in
      while done < frames {
        let count = min(size, frames - done)
        mixer.render(into: buffer.baseAddress! + done, frames: count)
        done += count
        size = size * 7 % 1009 + 1
      }
    }
    return out
  }

  @Test func mixedSamplesDoNotDependOnHowCallersCutTheirWrites() throws {
    let species = try #require(SpeciesCatalogue.species(named: "wren"))
    let voice = BirdVoice(composer: try SongComposer(species: species, sampleRate: 48000), seed: 5)
    let mixer = Mixer(channels: 1, sampleRate: 48000, capDBFS: 0)
    mixer.add(voice, channel: 0)
    var whole = [Float](repeating: 0, count: 48000 * 6)
    whole.withUnsafeMutableBufferPointer { mixer.render(into: $0.baseAddress!, frames: $0.count) }
    let pieces = mixInOddChunks(voice, frames: whole.count)
    #expect(whole.contains { $0 != 0 })
    #expect(pieces.firstIndex(where: { $0.isNaN }) == nil)
    #expect(zip(pieces, whole).allSatisfy { $0 == $1 }, "a chunk size changed the samples")
  }

  @Test func aVoiceCutIntoOtherBlocksDiffersOnlyByRounding() throws {
    let species = try #require(SpeciesCatalogue.species(named: "blackbird"))
    let composer = try SongComposer(species: species, sampleRate: 48000)
    let whole = try render("blackbird", seed: 5, seconds: 6)
    var voice = BirdVoice(composer: composer, seed: 5, firstSongWithin: 0.05...0.05)
    var pieces = [Float](repeating: 0, count: whole.count)
    var done = 0
    var size = 1
    pieces.withUnsafeMutableBufferPointer { buffer in
      while done < buffer.count {
        let frames = min(size, buffer.count - done)
        voice.render(adding: buffer.baseAddress! + done, frames: frames)
        done += frames
        size = size * 7 % 1009 + 1
      }
    }
    let worst = zip(pieces, whole).map { abs($0 - $1) }.max() ?? 1
    #expect(worst < 1e-5, "blocks changed a sample by \(worst)")
  }

  @Test func aSongMovedToAHighBandPeaksInsideIt() throws {
    let band = try FrequencyBand(low: 9000, high: 11000)
    let samples = try render("robin", band: band, seed: 3)
    let peak = PowerSpectrum(samples, sampleRate: 48000).peakFrequency
    #expect(peak >= 9000 && peak <= 11000, "peak at \(peak) Hz")
  }

  @Test func aNaturalSongPeaksInItsPublishedBand() throws {
    let pigeon = PowerSpectrum(try render("wood-pigeon", seed: 1, seconds: 12), sampleRate: 48000).peakFrequency
    #expect(pigeon >= 400 && pigeon <= 600)
    let goldcrest = PowerSpectrum(try render("goldcrest", seed: 1), sampleRate: 48000).peakFrequency
    #expect(goldcrest >= 6000 && goldcrest <= 9000)
  }

  @Test func songsStartAndEndWithoutAClick() throws {
    let samples = try render("chiffchaff", seed: 2)
    // A raised-cosine onset: no step between neighbouring samples anywhere near the peak level.
    var largestStep: Float = 0
    for i in 1..<samples.count { largestStep = max(largestStep, abs(samples[i] - samples[i - 1])) }
    let peak = samples.map(abs).max()!
    #expect(peak > 0.2)
    // A 7 kHz sine at the peak changes by at most peak * 2 * pi * 7000 / 48000 per sample.
    #expect(largestStep <= peak * 0.95)
    #expect(samples.first == 0)
    // Every note fades in and out over at least 8 ms (raised cosine): 1 ms after a note starts
    // from silence, or 1 ms before it ends in silence, it stands far below its own level. A
    // note switched on or off at once would be at full level there.
    let silence = 480  // 10 ms of zeros before an onset or after an end
    var edges = 0
    for i in silence..<(samples.count - silence) where samples[i] != 0 {
      let starts = samples[(i - silence)..<i].allSatisfy { $0 == 0 }
      let ends = samples[(i + 1)...(i + silence)].allSatisfy { $0 == 0 }
      guard starts || ends else { continue }
      edges += 1
      let edge = starts ? samples[i..<(i + 48)] : samples[(i - 47)...i]
      let body = starts ? samples[i..<(i + 2400)] : samples[(i - 2399)...i]
      let level = body.map(abs).max()!
      #expect(edge.map(abs).max()! <= 0.1 * level, "a note \(starts ? "starts" : "ends") abruptly at frame \(i)")
    }
    #expect(edges >= 4, "found only \(edges) note edges to check")
  }

  @Test func placementMapsBandEdgesOntoEachOtherOnALogScale() throws {
    let placement = BandPlacement(
      from: try FrequencyBand(low: 2000, high: 8000), to: try FrequencyBand(low: 500, high: 1000))
    #expect(abs(placement.map(2000) - 500) < 1e-9)
    #expect(abs(placement.map(8000) - 1000) < 1e-9)
    #expect(abs(placement.map(4000) - 500 * 2.0.squareRoot()) < 1e-9)
    #expect(abs(placement.scale - 0.5) < 1e-12)
  }

  @Test func refusesBandsThatDoNotFitUnderNyquistWithTheirGuard() throws {
    let band = try FrequencyBand(low: 20000, high: 21800)
    let species = try #require(SpeciesCatalogue.species(named: "goldcrest"))
    #expect(throws: SynthesisError.self) { try SongComposer(species: species, band: band, sampleRate: 44100) }
    _ = try SongComposer(species: species, band: band, sampleRate: 48000)
    #expect(throws: SynthesisError.self) { try FrequencyBand(parsing: "9000-6000") }
    #expect(throws: SynthesisError.self) { try FrequencyBand(parsing: "low-high") }
    #expect(try FrequencyBand(parsing: "6k-9k") == FrequencyBand(low: 6000, high: 9000))
  }

  @Test func sweepSingsEverySpeciesFromLowToHigh() throws {
    let sweep = try SpeciesSweep(sampleRate: 48000, seed: 1)
    #expect(sweep.timeline.count == SpeciesCatalogue.all.count)
    // What sounds in each species' slot of the timeline lies in that species' band.
    var voice = sweep
    let samples = [Float](unsafeUninitializedCapacity: sweep.length) { buffer, count in
      buffer.initialize(repeating: 0)
      voice.render(adding: buffer.baseAddress!, frames: sweep.length)
      count = sweep.length
    }
    let starts = sweep.timeline.map { Int($0.start * 48000) } + [sweep.length]
    for (index, entry) in sweep.timeline.enumerated() {
      let slot = Array(samples[starts[index]..<starts[index + 1]])
      let peak = PowerSpectrum(slot, sampleRate: 48000, size: 4096).peakFrequency
      let band = entry.species.naturalBand
      #expect(peak >= band.low - 100 && peak <= band.high + 100, "\(entry.species.id) peaks at \(Int(peak)) Hz")
    }
    #expect(sweep.timeline.first?.species.id == "wood-pigeon")
    #expect(sweep.timeline.last?.species.id == "goldcrest")
  }
}
