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

  /// Lays out one song of song type `type` from frame `start`; returns the frame at which it ends.
  func compose(
    at start: Int, type: Int = 0, amplitude: Double, random: inout SeededGenerator, into voice: inout NoteVoice
  ) -> Int {
    var layout = Layout(
      composer: self, time: Double(start), amplitude: amplitude,
      songShift: random.jitter(species.song.songPitchJitter))
    layout.walk(species.song.types[type], tempo: 1, transpose: 0, gain: 1, &random, &voice)
    return Int(layout.time.rounded())
  }

  private struct Layout {
    let composer: SongComposer
    var time: Double
    let amplitude: Double
    let songShift: Double

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
        case .repeated(let count, let tempoStep, let step, let gainStep, let inner):
          var (t, shift, g) = (tempo, transpose, gain)
          for _ in 0..<random.integer(count) {
            walk(inner, tempo: t, transpose: shift, gain: g, &random, &voice)
            t *= tempoStep
            shift += step
            g *= pow(10, gainStep / 20)
          }
        case .oneOf(let options):
          walk(
            options[random.integer(0...options.count - 1)], tempo: tempo, transpose: transpose, gain: gain, &random,
            &voice)
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
      let pitches = syllable.pitch.map { $0.value * factor }
      if let noise = syllable.noise, noise.mix > 0 {
        // The noise keeps within the placed image of [pitch - width, pitch + width].
        let width = pitches.map { pitch in
          min(
            placement.map(pitch + noise.width) - placement.map(pitch),
            placement.map(pitch) - placement.map(max(pitch - noise.width, 1)))
        }.min()!
        // One modulating frequency in each eighth of [0, width]: a dense, even noise band.
        for k in 0..<8 {
          let turn = 2 * Double.pi * width * (Double(k) + random.unit()) / 8 / rate
          let phase = 2 * Double.pi * random.unit()
          (note.noiseTurnCos[k], note.noiseTurnSin[k]) = (Float(cos(turn)), Float(sin(turn)))
          (note.noiseCos[k], note.noiseSin[k]) = (Float(cos(phase)), Float(sin(phase)))
        }
        note.noiseMix = Float(noise.mix)
      }
      let pitch = zip(syllable.pitch, pitches).map { breakpoint, hertz in
        (frame: Int((breakpoint.time * Double(frames)).rounded()), increment: placement.map(hertz) / rate)
      }
      voice.add(note, pitch: pitch, levels: levels(syllable, frames: frames))
      time += Double(frames)
    }

    /// The level breakpoints in frames: the syllable's envelope, or its attack and release
    /// ramps, never steeper than the shortest ramp allowed.
    private func levels(_ syllable: Syllable, frames: Int) -> [(frame: Int, level: Float)] {
      let rate = composer.sampleRate
      let shortest = Int((Syllable.minimumRamp * rate).rounded())
      guard let envelope = syllable.envelope else {
        let ramp = { (seconds: Double) in Int((max(seconds, Syllable.minimumRamp) * rate).rounded()) }
        let attack = min(ramp(syllable.attack), frames / 2)
        let release = min(ramp(syllable.release), frames - attack)
        return [(0, 0), (attack, 1), (frames - release, 1), (frames, 0)]
      }
      var points = envelope.map { (frame: Int(($0.time * Double(frames)).rounded()), level: Float($0.value)) }
      // A short syllable squeezes its first and last moves: keep each at least the shortest ramp.
      if points.count > 2 {
        points[1].frame = min(max(points[1].frame, shortest), frames / 2)
        let last = points.count - 1
        points[last - 1].frame = max(min(points[last - 1].frame, frames - shortest), points[1].frame)
        for k in 1..<points.count { points[k].frame = max(points[k].frame, points[k - 1].frame) }
      }
      return points
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
    _ = compose(at: 0, type: type, amplitude: 1, random: &random, into: &voice)
    return voice.notes.map { Double($0.start) / sampleRate..<Double($0.start + $0.length) / sampleRate }
  }
}
