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

public enum ControlSocket {
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
