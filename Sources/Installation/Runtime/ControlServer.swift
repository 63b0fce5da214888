import Foundation

/// A local Unix-domain socket for control commands, owner-only. One line in, one reply out,
/// then the connection closes. It never blocks: the runner polls it between audio blocks.
public final class ControlServer {
  public let path: String
  private let listener: Int32
  private var clients: [(descriptor: Int32, buffer: [UInt8], since: Double)] = []

  public init(path: String) throws {
    self.path = path
    var status = stat()
    if lstat(path, &status) == 0 {
      guard status.st_mode & S_IFMT == S_IFSOCK else {
        throw ControlError("'\(path)' exists and is not a socket; choose another control_socket path")
      }
      unlink(path)  // left behind by a run that did not end cleanly
    }
    let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
    guard descriptor >= 0 else {
      throw ControlError("cannot create the control socket: \(String(cString: strerror(errno)))")
    }
    var address: sockaddr_un
    do {
      address = try Self.address(path)
    } catch {
      close(descriptor)
      throw error
    }
    let oldMask = umask(0o177)  // owner-only from the start, not after a chmod
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
    umask(oldMask)
    guard bound == 0, listen(descriptor, 8) == 0 else {
      let reason = String(cString: strerror(errno))
      close(descriptor)
      throw ControlError("cannot listen on the control socket '\(path)': \(reason)")
    }
    listener = descriptor
  }

  deinit {
    for client in clients { close(client.descriptor) }
    close(listener)
    unlink(path)
  }

  /// Accepts waiting connections, reads what they sent, and answers each complete line with
  /// `handle`. Returns at once when nothing is waiting.
  public func poll(now: Double, _ handle: (String) -> String) {
    while true {
      let client = accept(listener, nil, nil)
      if client < 0 { break }
      _ = fcntl(client, F_SETFL, fcntl(client, F_GETFL) | O_NONBLOCK)
      clients.append((client, [], now))
    }
    var open: [(descriptor: Int32, buffer: [UInt8], since: Double)] = []
    for var client in clients {
      var chunk = [UInt8](repeating: 0, count: 512)
      let count = read(client.descriptor, &chunk, chunk.count)
      if count > 0 { client.buffer += chunk[0..<count] }
      if let newline = client.buffer.firstIndex(of: 10) {
        let line = String(decoding: client.buffer[..<newline], as: UTF8.self)
        let reply = Array((handle(line.trimmingCharacters(in: .whitespacesAndNewlines)) + "\n").utf8)
        _ = reply.withUnsafeBytes { Glibc.send(client.descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        close(client.descriptor)
      } else if count == 0 || client.buffer.count > 4096 || now - client.since > 2 {
        close(client.descriptor)  // hung up, too long, or too slow
      } else {
        open.append(client)
      }
    }
    clients = open
  }

  /// Sends one command to a running installation and returns its reply.
  public static func request(_ command: String, to path: String, timeout: Double = 3) throws -> String {
    let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw ControlError("cannot create a socket: \(String(cString: strerror(errno)))") }
    defer { close(descriptor) }
    var limit = timeval(tv_sec: Int(timeout), tv_usec: 0)
    setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    var address = try Self.address(path)
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

extension ControlServer {
  /// A Unix-domain socket address for `path`.
  static func address(_ path: String) throws -> sockaddr_un {
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
