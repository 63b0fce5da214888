import AudioRuntime
import Synchronization

/// A clock that only moves when someone sleeps on it: a day of retries passes in no time.
public final class SimulatedClock: RuntimeClock, Sendable {
  private let seconds = Mutex(0.0)
  private let sleeps = Mutex(0)
  /// Local time at the start, in minutes after midnight.
  public let startMinute: Int

  public init(startMinute: Int = 12 * 60) {
    self.startMinute = startMinute
  }

  public func now() -> Double { seconds.withLock { $0 } }

  public func sleep(_ duration: Double) {
    seconds.withLock { $0 += max(duration, 0) }
    sleeps.withLock { $0 += 1 }
  }

  public func localMinute() -> Int { (startMinute + Int(now() / 60)) % 1440 }

  public var sleepCount: Int { sleeps.withLock { $0 } }
}
