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

  /// Lays out one song from frame `start`; returns the frame at which it ends.
  func compose(
    at start: Int, amplitude: Double, random: inout SeededGenerator, into voice: inout NoteVoice
  ) -> Int {
    var layout = Layout(
      composer: self, time: Double(start), amplitude: amplitude,
      songShift: random.jitter(species.song.songPitchJitter))
    layout.walk(species.song.elements, tempo: 1, transpose: 0, &random, &voice)
    return Int(layout.time.rounded())
  }

  private struct Layout {
    let composer: SongComposer
    var time: Double
    let amplitude: Double
    let songShift: Double

    mutating func walk(
      _ elements: [SongElement], tempo: Double, transpose: Double, _ random: inout SeededGenerator,
      _ voice: inout NoteVoice
    ) {
      let pattern = composer.species.song
      let rate = composer.sampleRate
      for element in elements {
        switch element {
        case .syllable(let syllable):
          let shift = songShift + transpose + random.jitter(pattern.syllablePitchJitter)
          let seconds = max(syllable.duration * tempo * (1 + random.jitter(pattern.timingJitter)), 0.02)
          let level = pow(10, random.jitter(1) / 20) * syllable.level
          add(syllable, frames: Int((seconds * rate).rounded()), shift: shift, level: level, &voice)
        case .rest(let range):
          time += random.uniform(range) * tempo * (1 + random.jitter(pattern.timingJitter)) * rate
        case .repeated(let count, let tempoStep, let step, let inner):
          var (t, shift) = (tempo, transpose)
          for _ in 0..<random.integer(count) {
            walk(inner, tempo: t, transpose: shift, &random, &voice)
            t *= tempoStep
            shift += step
          }
        case .oneOf(let options):
          walk(options[random.integer(0...options.count - 1)], tempo: tempo, transpose: transpose, &random, &voice)
        }
      }
    }

    private mutating func add(_ syllable: Syllable, frames: Int, shift: Double, level: Double, _ voice: inout NoteVoice)
    {
      let rate = composer.sampleRate
      let placement = composer.placement
      let factor = pow(2, shift / 12)
      let ramp = { (seconds: Double) in Int((max(seconds, Syllable.minimumRamp) * rate).rounded()) }
      let attack = min(ramp(syllable.attack), frames / 2)
      let release = min(ramp(syllable.release), frames - attack)
      let harmonics = syllable.harmonics.prefix(3)
      var note = NoteVoice.Note(
        start: Int(time.rounded()), length: frames, attack: attack, release: release,
        amplitude: Float(amplitude * level / (1 + harmonics.reduce(0, +))), segments: 0..<0)
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
      voice.add(note, increments: syllable.pitch.lazy.map { placement.map($0 * factor) / rate })
      time += Double(frames)
    }
  }
}
