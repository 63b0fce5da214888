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

  func send(_ command: ControlCommand) {
    let path = socketPath
    queue.async { _ = try? ControlClient.request(command.line, to: path, timeout: 2) }
  }

  /// Waits for the requests sent so far (before exit).
  public func flush() { queue.sync {} }
}
