import ControlProtocol
import Foundation
import StatusServer
import Synchronization

/// Asks the running installations for things (quiet, sing) without making the visitor wait:
/// requests go out on a queue of their own, in order; an installation that is not running
/// is simply not asked. A venue whose boxes several machines play names each one: a control
/// socket here, or another machine's status page (with its token). Quiet goes to all of
/// them; a box sings on the machine that said it has it.
public final class InstallationControl: Sendable {
  /// Control sockets (absolute paths) and status pages (http://HOST:PORT).
  public let endpoints: [String]
  private let token: String?
  private let queue = DispatchQueue(label: "installation-control")
  /// Which endpoint has each box, by name, from the last `boxes()`.
  private let owners = Mutex<[String: String]>([:])

  public init(endpoints: [String], token: String? = nil) {
    self.endpoints = endpoints
    self.token = token
  }

  public convenience init(socketPath: String) {
    self.init(endpoints: [socketPath])
  }

  public func send(_ command: ControlCommand) {
    var chosen = endpoints
    switch command {
    case .sing(let box), .identify(let box):
      if let owner = owners.withLock({ $0[box] }) { chosen = [owner] }
    default: break
    }
    let targets = chosen
    queue.async { [self] in
      for target in targets { _ = request(command.line, to: target, timeout: 2) }
    }
  }

  /// Every running installation's boxes, asked now (in order after what was sent); none from
  /// one that is not running or does not answer within a second. A name two machines share
  /// is kept for the first.
  public func boxes() -> [BoxDescription] {
    queue.sync {
      var all: [BoxDescription] = []
      var found: [String: String] = [:]
      for target in endpoints {
        guard let reply = request(ControlCommand.boxes.line, to: target, timeout: 1) else { continue }
        for box in BoxDescription.parse(reply: reply) where found[box.name] == nil {
          found[box.name] = target
          all.append(box)
        }
      }
      owners.withLock { $0 = found }
      return all
    }
  }

  /// Waits for the requests sent so far (before exit).
  public func flush() { queue.sync {} }

  private func request(_ line: String, to target: String, timeout: Double) -> String? {
    if target.hasPrefix("http://") {
      guard let url = URL(string: target), let host = url.host, let token else { return nil }
      let answer = try? HTTPClient.post(
        host: host, port: url.port ?? 80, path: "/api/command", body: line,
        headers: [("Authorization", "Bearer \(token)")], timeout: Int64(max(timeout, 1)))
      return answer?.status == 200 ? answer?.text : nil
    }
    guard FileManager.default.fileExists(atPath: target) else { return nil }
    return try? ControlClient.request(line, to: target, timeout: timeout)
  }
}
