import Foundation

/// Plays a list of scheduled notes, each a glide with vibrato, tremolo and partials under
/// raised-cosine ramps. Storage is reserved up front, so rendering allocates nothing.
struct NoteVoice {
  /// An exponential glide: the phase increment is multiplied by `ratio` every sample.
  struct Segment {
    var frames: Int
    var startIncrement: Double
    var ratio: Double
  }

  struct Note {
    var start: Int
    var length: Int
    var attack: Int
    var release: Int
    var amplitude: Float
    var segments: Range<Int>
    var vibratoIncrement = 0.0
    /// Vibrato depth as ln(2) * semitones / 12, for a second-order approximation of 2^x.
    var vibratoDepth = 0.0
    var tremoloIncrement = 0.0
    var tremoloDepth: Float = 0
    var partialRatios = SIMD4<Double>(1, 0, 0, 0)
    var partialLevels = SIMD4<Float>(1, 0, 0, 0)
    var partialCount = 1

    // Progress, carried from one block to the next.
    var position = 0
    var segment = 0
    var segmentPosition = 0
    var increment = 0.0
    var phases = SIMD4<Double>(repeating: 0)
    var vibratoPhase = 0.0
    var tremoloPhase = 0.0
  }

  private(set) var notes: [Note] = []
  private(set) var segments: [Segment] = []

  init(noteCapacity: Int = 2048) {
    notes.reserveCapacity(noteCapacity)
    segments.reserveCapacity(noteCapacity * 4)
  }

  var isIdle: Bool { notes.isEmpty }

  /// Adds a note gliding through `increments` (cycles per sample), spread evenly over it.
  mutating func add(_ note: Note, increments: some Collection<Double>) {
    var note = note
    let first = segments.count
    let pieces = max(increments.count - 1, 1)
    var index = increments.startIndex
    var used = 0
    for piece in 0..<pieces {
      let frames = piece == pieces - 1 ? note.length - used : note.length / pieces
      let from = increments[index]
      let to = increments.count > 1 ? increments[increments.index(after: index)] : from
      segments.append(Segment(frames: frames, startIncrement: from, ratio: pow(to / from, 1 / Double(max(frames, 1)))))
      used += frames
      if increments.count > 1 { index = increments.index(after: index) }
    }
    note.segments = first..<segments.count
    note.segment = first
    note.increment = segments[first].startIncrement
    notes.append(note)
  }

  /// Adds the notes sounding in [time, time + frames) to `buffer`, and drops finished ones.
  mutating func render(adding buffer: UnsafeMutablePointer<Float>, frames: Int, at time: Int) -> Bool {
    guard !notes.isEmpty else { return false }
    var sounded = false
    let end = time + frames
    SineTable.values.withUnsafeBufferPointer { table in
      segments.withUnsafeBufferPointer { segments in
        notes.withUnsafeMutableBufferPointer { notes in
          for index in notes.indices where notes[index].start < end {
            let from = max(notes[index].start, time)
            let count = min(notes[index].start + notes[index].length, end) - from
            if count > 0 {
              sounded = true
              Self.render(&notes[index], count, buffer + (from - time), table.baseAddress!, segments.baseAddress!)
            }
          }
        }
      }
    }
    if notes.contains(where: { $0.position >= $0.length }) {
      notes.removeAll { $0.position >= $0.length }
    }
    if notes.isEmpty { segments.removeAll(keepingCapacity: true) }
    return sounded
  }

  /// The inner loop. State lives in locals while it runs (the compiler keeps them in
  /// registers) and is written back once at the end.
  @inline(__always)
  private static func render(
    _ note: inout Note, _ count: Int, _ out: UnsafeMutablePointer<Float>, _ table: UnsafePointer<Float>,
    _ segments: UnsafePointer<Segment>
  ) {
    let releaseStart = note.length - note.release
    let attack = max(note.attack, 1)
    let length = note.length
    let amplitude = note.amplitude
    let release = max(note.release, 1)
    let vibratoDepth = note.vibratoDepth
    let vibratoIncrement = note.vibratoIncrement
    let tremoloDepth = note.tremoloDepth
    let tremoloIncrement = note.tremoloIncrement
    let partialCount = note.partialCount
    let ratios = note.partialRatios
    let levels = note.partialLevels
    let lastSegment = note.segments.upperBound - 1
    let plain = vibratoDepth == 0 && tremoloDepth == 0 && partialCount == 1

    var position = note.position
    var segmentIndex = note.segment
    var segmentPosition = note.segmentPosition
    var increment = note.increment
    var phase = note.phases[0]
    var phases = note.phases
    var vibratoPhase = note.vibratoPhase
    var tremoloPhase = note.tremoloPhase

    var i = 0
    while i < count {
      var segment = segments[segmentIndex]
      if segmentPosition >= segment.frames, segmentIndex < lastSegment {
        segmentIndex += 1
        segmentPosition = 0
        segment = segments[segmentIndex]
        increment = segment.startIncrement
      }
      // A run inside one pitch segment (the last segment runs to the note's end) and inside
      // one part of the envelope (attack, sustain or release).
      var run = segmentIndex < lastSegment ? min(count - i, segment.frames - segmentPosition) : count - i
      // The raised-cosine ramps, 0.5 - 0.5 cos(theta), by rotating (cos, sin) one step a sample:
      // a few multiplies instead of a table lookup. Sustain is theta = pi (gain 1), no rotation.
      var theta = Double.pi
      var turn = 0.0
      if position < attack {
        run = min(run, attack - position)
        theta = Double.pi * Double(position) / Double(attack)
        turn = Double.pi / Double(attack)
      } else if position < releaseStart {
        run = min(run, releaseStart - position)
      } else {
        theta = Double.pi * Double(length - position) / Double(release)
        turn = -Double.pi / Double(release)
      }
      var (cosine, sine) = (cos(theta), sin(theta))
      let (turnCos, turnSin) = (cos(turn), sin(turn))
      let ratio = segment.ratio
      let half = 0.5 * Double(amplitude)
      if plain {
        if turn == 0 {
          // The common case, kept lean: a glide at a steady level.
          for j in i..<(i + run) {
            out[j] += amplitude * SineTable.sine(phase, table)
            phase += increment
            increment *= ratio
          }
        } else {
          for j in i..<(i + run) {
            out[j] += Float(half - half * cosine) * SineTable.sine(phase, table)
            (cosine, sine) = (cosine * turnCos - sine * turnSin, sine * turnCos + cosine * turnSin)
            phase += increment
            increment *= ratio
          }
        }
        position += run
        segmentPosition += run
        i += run
        continue
      }
      for j in i..<(i + run) {
        var step = increment
        increment *= ratio
        if vibratoDepth != 0 {
          let x = vibratoDepth * Double(SineTable.sine(vibratoPhase, table))
          step *= 1 + x + 0.5 * x * x
          vibratoPhase += vibratoIncrement
        }
        var gain = Float(half - half * cosine)
        (cosine, sine) = (cosine * turnCos - sine * turnSin, sine * turnCos + cosine * turnSin)
        if tremoloDepth != 0 {
          let c = SineTable.sine(tremoloPhase + 0.25, table)
          gain *= 1 - tremoloDepth * 0.5 * (1 - c)
          tremoloPhase += tremoloIncrement
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
        position += 1
      }
      segmentPosition += run
      i += run
    }

    // Phases run unwrapped through the loop (see SineTable.sine); wrap them once here.
    phases[0] = phase
    for partial in 0..<4 { phases[partial] = wrapPhase(phases[partial]) }
    note.phases = phases
    note.position = position
    note.segment = segmentIndex
    note.segmentPosition = segmentPosition
    note.increment = increment
    note.vibratoPhase = wrapPhase(vibratoPhase)
    note.tremoloPhase = wrapPhase(tremoloPhase)
  }
}
