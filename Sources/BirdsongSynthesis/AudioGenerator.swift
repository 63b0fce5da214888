/// Anything that makes one channel of sound, block by block, on the audio clock.
///
/// `render` and `skip` are called on the render thread: they must not allocate, lock, log or
/// throw.
public protocol AudioGenerator {
  /// Adds the next `frames` samples to `buffer`; returns false when it added nothing (silence),
  /// so that mixers can skip the work.
  @discardableResult
  mutating func render(adding buffer: UnsafeMutablePointer<Float>, frames: Int) -> Bool

  /// Moves on by `frames` without making the sound (after an outage the schedule keeps time
  /// without synthesising what nobody heard). Whatever was sounding is dropped.
  mutating func skip(frames: Int)

  /// Sounds started so far (a bird's songs, a repeating tone's plays), for counters.
  var soundsStarted: Int { get }
  /// True while a sound is under way.
  var isSounding: Bool { get }
  /// Starts the next sound at the next block, unless one is under way (staff's 'sing').
  mutating func soundNow()
}

extension AudioGenerator {
  public var soundsStarted: Int { 0 }
  public var isSounding: Bool { false }
  public mutating func soundNow() {}

  /// For generators without a cheaper way: renders the frames into scratch and drops them.
  public mutating func skip(frames: Int) {
    // 1 KiB: small enough to live on the stack, so skipping allocates nothing.
    withUnsafeTemporaryAllocation(of: Float.self, capacity: 256) { scratch in
      var left = frames
      while left > 0 {
        let count = min(left, scratch.count)
        scratch.initialize(repeating: 0)
        render(adding: scratch.baseAddress!, frames: count)
        left -= count
      }
    }
  }
}
