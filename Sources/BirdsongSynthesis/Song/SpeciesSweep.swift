import BirdsongCore

/// The demonstration sweep for an awareness clip: one song of each species in turn, lowest
/// band first, each in its natural band, with a pause between.
public struct SpeciesSweep: AudioGenerator {
  /// When each species starts, in seconds.
  public let timeline: [(species: Species, start: Double)]
  /// Frames from the start to the end of the last song.
  public let length: Int
  private var voice: NoteVoice
  private var time = 0

  /// - Parameter bands: a band to sing in instead of the natural one, by species id (a bird
  ///   box's band).
  public init(
    species: [Species] = SpeciesCatalogue.all, bands: [String: FrequencyBand] = [:], sampleRate: Double,
    seed: UInt64, pause: Double = 1.2
  ) throws(SynthesisError) {
    var voice = NoteVoice(noteCapacity: 4096)
    var random = SeededGenerator(seed: seed, stream: "sweep")
    var cursor = Int(0.3 * sampleRate)
    var timeline: [(Species, Double)] = []
    for bird in species.sorted(by: { $0.naturalBand.center < $1.naturalBand.center }) {
      let composer = try SongComposer(species: bird, band: bands[bird.id], sampleRate: sampleRate)
      timeline.append((bird, Double(cursor) / sampleRate))
      cursor = composer.compose(
        at: cursor, amplitude: BirdVoice.referenceAmplitude, birdSeed: seed, random: &random, into: &voice)
      cursor += Int(pause * sampleRate)
    }
    self.voice = voice
    self.timeline = timeline
    length = cursor
  }

  @discardableResult
  public mutating func render(adding buffer: UnsafeMutablePointer<Float>, frames: Int) -> Bool {
    defer { time += frames }
    return voice.render(adding: buffer, frames: frames, at: time)
  }
}
