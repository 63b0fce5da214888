import Foundation

/// Talks to a running installation over its control socket: `birdsong ctl` and the kiosk.
public enum ControlClient {
  /// Sends one command to a running installation and returns its reply.
  public static func request(_ command: String, to path: String, timeout: Double = 3) throws -> String {
    let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw ControlError("cannot create a socket: \(String(cString: strerror(errno)))") }
    defer { close(descriptor) }
    var limit = timeval(tv_sec: Int(timeout), tv_usec: 0)
    setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    var address = try ControlSocket.address(path)
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
    guard connected == 0 else {
      throw ControlError(
        "no installation is listening on '\(path)' (\(String(cString: strerror(errno)))); is 'birdsong run' going?")
    }
    try checkPeer(descriptor, path: path)
    let line = Array((command + "\n").utf8)
    _ = line.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    var reply: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
      let count = read(descriptor, &chunk, chunk.count)
      if count <= 0 { break }
      reply += chunk[0..<count]
    }
    guard !reply.isEmpty else { throw ControlError("the installation did not answer within \(Int(timeout)) s") }
    return String(decoding: reply, as: UTF8.self).trimmingCharacters(in: .newlines)
  }
}

extension ControlClient {
  /// Who may answer on a control socket: this user, root, or the service's own user.
  static var trustedOwners: Set<uid_t> {
    var owners: Set<uid_t> = [getuid(), 0]
    if let entry = getpwnam("birdsong") { owners.insert(entry.pointee.pw_uid) }
    return owners
  }

  /// Refuses a peer that is not who it should be, before anything is sent: the process that
  /// answers (SO_PEERCRED) must own the socket file, and that owner must be trusted. Another
  /// user who made the path first (in /tmp, say) gets nothing from us.
  static func checkPeer(_ descriptor: Int32, path: String) throws {
    var credentials = PeerCredentials()
    var length = socklen_t(MemoryLayout<PeerCredentials>.size)
    guard getsockopt(descriptor, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0 else {
      throw ControlError("cannot tell who listens on '\(path)': \(String(cString: strerror(errno)))")
    }
    var status = stat()
    guard stat(path, &status) == 0 else {
      throw ControlError("cannot check '\(path)': \(String(cString: strerror(errno)))")
    }
    guard credentials.uid == status.st_uid, trustedOwners.contains(credentials.uid) else {
      throw ControlError(
        "refusing to talk to '\(path)': it is owned by user \(status.st_uid) and answered by user \(credentials.uid), "
          + "not by this user, root or the birdsong service; check who made it (ls -l \(path))")
    }
  }
}

/// Linux's `struct ucred` (pid, uid, gid), which Glibc's module map leaves out.
struct PeerCredentials {
  var pid: Int32 = 0
  var uid: uid_t = 0
  var gid: gid_t = 0
}

public enum ControlSocket {
  /// Where `birdsong run` listens unless its config says otherwise: under /run, which only root
  /// can write to (the service's unit makes /run/birdsong for it), so no other user can take
  /// the path first.
  public static let defaultPath = "/run/birdsong/control.sock"

  /// A Unix-domain socket address for `path`.
  public static func address(_ path: String) throws -> sockaddr_un {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
      throw ControlError("the control socket path '\(path)' is too long; choose a shorter one")
    }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      raw.copyBytes(from: bytes)
      raw[bytes.count] = 0
    }
    return address
  }
}

public struct ControlError: Error, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}
