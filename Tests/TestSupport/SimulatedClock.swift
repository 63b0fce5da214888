import AudioRuntime
import BirdsongCore
import Synchronization

/// A clock that only moves when someone sleeps on it: a day of retries passes in no time.
public final class SimulatedClock: RuntimeClock, Sendable {
  private let seconds = Mutex(0.0)
  private let sleeps = Mutex(0)
  /// Local time at the start.
  public let start: LocalTime

  /// - Parameter day: days since 1970-01-01 (the default, 20 000, is a Monday: 2024-10-07).
  public init(startMinute: Int = 12 * 60, day: Int = 20_000) {
    start = LocalTime(day: day, minute: startMinute)
  }

  public func now() -> Double { seconds.withLock { $0 } }

  public func sleep(_ duration: Double) {
    seconds.withLock { $0 += max(duration, 0) }
    sleeps.withLock { $0 += 1 }
  }

  public func localTime() -> LocalTime { start.adding(minutes: Int(now() / 60)) }

  public var sleepCount: Int { sleeps.withLock { $0 } }
}
