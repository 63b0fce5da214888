import BirdsongCore
import BirdsongSynthesis
import ConfigFiles
import ControlProtocol
import Foundation

/// What an installer writes in Config/installation.yaml: the output, the bird boxes and the
/// singing schedule. Loading validates everything, so a config that loads can be played.
public struct InstallationConfig: Sendable {
  /// What a box plays: a bird, or a test stimulus again and again.
  public enum Sound: Sendable {
    case species(Species)
    /// A stimulus of `kind` (2 s, 20 ms ramps) every `every` seconds.
    case stimulus(Stimulus.Kind, frequency: Double, levelDBFS: Double, every: Double)

    public var label: String {
      switch self {
      case .species(let species): species.commonName
      case .stimulus(let kind, let frequency, let level, _):
        "\(kind.rawValue) \(FrequencyBand.format(frequency)) Hz at \(FrequencyBand.format(level)) dBFS"
      }
    }
  }

  public struct Box: Sendable {
    public var name: String
    /// 0-based channel (the file counts from 1, as interfaces label their outputs).
    public var channel: Int
    public var sound: Sound
    /// The bird, for a bird box.
    public var species: Species? {
      if case .species(let species) = sound { return species }
      return nil
    }
    public var band: FrequencyBand
    public var gainDB: Double
    /// Multiplier on the species' natural song rate.
    public var density: Double
  }

  public var file: String
  public var seed: UInt64
  public var sampleRate: Int
  /// Channels of the output device (and of a rendered WAV).
  public var channels: Int
  public var device: String
  public var latencyMilliseconds: Double
  public var outputCapDBFS: Double
  /// Where `birdsong run` listens for control commands (owner-only); empty for none.
  public var controlSocket: String
  /// The status page, metrics and HTTP commands (`http:`); nil: off.
  public var http: HTTPSettings?
  /// When the boxes sing live (per day of the week, closed dates); nil for always.
  public var openingHours: OpeningHours?
  public var boxes: [Box]

  /// Whether the boxes sing at this local time.
  public func isOpen(at time: LocalTime) -> Bool { openingHours?.isOpen(at: time) ?? true }

  /// Config/installation.yaml in a checkout, else the installed package's /etc/birdsong one.
  public static let defaultPath = ConfigLocation.first("Config/installation.yaml", "/etc/birdsong/installation.yaml")

  /// Loads and validates a config file.
  public static func load(path: String) throws(ConfigError) -> InstallationConfig {
    try read(ConfigNode.load(path: path, hint: "pass another with --config, or copy Config/installation.yaml"))
  }

  public static func parse(_ text: String, file: String) throws(ConfigError) -> InstallationConfig {
    try read(ConfigNode.parse(text, file: file))
  }

  private static func read(_ root: ConfigNode) throws(ConfigError) -> InstallationConfig {
    let file = root.file
    let top = try root.mapping(allowed: [
      "seed", "sample_rate", "output", "schedule", "control_socket", "http", "boxes",
    ])
    let controlSocket = try top["control_socket"]?.string() ?? ControlSocket.defaultPath
    let http = try top["http"].map { node throws(ConfigError) in try HTTPSettings.read(node) }
    let sampleRate = try top["sample_rate"]?.integer(in: 8000...192_000) ?? 48000
    let seed = UInt64(try top["seed"]?.integer(in: 0...Int.max) ?? 1)

    var device = "default"
    var latency = 40.0
    var cap = -3.0
    var channels: Int?
    if let output = try top["output"]?.mapping(allowed: ["device", "channels", "latency_ms", "cap_dbfs"]) {
      device = try output["device"]?.string() ?? device
      latency = try output["latency_ms"]?.double(in: 5...1000, unit: " ms") ?? latency
      cap = try output["cap_dbfs"]?.double(in: -60...0, unit: " dBFS") ?? cap
      channels = try output["channels"]?.integer(in: 1...64)
    }
    var density = 1.0
    var openingHours: OpeningHours?
    if let schedule = try top["schedule"]?.mapping(allowed: ["density", "hours", "closed"]) {
      density = try schedule["density"]?.double(in: 0...20) ?? density
      if let hours = schedule["hours"] {
        openingHours = try OpeningHours.read(hours: hours, closed: schedule["closed"])
      } else if let closed = schedule["closed"] {
        openingHours = try OpeningHours.read(hours: ConfigNode.parse("00:00-24:00", file: closed.file), closed: closed)
      }
    }

    guard let boxesNode = top["boxes"] else {
      throw root.error("there are no 'boxes'; add a list of bird boxes (name, channel, species)")
    }
    var boxes: [Box] = []
    var boxLines: [Int?] = []
    for node in try boxesNode.sequence() {
      let entry = try node.mapping(allowed: [
        "name", "channel", "species", "stimulus", "level_dbfs", "every", "band", "gain_db", "density",
      ])
      func required(_ key: String) throws(ConfigError) -> ConfigNode {
        guard let value = entry[key] else {
          throw node.error("this box has no '\(key)'; every box needs name, channel and species (or stimulus)")
        }
        return value
      }
      let name = try required("name").string()
      let channelNode = try required("channel")
      let channel = try channelNode.integer(in: 1...64) - 1
      let sound: Sound
      var band: FrequencyBand
      switch (entry["species"], entry["stimulus"]) {
      case (let speciesNode?, nil):
        let species: Species
        do {
          species = try SpeciesCatalogue.lookup(try speciesNode.string())
        } catch let error as CatalogueError {
          throw speciesNode.error(error.description)
        } catch {
          throw error as! ConfigError
        }
        sound = .species(species)
        band = species.naturalBand
        if let bandNode = entry["band"], try bandNode.string() != "natural" {
          do {
            band = try FrequencyBand(placing: try bandNode.string())
          } catch let error as SynthesisError {
            throw bandNode.error("\(error.description) (or write 'natural')")
          } catch {
            throw error as! ConfigError
          }
        }
      case (nil, let stimulusNode?):
        let words = try stimulusNode.string().split(separator: " ")
        guard words.count == 2, let kind = Stimulus.Kind(rawValue: String(words[0])),
          let frequency = Double(words[1]), frequency >= 20
        else {
          throw stimulusNode.error(
            "write the stimulus as KIND FREQUENCY, like 'warble 4000' (kinds: tone, warble, noise)")
        }
        let level = try entry["level_dbfs"]?.double(in: -100...0, unit: " dBFS") ?? -20
        let every = try entry["every"]?.double(in: 3...3600, unit: " s") ?? 10
        sound = .stimulus(kind, frequency: frequency, levelDBFS: level, every: every)
        band = Stimulus.band(kind, frequency)
      case (.some, .some):
        throw node.error("this box has both 'species' and 'stimulus'; give it one")
      case (nil, nil):
        throw node.error("this box has no 'species' (or 'stimulus'); every box needs name, channel and species")
      }
      do {
        try band.check(sampleRate: Double(sampleRate))
      } catch {
        throw (entry["band"] ?? entry["stimulus"] ?? node).error(error.description)
      }
      if let clash = boxes.first(where: { $0.channel == channel }) {
        throw channelNode.error(
          "channel \(channel + 1) is already used by box '\(clash.name)'; give each box its own channel")
      }
      if boxes.contains(where: { $0.name == name }) {
        throw node.error("two boxes are called '\(name)'; give each box its own name")
      }
      boxes.append(
        Box(
          name: name, channel: channel, sound: sound, band: band,
          gainDB: try entry["gain_db"]?.double(in: -60...6, unit: " dB") ?? 0,
          density: try entry["density"]?.double(in: 0...20) ?? density))
      boxLines.append(channelNode.line)
    }
    guard !boxes.isEmpty else { throw boxesNode.error("the list of boxes is empty; add at least one box") }
    let needed = boxes.map(\.channel).max()! + 1
    if let channels, channels < needed {
      let index = boxes.firstIndex { $0.channel >= channels }!
      throw ConfigError(
        file: file, line: boxLines[index], field: "boxes[\(index + 1)].channel",
        message:
          "channel \(boxes[index].channel + 1) is beyond the output's \(channels) channels (output.channels); use 1 to \(channels) or raise output.channels"
      )
    }
    return InstallationConfig(
      file: file, seed: seed, sampleRate: sampleRate, channels: channels ?? needed, device: device,
      latencyMilliseconds: latency, outputCapDBFS: cap, controlSocket: controlSocket == "none" ? "" : controlSocket,
      http: http, openingHours: openingHours, boxes: boxes)
  }
}
