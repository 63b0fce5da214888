import Synchronization

/// What the render thread reports, as atomics the control thread reads whenever it likes.
public final class RuntimeCounters: Sendable {
  /// Frames written to the output.
  public let framesPlayed = Atomic<Int>(0)
  /// Frames the schedule moved on while the output was away (not synthesised).
  public let framesSkipped = Atomic<Int>(0)
  /// The audio clock: frames since the start, played or skipped, across engine swaps.
  public let audioFrames = Atomic<Int>(0)
  public let underruns = Atomic<Int>(0)
  public let suspends = Atomic<Int>(0)
  /// Outages begun: the output failed to open, or failed while playing.
  public let outages = Atomic<Int>(0)
  /// Times the output was opened.
  public let opens = Atomic<Int>(0)
  /// Times the output came back after an outage.
  public let reconnects = Atomic<Int>(0)
  /// True while the output is open and taking audio.
  public let playing = Atomic<Bool>(false)
  /// Engine swaps done (the control thread waits on this after a reload).
  public let swaps = Atomic<Int>(0)
  /// Turns of the render loop, in play or while it waits to retry: a render thread that is
  /// stuck (in a driver call that never returns) stops counting. The service watchdog reads it.
  public let heartbeats = Atomic<Int>(0)
  /// The real-time scheduling the render thread asked for: 0 not asked, a priority when
  /// granted, minus the errno when refused.
  public let realtime = Atomic<Int>(0)

  public init() {}

  /// A plain copy, for summaries and tests.
  public var snapshot: Snapshot {
    Snapshot(
      framesPlayed: framesPlayed.load(ordering: .relaxed), framesSkipped: framesSkipped.load(ordering: .relaxed),
      audioFrames: audioFrames.load(ordering: .relaxed), underruns: underruns.load(ordering: .relaxed),
      suspends: suspends.load(ordering: .relaxed), outages: outages.load(ordering: .relaxed),
      opens: opens.load(ordering: .relaxed),
      reconnects: reconnects.load(ordering: .relaxed),
      playing: playing.load(ordering: .relaxed))
  }

  public struct Snapshot: Sendable, Equatable {
    public static let zero = Snapshot(
      framesPlayed: 0, framesSkipped: 0, audioFrames: 0, underruns: 0, suspends: 0, outages: 0, opens: 0,
      reconnects: 0, playing: false)

    public var framesPlayed: Int
    public var framesSkipped: Int
    public var audioFrames: Int
    public var underruns: Int
    public var suspends: Int
    public var outages: Int
    public var opens: Int
    public var reconnects: Int
    public var playing: Bool
  }
}

extension Atomic where Value == Int {
  /// Adds on the one thread that writes this counter (a plain load and store, no RMW needed).
  @inline(__always)
  func bump(by amount: Int = 1) {
    store(load(ordering: .relaxed) &+ amount, ordering: .relaxed)
  }
}
