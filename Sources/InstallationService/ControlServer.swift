import ControlProtocol
import Foundation

/// A local Unix-domain socket for control commands, owner-only. One line in, one reply out,
/// then the connection closes. It never blocks: the runner polls it between audio blocks.
public final class ControlServer {
  public let path: String
  private let listener: Int32
  private var clients: [(descriptor: Int32, buffer: [UInt8], since: Double)] = []

  /// Another installation holds the socket (its lock file is locked).
  public struct InUse: Error, CustomStringConvertible {
    public let description: String
  }

  /// The lock beside the socket, held while this server lives: one installation per socket.
  private let lock: Int32

  public init(path: String) throws {
    self.path = path
    // The default folder, /run/birdsong, is made by the service's unit; a run started by hand
    // (as root) makes it, readable by all and writable by its owner only.
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
    try? FileManager.default.createDirectory(
      atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
    lock = try Self.takeLock(path + ".lock", socket: path)
    do {
      listener = try Self.listen(path)
    } catch {
      close(lock)
      throw error
    }
  }

  /// Locks `lockPath` (flock, released by the kernel when the process ends however it ends)
  /// and writes this process's id in it; throws `InUse`, naming the holder, when another
  /// process has it.
  private static func takeLock(_ lockPath: String, socket: String) throws -> Int32 {
    let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else {
      throw ControlError("cannot create the lock file '\(lockPath)': \(String(cString: strerror(errno)))")
    }
    guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
      var bytes = [UInt8](repeating: 0, count: 32)
      let count = read(descriptor, &bytes, bytes.count)
      close(descriptor)
      let pid = String(decoding: bytes.prefix(max(count, 0)), as: UTF8.self).trimmingCharacters(
        in: .whitespacesAndNewlines)
      throw InUse(
        description:
          "another 'birdsong run'\(pid.isEmpty ? "" : " (process \(pid))") is using the control socket '\(socket)'; "
          + "stop it first ('systemctl stop birdsong', or Ctrl-C where it runs), or give this one another control_socket"
      )
    }
    let pid = Array("\(getpid())\n".utf8)
    _ = ftruncate(descriptor, 0)
    _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    return descriptor
  }

  private static func listen(_ path: String) throws -> Int32 {
    var status = stat()
    if lstat(path, &status) == 0 {
      guard status.st_mode & S_IFMT == S_IFSOCK else {
        throw ControlError("'\(path)' exists and is not a socket; choose another control_socket path")
      }
      unlink(path)  // left behind by a run that did not end cleanly (we hold the lock)
    }
    let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
    guard descriptor >= 0 else {
      throw ControlError("cannot create the control socket: \(String(cString: strerror(errno)))")
    }
    var address: sockaddr_un
    do {
      address = try ControlSocket.address(path)
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
    guard bound == 0, Glibc.listen(descriptor, 8) == 0 else {
      let reason = String(cString: strerror(errno))
      close(descriptor)
      throw ControlError("cannot listen on the control socket '\(path)': \(reason)")
    }
    return descriptor
  }

  deinit {
    for client in clients { close(client.descriptor) }
    close(listener)
    unlink(path)
    close(lock)  // after the unlink: a new installation cannot take the path before we let go
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
}
