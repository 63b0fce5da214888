import BirdsongCore
import Foundation

/// One bird singing on and off: songs composed from its pattern, separated by natural pauses.
///
/// Everything it does follows from its seed, and it keeps time in frames, so the same voice
/// renders the same samples, to within rounding, however the blocks are cut.
public struct BirdVoice: AudioGenerator {
  /// Peak level of a syllable at 0 dB gain: -9 dBFS, leaving headroom under the safety cap
  /// (a limiter that has to act is a limiter that distorts).
  public static let referenceAmplitude = 0.355

  public let composer: SongComposer
  public var species: Species { composer.species }
  /// How often it sings, as a multiple of the species' natural rate.
  public var density: Double
  public var gain: Double
  public private(set) var songsStarted = 0
  /// Frames rendered so far.
  public private(set) var time = 0
  /// The frame at which the next song starts.
  public private(set) var nextSong: Int

  private var random: SeededGenerator
  /// The seed of what is this bird's own: the motifs it knows, its per-bird shifts.
  private let birdSeed: UInt64
  private var voice = NoteVoice()
  /// The song type being sung (an index into the species' song types), and how many more
  /// songs of it are to come.
  public private(set) var songType = 0
  private var songsLeftOfType = 0

  public init(
    composer: SongComposer, seed: UInt64, gainDB: Double = 0, density: Double = 1,
    firstSongWithin: ClosedRange<Double> = 0.1...0.5
  ) {
    self.composer = composer
    random = SeededGenerator(seed: seed, stream: composer.species.id)
    var own = SeededGenerator(seed: seed, stream: composer.species.id + " repertoire")
    birdSeed = own.next()
    gain = pow(10, gainDB / 20)
    self.density = density
    nextSong = Int(random.uniform(firstSongWithin) * composer.sampleRate)
  }

  /// True while a song is under way.
  public var isSounding: Bool { !voice.isIdle || nextSong < time }
  public var soundsStarted: Int { songsStarted }

  /// Starts a song at the next block, unless one is under way.
  public mutating func soundNow() {
    if voice.isIdle { nextSong = time }
  }

  @discardableResult
  public mutating func render(adding buffer: UnsafeMutablePointer<Float>, frames: Int) -> Bool {
    let end = time + frames
    while nextSong < end { startSong() }
    let sounded = voice.render(adding: buffer, frames: frames, at: time)
    time = end
    return sounded
  }

  /// Keeps the schedule: songs due in the skipped time are composed (so the seeded choices
  /// stay in step) but not rendered; whatever was sounding is dropped.
  public mutating func skip(frames: Int) {
    let end = time + frames
    while nextSong < end {
      voice.removeAll()  // one song at a time: the voice's storage holds one song
      startSong()
      songsStarted -= 1  // composed to keep the schedule, but never heard
    }
    voice.removeAll()
    time = end
  }

  /// Composes the song due at `nextSong` into the voice and schedules the one after.
  private mutating func startSong() {
    let pattern = species.song
    if pattern.types.count > 1 {
      if songsLeftOfType == 0 {
        songType = random.integer(0...pattern.types.count - 1)
        songsLeftOfType = random.integer(pattern.songsPerType)
      }
      songsLeftOfType -= 1
    }
    let songEnd = composer.compose(
      at: nextSong, type: songType, amplitude: Self.referenceAmplitude * gain, birdSeed: birdSeed,
      random: &random, into: &voice)
    songsStarted += 1
    nextSong = songEnd + pause(afterSongOf: songEnd - nextSong)
  }

  /// A natural pause: the species' songs-per-minute rate, scaled by the density, with spread.
  private mutating func pause(afterSongOf frames: Int) -> Int {
    let rate = composer.sampleRate
    let perMinute = random.uniform(species.song.songsPerMinute) * max(density, 1e-6)
    let seconds = max(0.3, 60 / perMinute - Double(frames) / rate) * random.uniform(0.75...1.25)
    return Int(seconds * rate)
  }
}
