import ControlProtocol
import Foundation

/// Asks the running installation for things (quiet, sing) without making the visitor wait:
/// requests go out on a queue of their own, in order; an installation that is not running
/// is simply not asked.
public final class InstallationControl: Sendable {
  public let socketPath: String
  private let queue = DispatchQueue(label: "installation-control")

  public init(socketPath: String) {
    self.socketPath = socketPath
  }

  public func send(_ command: ControlCommand) {
    let path = socketPath
    queue.async { _ = try? ControlClient.request(command.line, to: path, timeout: 2) }
  }

  /// The running installation's boxes, asked now (in order after what was sent); none when
  /// it is not running or does not answer within a second.
  public func boxes() -> [BoxDescription] {
    let path = socketPath
    guard FileManager.default.fileExists(atPath: path) else { return [] }
    return queue.sync {
      guard let reply = try? ControlClient.request(ControlCommand.boxes.line, to: path, timeout: 1) else { return [] }
      return BoxDescription.parse(reply: reply)
    }
  }

  /// Waits for the requests sent so far (before exit).
  public func flush() { queue.sync {} }
}
