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

  @inline(__always)
  private static func render(
    _ note: inout Note, _ count: Int, _ out: UnsafeMutablePointer<Float>, _ table: UnsafePointer<Float>,
    _ segments: UnsafePointer<Segment>
  ) {
    var segment = segments[note.segment]
    let releaseStart = note.length - note.release
    let inverseAttack = 0.25 / Double(max(note.attack, 1))
    let inverseRelease = 0.25 / Double(max(note.release, 1))
    for i in 0..<count {
      if note.segmentPosition == segment.frames, note.segment + 1 < note.segments.upperBound {
        note.segment += 1
        note.segmentPosition = 0
        segment = segments[note.segment]
        note.increment = segment.startIncrement
      }
      var increment = note.increment
      note.increment *= segment.ratio
      note.segmentPosition += 1

      if note.vibratoDepth != 0 {
        let x = note.vibratoDepth * Double(SineTable.sine(note.vibratoPhase, table))
        increment *= 1 + x + 0.5 * x * x
        note.vibratoPhase = wrapPhase(note.vibratoPhase + note.vibratoIncrement)
      }

      var gain = note.amplitude
      let position = note.position
      if position < note.attack {
        let s = SineTable.sine(Double(position) * inverseAttack, table)
        gain *= s * s
      } else if position >= releaseStart {
        let s = SineTable.sine(Double(note.length - position) * inverseRelease, table)
        gain *= s * s
      }
      if note.tremoloDepth != 0 {
        let c = SineTable.sine(wrapPhase(note.tremoloPhase + 0.25), table)
        gain *= 1 - note.tremoloDepth * 0.5 * (1 - c)
        note.tremoloPhase = wrapPhase(note.tremoloPhase + note.tremoloIncrement)
      }

      var sample = SineTable.sine(note.phases[0], table)
      note.phases[0] = wrapPhase(note.phases[0] + increment)
      var partial = 1
      while partial < note.partialCount {
        sample += note.partialLevels[partial] * SineTable.sine(note.phases[partial], table)
        note.phases[partial] = wrapPhase(note.phases[partial] + increment * note.partialRatios[partial])
        partial += 1
      }
      out[i] += gain * sample
      note.position += 1
    }
  }
}
