import Foundation

/// A slow periodic modulation: vibrato (depth in semitones) or tremolo (depth 0...1).
public struct Modulation: Sendable, Hashable {
  public var rate: Double
  public var depth: Double

  public init(rate: Double, depth: Double) {
    self.rate = rate
    self.depth = depth
  }
}

/// One sung sound: a pitch trajectory under an amplitude envelope.
///
/// The pitch moves through `pitch` (Hz), breakpoints spread evenly over the syllable and joined
/// by exponential glides. Raised-cosine attack and release keep its energy inside its band.
public struct Syllable: Sendable, Hashable {
  public var duration: Double
  public var pitch: [Double]
  public var attack: Double
  public var release: Double
  public var level: Double
  public var vibrato: Modulation?
  public var tremolo: Modulation?
  /// Relative amplitudes of partials 2, 3 and 4 (at most three).
  public var harmonics: [Double]

  /// The shortest ramp a syllable may have: shorter ones splatter past the band guard.
  public static let minimumRamp = 0.008

  public init(
    duration: Double, pitch: [Double], attack: Double = 0.012, release: Double = 0.015,
    level: Double = 1, vibrato: Modulation? = nil, tremolo: Modulation? = nil, harmonics: [Double] = []
  ) {
    self.duration = duration
    self.pitch = pitch
    self.attack = attack
    self.release = release
    self.level = level
    self.vibrato = vibrato
    self.tremolo = tremolo
    self.harmonics = harmonics
  }
}

/// The structure of a song: syllables, rests, repeats (trills) and alternatives (variation).
public indirect enum SongElement: Sendable, Hashable {
  case syllable(Syllable)
  /// Silence, its length drawn from the range (seconds).
  case rest(ClosedRange<Double>)
  /// The elements again and again, `count` times: each time `tempo` times as long (below 1,
  /// an accelerating series) and `transpose` semitones higher (negative: descending).
  case repeated(count: ClosedRange<Int>, tempo: Double, transpose: Double, [SongElement])
  /// One of several phrases, chosen at random each time.
  case oneOf([[SongElement]])
}

/// How a species sings: the song's structure and how much it varies.
public struct SongPattern: Sendable, Hashable {
  public var elements: [SongElement]
  /// Songs a minute when singing steadily.
  public var songsPerMinute: ClosedRange<Double>
  /// Pitch variation of a whole song (semitones, +-).
  public var songPitchJitter: Double
  /// Pitch variation of each syllable (semitones, +-).
  public var syllablePitchJitter: Double
  /// Duration variation of each syllable and rest (fraction, +-).
  public var timingJitter: Double

  public init(
    songsPerMinute: ClosedRange<Double>, songPitchJitter: Double = 0.3, syllablePitchJitter: Double = 0.15,
    timingJitter: Double = 0.06, _ elements: [SongElement]
  ) {
    self.elements = elements
    self.songsPerMinute = songsPerMinute
    self.songPitchJitter = songPitchJitter
    self.syllablePitchJitter = syllablePitchJitter
    self.timingJitter = timingJitter
  }

  /// The lowest and highest frequency any partial of any rendering can reach, with every
  /// jitter, transposition and vibrato at its extreme.
  public var frequencyExtent: ClosedRange<Double> {
    var lowest = Double.infinity
    var highest = 0.0
    let jitter = songPitchJitter + syllablePitchJitter
    func visit(_ elements: [SongElement], _ transpose: ClosedRange<Double>) {
      for element in elements {
        switch element {
        case .syllable(let syllable):
          let swing = jitter + (syllable.vibrato?.depth ?? 0)
          let down = pow(2, (transpose.lowerBound - swing) / 12)
          let up = pow(2, (transpose.upperBound + swing) / 12)
          let topPartial = Double(min(syllable.harmonics.count, 3) + 1)
          lowest = min(lowest, syllable.pitch.min()! * down)
          highest = max(highest, syllable.pitch.max()! * up * topPartial)
        case .rest:
          break
        case .repeated(let count, _, let step, let inner):
          let span = step * Double(count.upperBound - 1)
          visit(inner, (transpose.lowerBound + min(0, span))...(transpose.upperBound + max(0, span)))
        case .oneOf(let options):
          for option in options { visit(option, transpose) }
        }
      }
    }
    visit(elements, 0...0)
    return lowest...highest
  }
}

// Shorthand for writing songs as data in the catalogue.

/// A syllable of `duration` seconds gliding through the pitches (Hz).
func note(
  _ duration: Double, _ pitch: Double..., level: Double = 1, attack: Double = 0.012, release: Double = 0.015,
  vibrato: Modulation? = nil, tremolo: Modulation? = nil, harmonics: [Double] = []
) -> SongElement {
  .syllable(
    Syllable(
      duration: duration, pitch: pitch, attack: attack, release: release, level: level, vibrato: vibrato,
      tremolo: tremolo, harmonics: harmonics))
}

func rest(_ seconds: Double) -> SongElement { .rest(seconds...seconds) }
func rest(_ range: ClosedRange<Double>) -> SongElement { .rest(range) }

func repeated(
  _ count: ClosedRange<Int>, tempo: Double = 1, transpose: Double = 0, _ elements: SongElement...
) -> SongElement {
  .repeated(count: count, tempo: tempo, transpose: transpose, elements)
}

func oneOf(_ options: [SongElement]...) -> SongElement { .oneOf(options) }
