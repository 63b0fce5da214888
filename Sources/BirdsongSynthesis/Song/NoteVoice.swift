import BirdsongCore
import Foundation

/// Plays a list of scheduled notes: each a pitch glide through timed breakpoints, under a level
/// envelope of raised-cosine curves, with optional vibrato, tremolo, partials and noisy
/// sidebands. Storage is reserved up front, so rendering allocates nothing.
struct NoteVoice {
  /// An exponential glide: the phase increment is multiplied by `ratio` every sample.
  struct Glide {
    var frames: Int
    var startIncrement: Double
    var ratio: Double
  }

  /// A raised-cosine move of the level from `from` to `to` (equal: a steady level).
  struct LevelMove {
    var frames: Int
    var from: Float
    var to: Float
  }

  struct Note {
    var start: Int
    var length: Int
    var amplitude: Float
    var glides: Range<Int> = 0..<0
    var moves: Range<Int> = 0..<0
    var vibratoIncrement = 0.0
    /// Vibrato depth as ln(2) * semitones / 12, for a second-order approximation of 2^x.
    var vibratoDepth = 0.0
    /// The frames the vibrato covers and how long it takes to fade in and out; nil: all of it.
    var vibratoSpan: (from: Double, to: Double, fade: Double)?
    var tremoloIncrement = 0.0
    var tremoloDepth: Float = 0
    var partialRatios = SIMD4<Double>(1, 0, 0, 0)
    var partialLevels = SIMD4<Float>(1, 0, 0, 0)
    var partialCount = 1
    /// The noise: eight slow sines, each a phasor turned by (turnCos, turnSin) every sample,
    /// and how much of the tone it replaces. Rotating all eight at once costs less than eight
    /// table lookups.
    var noiseTurnCos = SIMD8<Float>(repeating: 1)
    var noiseTurnSin = SIMD8<Float>(repeating: 0)
    var noiseMix: Float = 0

    // Progress, carried from one block to the next.
    var position = 0
    var glide = 0
    var glidePosition = 0
    var move = 0
    var movePosition = 0
    var increment = 0.0
    var phases = SIMD4<Double>(repeating: 0)
    var noiseCos = SIMD8<Float>(repeating: 1)
    var noiseSin = SIMD8<Float>(repeating: 0)
    var vibratoPhase = 0.0
    var tremoloPhase = 0.0

    init(start: Int, length: Int, amplitude: Float) {
      self.start = start
      self.length = length
      self.amplitude = amplitude
    }

    /// Makes the tone noisy: its level is modulated by eight sines, one in each eighth of
    /// [0, width] cycles per sample with a random phase, so the noise band ends at `width`
    /// either side of the pitch. `mix` 0 keeps the pure tone, 1 leaves only the noise.
    mutating func setNoise(width: Double, mix: Double, random: inout SeededGenerator) {
      // Each sine's amplitude: the eight together have about the level of the tone.
      let level = Float(mix) * 0.35
      for k in 0..<8 {
        let turn = 2 * Double.pi * width * (Double(k) + random.unit()) / 8
        let phase = 2 * Double.pi * random.unit()
        (noiseTurnCos[k], noiseTurnSin[k]) = (Float(cos(turn)), Float(sin(turn)))
        (noiseCos[k], noiseSin[k]) = (level * Float(cos(phase)), level * Float(sin(phase)))
      }
      noiseMix = Float(mix)
      // The modulator peaks at 1 - mix + 8 * level at worst: keep a noisy note's peak within
      // twice a pure one's (6 dB), under the output cap.
      amplitude *= min(1, 2 / (1 - noiseMix + 8 * level))
    }
  }

  private(set) var notes: [Note] = []
  private(set) var glides: [Glide] = []
  private(set) var moves: [LevelMove] = []
  /// The breakpoints of the next note: the composer fills them and `add` reads them. They keep
  /// their storage from note to note, so adding a note allocates nothing.
  var pitchPoints: [(frame: Int, increment: Double)] = []
  var levelPoints: [(frame: Int, level: Float)] = []

  /// The most notes one voice holds at once (a song), and pitch or level points a syllable has.
  static let noteCapacity = 2048
  static let pointCapacity = 32

  init(noteCapacity: Int = Self.noteCapacity) {
    notes.reserveCapacity(noteCapacity)
    glides.reserveCapacity(noteCapacity * 4)
    moves.reserveCapacity(noteCapacity * 4)
    pitchPoints.reserveCapacity(Self.pointCapacity)
    levelPoints.reserveCapacity(Self.pointCapacity)
  }

  var isIdle: Bool { notes.isEmpty }

  /// Scales the notes from `index` on by `gain` of each one's start frame (a crescendo laid
  /// over notes already added).
  mutating func scaleAmplitudes(from index: Int, _ gain: (Int) -> Float) {
    for i in index..<notes.count { notes[i].amplitude *= gain(notes[i].start) }
  }

  /// Drops every note, keeping the storage.
  mutating func removeAll() {
    notes.removeAll(keepingCapacity: true)
    glides.removeAll(keepingCapacity: true)
    moves.removeAll(keepingCapacity: true)
  }

  /// Adds a note through `pitchPoints` (frame, cycles per sample) and `levelPoints` (frame,
  /// level 0...1), each from frame 0 to the note's length, frames increasing.
  mutating func add(_ note: Note) {
    var note = note
    let firstGlide = glides.count
    for (from, to) in zip(pitchPoints, pitchPoints.dropFirst()) where to.frame > from.frame {
      let frames = to.frame - from.frame
      glides.append(
        Glide(
          frames: frames, startIncrement: from.increment, ratio: pow(to.increment / from.increment, 1 / Double(frames)))
      )
    }
    if glides.count == firstGlide {
      glides.append(Glide(frames: note.length, startIncrement: pitchPoints[0].increment, ratio: 1))
    }
    let firstMove = moves.count
    // Each move starts where the last one ended, so a point squeezed to no length (a short
    // syllable) merges into the next move instead of leaving a step in the level.
    var level = levelPoints[0].level
    for (from, to) in zip(levelPoints, levelPoints.dropFirst()) where to.frame > from.frame {
      moves.append(LevelMove(frames: to.frame - from.frame, from: level, to: to.level))
      level = to.level
    }
    note.glides = firstGlide..<glides.count
    note.moves = firstMove..<moves.count
    note.glide = firstGlide
    note.move = firstMove
    note.increment = glides[firstGlide].startIncrement
    notes.append(note)
  }

  /// Adds the notes sounding in [time, time + frames) to `buffer`, and drops finished ones.
  mutating func render(adding buffer: UnsafeMutablePointer<Float>, frames: Int, at time: Int) -> Bool {
    guard !notes.isEmpty else { return false }
    var sounded = false
    let end = time + frames
    SineTable.values.withUnsafeBufferPointer { table in
      glides.withUnsafeBufferPointer { glides in
        moves.withUnsafeBufferPointer { moves in
          notes.withUnsafeMutableBufferPointer { notes in
            for index in notes.indices where notes[index].start < end {
              let from = max(notes[index].start, time)
              let count = min(notes[index].start + notes[index].length, end) - from
              if count > 0 {
                sounded = true
                Self.render(
                  &notes[index], count, buffer + (from - time), table.baseAddress!, glides.baseAddress!,
                  moves.baseAddress!)
              }
            }
          }
        }
      }
    }
    if notes.contains(where: { $0.position >= $0.length }) {
      notes.removeAll { $0.position >= $0.length }
    }
    if notes.isEmpty {
      glides.removeAll(keepingCapacity: true)
      moves.removeAll(keepingCapacity: true)
    }
    return sounded
  }

  /// The inner loop. State lives in locals while it runs (the compiler keeps them in
  /// registers) and is written back once at the end.
  @inline(__always)
  private static func render(
    _ note: inout Note, _ count: Int, _ out: UnsafeMutablePointer<Float>, _ table: UnsafePointer<Float>,
    _ glides: UnsafePointer<Glide>, _ moves: UnsafePointer<LevelMove>
  ) {
    let amplitude = note.amplitude
    let vibratoDepth = note.vibratoDepth
    let vibratoIncrement = note.vibratoIncrement
    let vibratoSpan = note.vibratoSpan
    let tremoloDepth = note.tremoloDepth
    let tremoloIncrement = note.tremoloIncrement
    let partialCount = note.partialCount
    let ratios = note.partialRatios
    let levels = note.partialLevels
    let noiseMix = note.noiseMix
    let (noiseTurnCos, noiseTurnSin) = (note.noiseTurnCos, note.noiseTurnSin)
    let lastGlide = note.glides.upperBound - 1
    let lastMove = note.moves.upperBound - 1
    let plain = vibratoDepth == 0 && tremoloDepth == 0 && partialCount == 1 && noiseMix == 0

    var position = note.position
    var glideIndex = note.glide
    var glidePosition = note.glidePosition
    var moveIndex = note.move
    var movePosition = note.movePosition
    var increment = note.increment
    var phase = note.phases[0]
    var phases = note.phases
    var (noiseCos, noiseSin) = (note.noiseCos, note.noiseSin)
    var vibratoPhase = note.vibratoPhase
    var tremoloPhase = note.tremoloPhase

    var i = 0
    while i < count {
      var glide = glides[glideIndex]
      if glidePosition >= glide.frames, glideIndex < lastGlide {
        glideIndex += 1
        glidePosition = 0
        glide = glides[glideIndex]
        increment = glide.startIncrement
      }
      var move = moves[moveIndex]
      if movePosition >= move.frames, moveIndex < lastMove {
        moveIndex += 1
        movePosition = 0
        move = moves[moveIndex]
      }
      // A run inside one glide and one level move (the last of each runs to the note's end).
      var run = count - i
      if glideIndex < lastGlide { run = min(run, glide.frames - glidePosition) }
      if moveIndex < lastMove { run = min(run, move.frames - movePosition) }
      // The level (from + to) / 2 - (to - from) / 2 * cos(theta), theta from 0 to pi over the
      // move, by rotating (cos, sin) one step a sample: a few multiplies instead of a lookup.
      let steady = move.from == move.to
      let turn = steady ? 0 : Double.pi / Double(max(move.frames, 1))
      let theta = turn * Double(movePosition)
      var (cosine, sine) = (cos(theta), sin(theta))
      let (turnCos, turnSin) = (cos(turn), sin(turn))
      let middle = amplitude * (move.from + move.to) / 2
      let swing = amplitude * (move.to - move.from) / 2
      let ratio = glide.ratio
      if plain {
        if steady {
          // The common case, kept lean: a glide at a steady level.
          let gain = amplitude * move.from
          for j in i..<(i + run) {
            out[j] += gain * SineTable.sine(phase, table)
            phase += increment
            increment *= ratio
          }
        } else {
          for j in i..<(i + run) {
            out[j] += (middle - swing * Float(cosine)) * SineTable.sine(phase, table)
            (cosine, sine) = (cosine * turnCos - sine * turnSin, sine * turnCos + cosine * turnSin)
            phase += increment
            increment *= ratio
          }
        }
      } else {
        for j in i..<(i + run) {
          var step = increment
          increment *= ratio
          if vibratoDepth != 0 {
            var depth = vibratoDepth
            if let span = vibratoSpan {
              let at = Double(position + j - i)
              depth *= min(max((at - span.from) / span.fade, 0), 1) * min(max((span.to - at) / span.fade, 0), 1)
            }
            let x = depth * Double(SineTable.sine(vibratoPhase, table))
            step *= 1 + x + 0.5 * x * x
            vibratoPhase += vibratoIncrement
          }
          var gain = middle - swing * Float(cosine)
          if !steady {
            (cosine, sine) = (cosine * turnCos - sine * turnSin, sine * turnCos + cosine * turnSin)
          }
          if tremoloDepth != 0 {
            let c = SineTable.sine(tremoloPhase + 0.25, table)
            gain *= 1 - tremoloDepth * 0.5 * (1 - c)
            tremoloPhase += tremoloIncrement
          }
          if noiseMix != 0 {
            // The phasors carry their level (see setNoise): their sum is the noisy part.
            let sum = noiseSin.sum()
            (noiseCos, noiseSin) = (
              noiseCos * noiseTurnCos - noiseSin * noiseTurnSin, noiseSin * noiseTurnCos + noiseCos * noiseTurnSin
            )
            gain *= 1 - noiseMix + sum
          }
          var sample = SineTable.sine(phase, table)
          phase += step
          if partialCount > 1 {
            for partial in 1..<partialCount {
              sample += levels[partial] * SineTable.sine(phases[partial], table)
              phases[partial] += step * ratios[partial]
            }
          }
          out[j] += gain * sample
        }
      }
      position += run
      glidePosition += run
      movePosition += run
      i += run
    }

    // Phases run unwrapped through the loop (see SineTable.sine); wrap them once here.
    phases[0] = phase
    for k in 0..<4 { phases[k] = wrapPhase(phases[k]) }
    note.phases = phases
    (note.noiseCos, note.noiseSin) = (noiseCos, noiseSin)
    note.position = position
    note.glide = glideIndex
    note.glidePosition = glidePosition
    note.move = moveIndex
    note.movePosition = movePosition
    note.increment = increment
    note.vibratoPhase = wrapPhase(vibratoPhase)
    note.tremoloPhase = wrapPhase(tremoloPhase)
  }
}
