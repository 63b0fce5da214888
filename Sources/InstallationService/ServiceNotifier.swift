import Foundation

/// Talks to systemd when it started us as a `Type=notify` service (sd_notify(3)): READY once the
/// installation is up, STATUS lines for `systemctl status`, WATCHDOG keep-alives, STOPPING.
/// The protocol is one datagram of `KEY=value` lines to the socket in $NOTIFY_SOCKET; outside
/// systemd (no variable) every call does nothing.
public struct ServiceNotifier: Sendable {
  private let socketPath: String?
  /// Half of systemd's WatchdogSec (how often to feed it), when it asked for keep-alives.
  public let watchdogInterval: Double?

  public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
    let path = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
    socketPath = path
    // WATCHDOG_PID, when set, names the process meant; another process's watchdog is not ours.
    let forUs = environment["WATCHDOG_PID"].map { Int32($0) == getpid() } ?? true
    if path != nil, forUs, let micros = environment["WATCHDOG_USEC"].flatMap(Double.init), micros > 0 {
      watchdogInterval = micros / 2_000_000
    } else {
      watchdogInterval = nil
    }
  }

  public var isActive: Bool { socketPath != nil }

  public func ready(status: String) { send("READY=1\nSTATUS=\(status)") }
  public func status(_ text: String) { send("STATUS=\(text)") }
  public func watchdog() { send("WATCHDOG=1") }
  public func reloading() { send("RELOADING=1") }
  public func reloaded() { send("READY=1") }
  public func stopping() { send("STOPPING=1") }

  /// Sends one message; failures are ignored (systemd's own sd_notify does the same for a
  /// missing socket: the service must not stop because its supervisor went away).
  @discardableResult
  public func send(_ message: String) -> Bool {
    guard var path = socketPath else { return false }
    // A leading '@' names a socket in the abstract namespace: its address starts with a zero byte.
    let abstract = path.hasPrefix("@")
    if abstract { path.removeFirst() }
    let bytes = Array(path.utf8)
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let room = MemoryLayout.size(ofValue: address.sun_path)
    guard bytes.count + 1 < room else { return false }
    let offset = abstract ? 1 : 0
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      raw.storeBytes(of: 0, toByteOffset: 0, as: UInt8.self)
      for (index, byte) in bytes.enumerated() { raw[offset + index] = byte }
      if !abstract { raw[bytes.count] = 0 }
    }
    // Family, then the path and its terminating zero, or the zero byte and the abstract name.
    let length = MemoryLayout<sa_family_t>.size + bytes.count + 1
    let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    let payload = Array(message.utf8)
    let sent = withUnsafePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
        payload.withUnsafeBytes {
          sendto(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), socketAddress, socklen_t(length))
        }
      }
    }
    return sent == payload.count
  }
}
