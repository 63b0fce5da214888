import Foundation

/// Wall-clock time for the live runner: a seam, so that tests can simulate a day of outages
/// and retries in seconds.
public protocol RunClock: AnyObject, Sendable {
  /// Seconds on a monotonic clock.
  func now() -> Double
  func sleep(_ seconds: Double)
}

public final class SystemClock: RunClock {
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
}
