import Foundation

/// A slow periodic modulation: vibrato (depth in semitones) or tremolo (depth 0...1).
public struct Modulation: Sendable, Hashable {
  public var rate: Double
  public var depth: Double
  /// The part of the syllable it covers, 0 (its start) to 1 (its end); a vibrato fades in and
  /// out at the edges of a part (a clean onset, then a warbled body, say).
  public var span: ClosedRange<Double>

  public init(rate: Double, depth: Double, span: ClosedRange<Double> = 0...1) {
    self.rate = rate
    self.depth = depth
    self.span = span
  }
}

/// A value at a moment of a syllable: `time` runs from 0 (its start) to 1 (its end).
public struct Breakpoint: Sendable, Hashable {
  public var time: Double
  public var value: Double

  public init(_ time: Double, _ value: Double) {
    self.time = time
    self.value = value
  }

  /// Values spread evenly from 0 to 1.
  public static func evenly(_ values: [Double]) -> [Breakpoint] {
    values.count == 1
      ? [Breakpoint(0, values[0]), Breakpoint(1, values[0])]
      : values.enumerated().map { Breakpoint(Double($0) / Double(values.count - 1), $1) }
  }
}

/// Rough, noisy sidebands around the pitch: the tone is amplitude-modulated by a few random
/// low frequencies up to `width` Hz, so its energy stays within `width` Hz of the pitch.
public struct Noise: Sendable, Hashable {
  public var width: Double
  /// 0 keeps the pure tone, 1 leaves only the noisy sidebands.
  public var mix: Double

  public init(width: Double, mix: Double) {
    self.width = width
    self.mix = mix
  }
}

/// One sung sound: a pitch trajectory under an amplitude envelope.
///
/// The pitch moves through timed breakpoints joined by exponential glides; the level through
/// timed breakpoints joined by raised-cosine curves (or plain attack and release ramps), which
/// keeps the syllable's energy inside its band.
public struct Syllable: Sendable, Hashable {
  /// Its name in the species file, for messages.
  public var name = ""
  public var duration: Double
  public var pitch: [Breakpoint]
  /// Level breakpoints (0...1); nil: raised-cosine `attack` and `release` around a steady level.
  public var envelope: [Breakpoint]?
  public var attack: Double
  public var release: Double
  public var level: Double
  public var vibrato: Modulation?
  public var tremolo: Modulation?
  /// Relative amplitudes of partials 2, 3 and 4 (at most three).
  public var harmonics: [Double]
  public var noise: Noise?

  /// The shortest ramp a syllable may have: shorter ones splatter past the band guard.
  public static let minimumRamp = 0.008
  /// How long a vibrato over part of a syllable takes to fade in and out (s), at most a third
  /// of that part.
  public static let vibratoFade = 0.01

  public init(
    duration: Double, pitch: [Breakpoint], envelope: [Breakpoint]? = nil, attack: Double = 0.012,
    release: Double = 0.015, level: Double = 1, vibrato: Modulation? = nil, tremolo: Modulation? = nil,
    harmonics: [Double] = [], noise: Noise? = nil
  ) {
    self.duration = duration
    self.pitch = pitch
    self.envelope = envelope
    self.attack = attack
    self.release = release
    self.level = level
    self.vibrato = vibrato
    self.tremolo = tremolo
    self.harmonics = harmonics
    self.noise = noise
  }

  /// The lowest and highest frequency of its energy when moved by `transpose` semitones at
  /// most: partials, vibrato swing and its sidebands (Carson's rule), tremolo sidebands and
  /// noise included.
  func extent(transpose: ClosedRange<Double>) -> ClosedRange<Double> {
    let (down, up) = (pow(2, transpose.lowerBound / 12), pow(2, transpose.upperBound / 12))
    let swing = pow(2, (vibrato?.depth ?? 0) / 12)
    let sidebands = (vibrato?.rate ?? 0) + (tremolo?.rate ?? 0) + (noise?.width ?? 0)
    let pitches = pitch.map(\.value)
    let topPartial = Double(min(harmonics.count, 3) + 1)
    return (pitches.min()! * down / swing - sidebands)...(pitches.max()! * up * swing * topPartial + sidebands)
  }
}

/// The structure of a song: syllables, rests, repeats (trills), alternatives (variation) and
/// voices that sound together.
public indirect enum SongElement: Sendable, Hashable {
  case syllable(Syllable)
  /// Silence, its length drawn from the range (seconds).
  case rest(ClosedRange<Double>)
  /// The elements again and again, `count` times: each time `tempo` times as long (below 1,
  /// an accelerating series), `transpose` semitones higher (negative: descending) and `gain`
  /// dB louder (a crescendo; levels are held at full scale). With `same`, every time sings
  /// the first rendition again (what `oneOf` chose, the rests, the jitter): a phrase type made
  /// up on the spot and then repeated, as a song thrush does.
  case repeated(count: ClosedRange<Int>, tempo: Double, transpose: Double, gain: Double, same: Bool, [SongElement])
  /// One of several phrases, chosen at random each time.
  case oneOf([[SongElement]])
  /// One of the `size` motifs this bird knows, chosen at random each time: each made once from
  /// the elements (their choices, rests and jitter drawn from the bird's own seed) and sung
  /// the same whenever it comes round. A blackbird or a robin has such a fixed repertoire,
  /// different from bird to bird. With `choicesOnly`, a motif keeps only its choices (which
  /// `oneOf` option), and its rests, repeat counts and jitter vary from song to song, as a
  /// yellowhammer's song type does. `id` tells a file's elements apart.
  case repertoire(id: Int, size: Int, choicesOnly: Bool, [SongElement])
  /// The elements sung `by` semitones higher (negative: lower), drawn from the range each time
  /// they are sung (inside a repertoire's motif or a `same` repeat, drawn once): a bird that
  /// moves its figures up and down the scale. With a `birdID`, drawn once for each bird: its
  /// own pitch.
  case shifted(by: ClosedRange<Double>, birdID: Int?, [SongElement])
  /// The elements growing louder across the phrase, from `dB` quieter at its start to full at
  /// its end (negative: fading from full to that much quieter): a strophe that begins softly
  /// and rises, or one that dies away.
  case crescendo(dB: Double, [SongElement])
  /// Phrases that start at the same moment: the two sides of a songbird's syrinx.
  case together([[SongElement]])
}

/// How a species sings: its song types, how long it keeps to one, and how much songs vary.
public struct SongPattern: Sendable, Hashable {
  /// The song types: each a sequence of elements. Most species have one.
  public var types: [[SongElement]]
  /// Songs sung in a row before the bird picks a type again (eventual variety; 1: a new pick
  /// every song).
  public var songsPerType: ClosedRange<Int>
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
    timingJitter: Double = 0.06, songsPerType: ClosedRange<Int> = 1...1, _ types: [[SongElement]]
  ) {
    self.types = types
    self.songsPerType = songsPerType
    self.songsPerMinute = songsPerMinute
    self.songPitchJitter = songPitchJitter
    self.syllablePitchJitter = syllablePitchJitter
    self.timingJitter = timingJitter
  }

  /// The lowest and highest frequency any rendering can reach, with every jitter,
  /// transposition, partial, modulation and noise at its extreme.
  public var frequencyExtent: ClosedRange<Double> {
    var lowest = Double.infinity
    var highest = 0.0
    forEachSyllable { _, reach in
      lowest = min(lowest, reach.lowerBound)
      highest = max(highest, reach.upperBound)
    }
    return lowest...highest
  }

  /// The most one song can hold and last, and how far repeats can stretch a syllable: with
  /// every count at its largest and every rest at its longest.
  struct WorstCase {
    var notes = 0
    var glides = 0
    var moves = 0
    var seconds = 0.0
    /// The range of tempo factors repeats apply to any syllable.
    var tempo = 1.0...1.0

    /// Counts are capped before they add or multiply, so deeply nested repeats cannot
    /// overflow (a capped figure is far past every limit anyway).
    private static func add(_ a: Int, _ b: Int) -> Int { min(a, 1 << 30) + min(b, 1 << 30) }

    /// This, then `next`.
    func then(_ next: WorstCase) -> WorstCase {
      WorstCase(
        notes: Self.add(notes, next.notes), glides: Self.add(glides, next.glides),
        moves: Self.add(moves, next.moves), seconds: seconds + next.seconds, tempo: tempo.spanning(next.tempo))
    }

    /// Whichever of the two is worse, figure by figure (alternatives).
    func or(_ other: WorstCase) -> WorstCase {
      WorstCase(
        notes: max(notes, other.notes), glides: max(glides, other.glides), moves: max(moves, other.moves),
        seconds: max(seconds, other.seconds), tempo: tempo.spanning(other.tempo))
    }

    /// Both at once (two voices): the counts add, the longer one lasts.
    func and(_ other: WorstCase) -> WorstCase {
      var both = then(other)
      both.seconds = max(seconds, other.seconds)
      return both
    }

    /// `count` times in a row.
    func times(_ count: Int) -> WorstCase {
      let times = { (figure: Int) in min(figure, 1 << 30) * count }
      return WorstCase(
        notes: times(notes), glides: times(glides), moves: times(moves), seconds: seconds * Double(count),
        tempo: tempo)
    }
  }

  var worstCase: WorstCase {
    func visit(_ elements: [SongElement], _ tempo: ClosedRange<Double>) -> WorstCase {
      var total = WorstCase(tempo: tempo)
      for element in elements {
        switch element {
        case .syllable(let syllable):
          let one = WorstCase(
            notes: 1, glides: max(syllable.pitch.count - 1, 1), moves: max((syllable.envelope?.count ?? 4) - 1, 3),
            seconds: syllable.duration * tempo.upperBound * (1 + timingJitter), tempo: tempo)
          total = total.then(one)
        case .rest(let range):
          total.seconds += range.upperBound * tempo.upperBound * (1 + timingJitter)
        case .repeated(let count, let step, _, _, _, let inner):
          let last = pow(step, Double(count.upperBound - 1))
          let reach = (tempo.lowerBound * min(1, last))...(tempo.upperBound * max(1, last))
          total = total.then(visit(inner, reach).times(count.upperBound))
        case .repertoire(_, _, _, let inner), .shifted(_, _, let inner), .crescendo(_, let inner):
          total = total.then(visit(inner, tempo))
        case .oneOf(let options):
          total = total.then(options.map { visit($0, tempo) }.reduce(WorstCase(tempo: tempo)) { $0.or($1) })
        case .together(let voices):
          total = total.then(voices.map { visit($0, tempo) }.reduce(WorstCase(tempo: tempo)) { $0.and($1) })
        }
      }
      return total
    }
    return types.map { visit($0, 1...1) }.reduce(WorstCase()) { $0.or($1) }
  }

  /// Visits every syllable with the frequencies it can reach (every jitter and transposition
  /// at its extreme).
  func forEachSyllable(_ body: (Syllable, ClosedRange<Double>) -> Void) {
    let jitter = songPitchJitter + syllablePitchJitter
    func visit(_ elements: [SongElement], _ transpose: ClosedRange<Double>) {
      for element in elements {
        switch element {
        case .syllable(let syllable):
          body(syllable, syllable.extent(transpose: (transpose.lowerBound - jitter)...(transpose.upperBound + jitter)))
        case .rest:
          break
        case .repeated(let count, _, let step, _, _, let inner):
          let span = step * Double(count.upperBound - 1)
          visit(inner, (transpose.lowerBound + min(0, span))...(transpose.upperBound + max(0, span)))
        case .repertoire(_, _, _, let inner), .crescendo(_, let inner):
          visit(inner, transpose)
        case .shifted(let by, _, let inner):
          visit(inner, (transpose.lowerBound + by.lowerBound)...(transpose.upperBound + by.upperBound))
        case .oneOf(let options), .together(let options):
          for option in options { visit(option, transpose) }
        }
      }
    }
    for type in types { visit(type, 0...0) }
  }
}

extension ClosedRange<Double> {
  /// The smallest range holding both.
  fileprivate func spanning(_ other: Self) -> Self {
    Swift.min(lowerBound, other.lowerBound)...Swift.max(upperBound, other.upperBound)
  }
}
