/// Anything that makes one channel of sound, block by block, on the audio clock.
///
/// `render` is called on the render path: it must not allocate, lock, log or throw.
public protocol AudioGenerator {
  /// Adds the next `frames` samples to `buffer`; returns false when it added nothing (silence),
  /// so that mixers can skip the work.
  @discardableResult
  mutating func render(adding buffer: UnsafeMutablePointer<Float>, frames: Int) -> Bool
}
