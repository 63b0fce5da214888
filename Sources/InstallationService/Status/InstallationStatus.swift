import Foundation
import Synchronization

/// What the status page and /api/status show: the installation as the control thread last
/// saw it (it publishes a new one every quarter second).
public struct InstallationStatus: Codable, Sendable, Equatable {
  public struct Box: Codable, Sendable, Equatable {
    public var name: String
    public var channel: Int
    /// The species or stimulus, as people read it.
    public var sound: String
    public var band: String
    /// on, quiet, paused, closed or sweep.
    public var state: String
    public var singing: Bool
    public var songs: Int
    public var songsThisHour: Int
    /// Peak level in the last block, dBFS (-120 for silence).
    public var levelDBFS: Double
  }

  public var device: String
  public var playing: Bool
  /// What the device agreed to, or why it is away.
  public var deviceDetail: String
  public var realtime: Bool?
  public var uptimeSeconds: Double
  public var audioSeconds: Double
  public var underruns: Int
  public var outages: Int
  public var reconnects: Int
  public var openingHours: String
  public var open: Bool
  /// Seconds of a quiet spell still to run (0: none).
  public var quietSeconds: Double
  public var sweeping: Bool
  /// True when a token is set, so the page's buttons can send commands.
  public var commandsEnabled: Bool
  /// Visitors' checks finished today at the kiosk (when the config names its database).
  public var kioskChecksToday: Int?
  public var boxes: [Box]
}

/// Where the control thread and the HTTP server meet: the control thread publishes the
/// status and carries out the commands that the server has queued, and the server reads the
/// status and waits for each command's reply. Neither waits on the other.
public final class StatusBoard: Sendable {
  public typealias Reply = @Sendable (String) -> Void
  private let latest = Mutex<InstallationStatus?>(nil)
  private let queued = Mutex<[(line: String, reply: Reply)]>([])

  public init() {}

  public var status: InstallationStatus? { latest.withLock { $0 } }

  public func publish(_ status: InstallationStatus) { latest.withLock { $0 = status } }

  /// Queues a command line; `reply` is called with the answer from the control thread.
  public func submit(_ line: String, reply: @escaping Reply) { queued.withLock { $0.append((line, reply)) } }

  /// The commands queued since the last call (control thread).
  public func takeCommands() -> [(line: String, reply: Reply)] {
    queued.withLock { queue in
      defer { queue.removeAll() }
      return queue
    }
  }
}
