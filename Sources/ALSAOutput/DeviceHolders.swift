import Foundation

/// Who holds a sound device: when a `hw:` device is busy, the processes that have its node
/// (/dev/snd/pcmC<card>D<device>p) open, read from /proc, so the message can name them (a
/// sound server such as PipeWire, another player, a second installation).
public enum DeviceHolders {
  public struct Holder: Sendable, Equatable {
    public var pid: Int32
    public var name: String

    public init(pid: Int32, name: String) {
      self.pid = pid
      self.name = name
    }
  }

  /// The playback node of an ALSA hardware name (`hw:2,0`, `hw:CARD=UMC1820,DEV=0`, the same
  /// with `plughw:`), or nil for a name that is not one card's device (default, pipewire).
  public static func node(of device: String, cards: [DeviceList.Card]) -> String? {
    var name = device
    for prefix in ["plughw:", "hw:"] where name.hasPrefix(prefix) { name.removeFirst(prefix.count) }
    guard name != device else { return nil }
    var card: Int?
    var number = 0
    for (position, part) in name.split(separator: ",").enumerated() {
      let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
      let key = pair.count == 2 ? pair[0].uppercased() : (position == 0 ? "CARD" : "DEV")
      let value = pair.last ?? ""
      switch key {
      case "CARD": card = Int(value) ?? cards.first { $0.id == value }?.index
      case "DEV": number = Int(value) ?? 0
      default: break
      }
    }
    return card.map { "/dev/snd/pcmC\($0)D\(number)p" }
  }

  /// Processes with `path` open (those whose /proc entries this user may read).
  public static func processes(holding path: String) -> [Holder] {
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
    var holders: [Holder] = []
    for entry in entries {
      guard let pid = Int32(entry) else { continue }
      let folder = "/proc/\(entry)/fd"
      guard let descriptors = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
      let holds = descriptors.contains { descriptor in
        (try? FileManager.default.destinationOfSymbolicLink(atPath: folder + "/" + descriptor)) == path
      }
      guard holds else { continue }
      let name = (try? String(contentsOfFile: "/proc/\(entry)/comm", encoding: .utf8))?
        .trimmingCharacters(in: .whitespacesAndNewlines)
      holders.append(Holder(pid: pid, name: name ?? "?"))
    }
    return holders.sorted { $0.pid < $1.pid }
  }

  /// Words for a busy device: who has it, and how to choose between them.
  public static func explanation(for device: String) -> String? {
    guard let node = node(of: device, cards: DeviceList.cards()) else { return nil }
    let holders = processes(holding: node).filter { $0.pid != getpid() }
    guard !holders.isEmpty else { return nil }
    let names = holders.map { "\($0.name) (process \($0.pid))" }.joined(separator: ", ")
    let servers = ["pipewire", "pulseaudio", "wireplumber", "jackd", "jackdbus"]
    let server = holders.contains { holder in servers.contains { holder.name.hasPrefix($0) } }
    return "it is held by \(names)"
      + (server
        ? "; a sound server owns the card: play through it with --device pipewire (or default), or stop the server for this card to use \(device) directly"
        : "; stop that program, or choose another device ('birdsong devices')")
  }
}
