/// Where rendered audio goes: a WAV file, memory, nothing, or (in ALSAOutput) a sound card.
/// Samples arrive interleaved, as floats in [-1, 1].
public protocol AudioSink: AnyObject {
  var channels: Int { get }
  func write(_ samples: UnsafeBufferPointer<Float>) throws
  /// Completes the output (a file is closed and put in place); nothing is written after.
  func finish() throws
}

/// Keeps everything in memory, for tests and analysis.
public final class MemorySink: AudioSink {
  public let channels: Int
  public private(set) var samples: [Float] = []

  public init(channels: Int) {
    self.channels = channels
  }

  public func write(_ samples: UnsafeBufferPointer<Float>) throws {
    self.samples.append(contentsOf: samples)
  }

  public func finish() throws {}

  /// One channel's samples.
  public func channel(_ index: Int) -> [Float] {
    stride(from: index, to: samples.count, by: channels).map { samples[$0] }
  }
}

/// Counts frames and throws the samples away: for benchmarks and dry runs.
public final class DiscardSink: AudioSink {
  public let channels: Int
  public private(set) var frames = 0

  public init(channels: Int) {
    self.channels = channels
  }

  public func write(_ samples: UnsafeBufferPointer<Float>) throws {
    frames += samples.count / channels
  }

  public func finish() throws {}
}
