import BirdsongAudio

/// A sink as an output: a WAV file, memory, or nothing. A failed write (a full disk, say) ends
/// the run; the file is abandoned, never left half-written in place.
public final class SinkOutput: AudioOutput {
  public let sinks: [any AudioSink]
  private var error: (any Error)?

  public init(_ sinks: [any AudioSink]) {
    precondition(!sinks.isEmpty)
    self.sinks = sinks
  }

  public convenience init(_ sink: any AudioSink) { self.init([sink]) }

  public var channels: Int { sinks[0].channels }
  public var paces: Bool { false }
  public var openedDescription: String { "\(sinks.count) sink(s)" }
  public var failure: String { error.map { "\($0)" } ?? "no failure" }
  /// The error that ended the output, for the caller to throw.
  public var failureError: (any Error)? { error }

  public func open() throws {}

  public func write(_ samples: UnsafePointer<Float>, frames: Int) -> OutputWrite {
    let buffer = UnsafeBufferPointer(start: samples, count: frames * channels)
    do {
      for sink in sinks { try sink.write(buffer) }
      return .written
    } catch {
      self.error = error
      return .failed
    }
  }

  public func close() throws {
    for sink in sinks { try sink.finish() }
  }

  public func abandon() {
    for case let writer as WAVWriter in sinks { writer.discard() }
  }
}
