/// Where the render thread sends its blocks: a sound device, or a sink (WAV file, memory,
/// nothing). The runtime opens it, writes to it and, when it fails, closes it and opens it
/// again later; an output never retries on its own.
///
/// `write` runs on the render thread: it must not allocate, lock, log or throw. `open` and
/// `close` run there too, but only while no audio is flowing.
public protocol AudioOutput: AnyObject {
  var channels: Int { get }
  /// Opens the output; throws a readable error when it cannot.
  func open() throws
  /// Writes `frames` interleaved frames.
  func write(_ samples: UnsafePointer<Float>, frames: Int) -> OutputWrite
  /// False when nothing paces the writes (a file, the null device, memory).
  var paces: Bool { get }
  /// What was opened, for the log: device, format, period and buffer.
  var openedDescription: String { get }
  /// Why the last write failed, for the log.
  var failure: String { get }
  /// Ends the output after what has been written is out (a device) or in place (a file).
  func close() throws
  /// Gives up after a failure: nothing is finished or put in place.
  func abandon()
}

/// How a write went.
public enum OutputWrite: Equatable, Sendable {
  case written
  /// Written after the device ran dry and was restarted.
  case recoveredUnderrun
  /// Written after the system suspended the device and it was woken.
  case recoveredSuspend
  /// Not written; the output must be closed and opened again (see `failure`).
  case failed
}
