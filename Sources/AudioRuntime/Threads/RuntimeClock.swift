import BirdsongCore
import Foundation

/// Wall-clock time for the runtime and the services around it: the one seam through which
/// the wall clock enters, so that tests can simulate a day of outages and retries in seconds.
public protocol RuntimeClock: AnyObject, Sendable {
  /// Seconds on a monotonic clock.
  func now() -> Double
  func sleep(_ seconds: Double)
  /// Local date and time to the minute, for opening hours.
  func localTime() -> LocalTime
}

public final class SystemClock: RuntimeClock {
  public init() {}

  public func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }

  public func sleep(_ seconds: Double) {
    guard seconds > 0 else { return }
    var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
    var left = timespec()
    while nanosleep(&request, &left) != 0, errno == EINTR { request = left }
  }

  public func localTime() -> LocalTime {
    var now = time(nil)
    var parts = tm()
    localtime_r(&now, &parts)
    let day = LocalTime.day(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday)) ?? 0
    return LocalTime(day: day, minute: Int(parts.tm_hour) * 60 + Int(parts.tm_min))
  }
}

/// Keeps a device that does not pace itself (null, file) to the wall clock: after each write
/// it sleeps while the audio written runs more than 20 ms ahead of the time that has passed.
public struct WallClockPacer: Sendable {
  private var start: (time: Double, frames: Int)?

  public init() {}

  /// Counts from the next write again (after a device was reopened).
  public mutating func restart() { start = nil }

  public mutating func hold(framesPlayed: Int, sampleRate: Double, clock: any RuntimeClock) {
    let origin = start ?? (clock.now(), framesPlayed)
    start = origin
    let ahead = Double(framesPlayed - origin.frames) / sampleRate - (clock.now() - origin.time)
    if ahead > 0.02 { clock.sleep(ahead) }
  }
}
