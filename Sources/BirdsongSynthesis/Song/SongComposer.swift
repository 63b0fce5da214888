import BirdsongCore
import Foundation

/// Turns a species' song pattern into notes on the audio clock: chooses the variations, applies
/// the jitter, and places every pitch in the target band.
public struct SongComposer: Sendable {
  public let species: Species
  public let band: FrequencyBand
  public let sampleRate: Double
  let placement: BandPlacement

  /// A composer for `species` singing in `band` (its natural band when nil).
  public init(species: Species, band: FrequencyBand? = nil, sampleRate: Double) throws(SynthesisError) {
    let band = band ?? species.naturalBand
    try band.check(sampleRate: sampleRate)
    self.species = species
    self.band = band
    self.sampleRate = sampleRate
    placement = BandPlacement(from: species.naturalBand, to: band)
  }

  /// Lays out one song of song type `type` from frame `start`; returns the frame at which it
  /// ends. `birdSeed` is the seed of what is the bird's own (the motifs it knows, per-bird
  /// shifts).
  func compose(
    at start: Int, type: Int = 0, amplitude: Double, birdSeed: UInt64 = 0, random: inout SeededGenerator,
    into voice: inout NoteVoice
  ) -> Int {
    var layout = Layout(
      composer: self, time: Double(start), amplitude: amplitude, birdSeed: birdSeed,
      songShift: random.jitter(species.song.songPitchJitter))
    layout.walk(species.song.types[type], tempo: 1, transpose: 0, gain: 1, &random, &voice)
    return Int(layout.time.rounded())
  }

  private struct Layout {
    let composer: SongComposer
    var time: Double
    let amplitude: Double
    let birdSeed: UInt64
    let songShift: Double
    /// Inside a repertoire whose motifs fix only their choices: where `oneOf` draws from.
    var choices: SeededGenerator?

    mutating func walk(
      _ elements: [SongElement], tempo: Double, transpose: Double, gain: Double, _ random: inout SeededGenerator,
      _ voice: inout NoteVoice
    ) {
      let pattern = composer.species.song
      let rate = composer.sampleRate
      for element in elements {
        switch element {
        case .syllable(let syllable):
          let shift = songShift + transpose + random.jitter(pattern.syllablePitchJitter)
          let seconds = max(
            syllable.duration * tempo * (1 + random.jitter(pattern.timingJitter)), 2 * Syllable.minimumRamp)
          let level = min(pow(10, random.jitter(1) / 20) * syllable.level * gain, 1)
          add(syllable, frames: Int((seconds * rate).rounded()), shift: shift, level: level, &random, &voice)
        case .rest(let range):
          time += random.uniform(range) * tempo * (1 + random.jitter(pattern.timingJitter)) * rate
        case .repeated(let count, let tempoStep, let step, let gainStep, let same, let inner):
          var (t, shift, g) = (tempo, transpose, gain)
          let times = random.integer(count)
          let (first, firstChoices) = (random, choices)
          for index in 0..<times {
            if same, index > 0 { (random, choices) = (first, firstChoices) }
            walk(inner, tempo: t, transpose: shift, gain: g, &random, &voice)
            t *= tempoStep
            shift += step
            g *= pow(10, gainStep / 20)
          }
        case .repertoire(let id, let size, let choicesOnly, let inner):
          // The motif's own generator: the same motif comes out the same every time, or, with
          // `choicesOnly`, makes the same choices while its rests and jitter vary.
          var motif = own(id, random.integer(0...size - 1))
          let outer = choices
          if choicesOnly {
            choices = motif
            walk(inner, tempo: tempo, transpose: transpose, gain: gain, &random, &voice)
          } else {
            choices = nil
            walk(inner, tempo: tempo, transpose: transpose, gain: gain, &motif, &voice)
          }
          choices = outer
        case .shifted(let by, let birdID, let inner):
          var fixed = birdID.map { own($0, Int(UInt32.max)) }
          let shift = fixed != nil ? fixed!.uniform(by) : random.uniform(by)
          walk(inner, tempo: tempo, transpose: transpose + shift, gain: gain, &random, &voice)
        case .crescendo(let dB, let inner):
          let (first, start) = (voice.notes.count, time)
          walk(inner, tempo: tempo, transpose: transpose, gain: gain, &random, &voice)
          let span = max(time - start, 1)
          voice.scaleAmplitudes(from: first) { noteStart in
            let t = (Double(noteStart) - start) / span
            return Float(pow(10, (dB > 0 ? -dB * (1 - t) : dB * t) / 20))
          }
        case .oneOf(let options):
          let pick = choices != nil ? choices!.integer(0...options.count - 1) : random.integer(0...options.count - 1)
          walk(options[pick], tempo: tempo, transpose: transpose, gain: gain, &random, &voice)
        case .together(let voices):
          let start = time
          var end = time
          for phrase in voices {
            time = start
            walk(phrase, tempo: tempo, transpose: transpose, gain: gain, &random, &voice)
            end = max(end, time)
          }
          time = end
        }
      }
    }

    /// A generator of what is this bird's own: element `id`'s `index`th motif (or its per-bird
    /// draw), from the bird's seed, mixed by one SplitMix step (no allocation).
    private func own(_ id: Int, _ index: Int) -> SeededGenerator {
      var which = SeededGenerator(seed: UInt64(id) << 32 | UInt64(index))
      return SeededGenerator(seed: birdSeed ^ which.next())
    }

    private mutating func add(
      _ syllable: Syllable, frames: Int, shift: Double, level: Double, _ random: inout SeededGenerator,
      _ voice: inout NoteVoice
    ) {
      let rate = composer.sampleRate
      let placement = composer.placement
      let factor = pow(2, shift / 12)
      let harmonics = syllable.harmonics.prefix(3)
      var note = NoteVoice.Note(
        start: Int(time.rounded()), length: frames,
        amplitude: Float(amplitude * level / (1 + harmonics.reduce(0, +))))
      if let vibrato = syllable.vibrato {
        note.vibratoIncrement = vibrato.rate / rate
        note.vibratoDepth = log(2) * vibrato.depth * placement.scale / 12
        if vibrato.span != 0...1 {
          let (from, to) = (vibrato.span.lowerBound * Double(frames), vibrato.span.upperBound * Double(frames))
          note.vibratoSpan = (from, to, max(1, min(Syllable.vibratoFade * rate, (to - from) / 3)))
        }
      }
      if let tremolo = syllable.tremolo {
        note.tremoloIncrement = tremolo.rate / rate
        note.tremoloDepth = Float(tremolo.depth)
      }
      for (offset, partialLevel) in harmonics.enumerated() {
        note.partialRatios[offset + 1] = pow(Double(offset + 2), placement.scale)
        note.partialLevels[offset + 1] = Float(partialLevel)
      }
      note.partialCount = harmonics.count + 1
      if let noise = syllable.noise, noise.mix > 0 {
        // The noise keeps within the placed image of [pitch - width, pitch + width].
        var width = Double.infinity
        for point in syllable.pitch {
          let pitch = point.value * factor
          let mapped = placement.map(pitch)
          width = min(
            width, placement.map(pitch + noise.width) - mapped, mapped - placement.map(max(pitch - noise.width, 1)))
        }
        note.setNoise(width: width / rate, mix: noise.mix, random: &random)
      }
      voice.pitchPoints.removeAll(keepingCapacity: true)
      for point in syllable.pitch {
        voice.pitchPoints.append(
          (Int((point.time * Double(frames)).rounded()), placement.map(point.value * factor) / rate))
      }
      fillLevels(syllable, frames: frames, into: &voice.levelPoints)
      voice.add(note)
      time += Double(frames)
    }

    /// The level breakpoints in frames: the syllable's envelope, unless a short rendition
    /// (tempo, jitter) squeezes a move to faster than the shortest ramp, or else raised-cosine
    /// attack and release ramps.
    private func fillLevels(_ syllable: Syllable, frames: Int, into points: inout [(frame: Int, level: Float)]) {
      let rate = composer.sampleRate
      points.removeAll(keepingCapacity: true)
      if let envelope = syllable.envelope {
        let shortest = Syllable.minimumRamp * rate
        var safe = true
        for point in envelope {
          let frame = Int((point.time * Double(frames)).rounded())
          if let last = points.last, Double(frame - last.frame) < shortest * abs(point.value - Double(last.level)) - 1 {
            safe = false
          }
          points.append((frame, Float(point.value)))
        }
        if safe { return }
        points.removeAll(keepingCapacity: true)
      }
      let ramp = { (seconds: Double) in Int((max(seconds, Syllable.minimumRamp) * rate).rounded()) }
      let attack = min(ramp(syllable.attack), frames / 2)
      let release = min(ramp(syllable.release), frames - attack)
      points.append((0, 0))
      points.append((attack, 1))
      points.append((frames - release, 1))
      points.append((frames, 0))
    }
  }
}

extension SongComposer {
  /// One song's notes without their sound, as (start, end) seconds from the song's start: its
  /// rhythm, for checking a song's structure against published figures.
  public func sketch(seed: UInt64) -> [Range<Double>] {
    var random = SeededGenerator(seed: seed, stream: species.id)
    var voice = NoteVoice()
    let type = random.integer(0...species.song.types.count - 1)
    _ = compose(at: 0, type: type, amplitude: 1, birdSeed: seed, random: &random, into: &voice)
    return voice.notes.map { Double($0.start) / sampleRate..<Double($0.start + $0.length) / sampleRate }
  }
}
