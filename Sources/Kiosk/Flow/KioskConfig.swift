import ConfigFiles
import ControlProtocol
import Foundation
import HearingCheck

/// Config/kiosk.yaml: where the kiosk finds its words, services, calibration and database,
/// which device the headphones are on, its keys, its timeout and the staff PIN.
public struct KioskConfig: Sendable {
  /// Config/kiosk.yaml in a checkout, else the installed package's /etc/birdsong one.
  public static let defaultPath = ConfigLocation.first("Config/kiosk.yaml", "/etc/birdsong/kiosk.yaml")
  /// The PIN of the example hash in Config/kiosk.yaml; `config check` warns while it works.
  public static let examplePIN = "1234"

  public var file: String
  public var defaultLanguage: String
  public var localesFolder: String
  public var signpostingFile: String
  /// nil: no calibration, levels are relative.
  public var calibrationFile: String?
  public var databaseFile: String
  public var headphoneDevice: String
  public var sampleRate: Int
  /// The running installations, each a control socket on this machine or another machine's
  /// status page (http://HOST:PORT): their boxes sing in the group check and are quieted
  /// during a headphone check; empty when the kiosk stands alone.
  public var installations: [String]
  /// The token for the status pages among `installations`.
  public var installationToken: String?
  /// Settings that still work but should be written another way (for `config check`).
  public var notes: [String] = []
  public var idleTimeout: Double
  /// How long the boxes are asked to stay quiet for one headphone check (renewed while it runs).
  public var quietSeconds: Double
  public var frequencies: [Double]
  public var keys: KeyMap
  public var pinHash: String?
  /// The room microphone, if the kiosk has one: the check pauses while the room is too loud.
  public var roomMicrophone: RoomMicrophoneSettings?
  /// The line of each field that names another file (locales, signposting, calibration), so
  /// that a problem with that file is reported where it is named.
  public var namedAt: [String: Int] = [:]

  public static func load(path: String) throws(ConfigError) -> KioskConfig {
    try read(ConfigNode.load(path: path, hint: "start from the example in Config/kiosk.yaml"))
  }

  public static func parse(_ text: String, file: String) throws(ConfigError) -> KioskConfig {
    try read(ConfigNode.parse(text, file: file))
  }

  private static func read(_ root: ConfigNode) throws(ConfigError) -> KioskConfig {
    let top = try root.mapping(allowed: [
      "language", "locales", "signposting", "calibration", "database", "headphones", "installation",
      "installation_token",
      "idle_timeout", "quiet_seconds", "frequencies", "keys", "staff", "room_microphone",
    ])
    func path(_ key: String, _ fallback: String) throws(ConfigError) -> String {
      try top[key]?.string() ?? fallback
    }
    var device = "default"
    var rate = 48000
    if let headphones = try top["headphones"]?.mapping(allowed: ["device", "sample_rate"]) {
      device = try headphones["device"]?.string() ?? device
      rate = try headphones["sample_rate"]?.integer(in: 22050...192000) ?? rate
    }
    let calibration = try top["calibration"]?.string()
    var installations: [String] = []
    if let node = top["installation"] {
      installations = try (node.node.sequence != nil ? node.sequence() : [node]).map { item throws(ConfigError) in
        let text = try item.string()
        guard
          text == "none" || text.hasPrefix("/") || text.hasPrefix("http://") || text.hasSuffix(".yaml")
            || text.hasSuffix(".yml")
        else {
          throw item.error(
            "'\(text)' is neither a control socket (an absolute path) nor a status page (http://HOST:8750)")
        }
        return text
      }.filter { $0 != "none" }
    }
    let installationToken = try top["installation_token"]?.string()
    if installations.contains(where: { $0.hasPrefix("http://") }), installationToken == nil {
      throw top["installation"]!.error(
        "a status page (http://...) needs 'installation_token:' with its token ('birdsong config new-token' made it)")
    }
    var notes: [String] = []
    if installations.count == 1, let file = installations.first, file.hasSuffix(".yaml") || file.hasSuffix(".yml") {
      // Earlier versions named the installation's config here: take its control_socket, and
      // say that the setting has changed.
      let other = try ConfigNode.load(path: file, hint: "'installation:' names the running installation's socket")
      let socket = try other.entry("control_socket")?.string() ?? ControlSocket.defaultPath
      installations = [socket]
      notes.append(
        "'installation: \(file)' now names the installation's control socket: write 'installation: \(socket)'")
    }
    var frequencies = CheckProcedure.Settings().frequencies
    if let list = top["frequencies"] {
      frequencies = []
      for node in try list.sequence() {
        let frequency = try node.double(in: 125...16000, unit: " Hz")
        guard frequency * 2 < Double(rate) * 0.9 else {
          throw node.error("\(Int(frequency)) Hz is too high for a sample rate of \(rate) Hz")
        }
        frequencies.append(frequency)
      }
      guard !frequencies.isEmpty else { throw list.error("list at least one frequency, e.g. [1000, 2000, 4000]") }
    }
    var pinHash: String?
    if let staff = try top["staff"]?.mapping(allowed: ["pin_hash"]) {
      pinHash = try staff["pin_hash"]?.string()
      if let hash = pinHash, !StaffPIN.canMatch(hash) {
        throw staff["pin_hash"]!.error(
          "this is not a PIN hash that any PIN could match; make one with 'birdsong kiosk --hash-pin' "
            + "(never write the PIN itself here)")
      }
    }
    let microphone = try top["room_microphone"].map { node throws(ConfigError) in
      try RoomMicrophoneSettings.read(node)
    }
    var config = KioskConfig(
      file: root.file, defaultLanguage: try path("language", "en"),
      localesFolder: try path("locales", "Config/locales"),
      signpostingFile: try path("signposting", "Config/signposting/england.yaml"),
      calibrationFile: calibration == "none" ? nil : calibration,
      databaseFile: try path("database", "Data/sessions.sqlite"), headphoneDevice: device, sampleRate: rate,
      installations: installations, installationToken: installationToken, notes: notes,
      idleTimeout: try top["idle_timeout"]?.duration(in: 5...3600) ?? 90,
      quietSeconds: try top["quiet_seconds"]?.duration(in: 30...3600) ?? 600, frequencies: frequencies,
      keys: try top["keys"].map { node throws(ConfigError) in try KeyMap.read(node) } ?? .standard,
      pinHash: pinHash, roomMicrophone: microphone)
    for field in ["language", "locales", "signposting", "calibration"] {
      if let line = top[field]?.line { config.namedAt[field] = line }
    }
    if let line = try top["room_microphone"]?.entry("calibration")?.line { config.namedAt["room_microphone"] = line }
    return config
  }

  /// A problem with a whole file this config names (missing, unreadable, empty) said where
  /// the kiosk config names it; a mistake inside that file keeps its own file and line.
  func named(_ field: String, _ error: ConfigError) -> ConfigError {
    guard error.line == nil else { return error }
    return ConfigError(file: file, line: namedAt[field], field: field, message: "\(error.file): \(error.message)")
  }
}

/// Everything the kiosk reads before it starts, checked together so that a mistake in any
/// file stops it with one clear line instead of halfway through a visitor's check.
public struct KioskResources: Sendable {
  public var config: KioskConfig
  public var languages: [LocaleCatalog]
  public var signposting: Signposting
  public var calibration: CalibrationProfile?
  /// The room microphone's limits and calibration offset, when the config has one.
  public var room: (limits: AmbientLimits, offsetDB: Double)?

  public static func load(_ config: KioskConfig) throws(ConfigError) -> KioskResources {
    let languages: [LocaleCatalog]
    let signposting: Signposting
    var calibration: CalibrationProfile?
    do {
      languages = try LocaleCatalog.loadAll(folder: config.localesFolder)
    } catch {
      throw config.named("locales", error)
    }
    do {
      signposting = try Signposting.load(path: config.signpostingFile)
    } catch {
      throw config.named("signposting", error)
    }
    do {
      calibration = try config.calibrationFile.map { path throws(ConfigError) in try CalibrationLoader.load(path: path)
      }
    } catch {
      throw config.named("calibration", error)
    }
    var room: (limits: AmbientLimits, offsetDB: Double)?
    if let microphone = config.roomMicrophone {
      do {
        let offset = try MicrophoneCalibration.load(path: microphone.calibrationFile)
        room = (microphone.limits, offset)
      } catch {
        throw config.named("room_microphone", error)
      }
    }
    guard languages.contains(where: { $0.code == config.defaultLanguage }) else {
      throw ConfigError(
        file: config.file, line: config.namedAt["language"], field: "language",
        message: "there is no \(config.defaultLanguage).yaml in \(config.localesFolder); "
          + "choose one of \(languages.map(\.code).joined(separator: ", "))")
    }
    return KioskResources(
      config: config, languages: languages, signposting: signposting, calibration: calibration, room: room)
  }
}

/// `room_microphone:` in the kiosk config.
public struct RoomMicrophoneSettings: Sendable {
  public var device: String
  /// Made by 'birdsong calibrate --microphone': the offset from the device's readings to dB SPL.
  public var calibrationFile: String
  public var headphones: AmbientLimits.Headphones
  /// Measured attenuation of room noise by the headphones, per octave band (nil: the type's).
  public var attenuation: [Double]?
  /// The quietest level (dB HL) the check must hear through the room.
  public var testDownTo: Double

  public var limits: AmbientLimits {
    AmbientLimits(headphones: headphones, attenuation: attenuation, testDownTo: testDownTo)
  }

  static func read(_ node: ConfigNode) throws(ConfigError) -> RoomMicrophoneSettings {
    let section = try node.mapping(allowed: ["device", "calibration", "headphones", "attenuation_db", "test_down_to"])
    guard let device = section["device"], let calibration = section["calibration"] else {
      throw node.error(
        "a room microphone needs 'device:' (its ALSA name) and 'calibration:' (the file 'birdsong calibrate "
          + "--microphone' writes)")
    }
    var headphones = AmbientLimits.Headphones.supraAural
    if let type = section["headphones"] {
      let name = try type.string()
      guard let known = AmbientLimits.Headphones(rawValue: name) else {
        throw type.error(
          "'\(name)' is not a headphone type: say \(AmbientLimits.Headphones.allCases.map(\.rawValue).joined(separator: ", "))"
        )
      }
      headphones = known
    }
    var attenuation: [Double]?
    if let list = section["attenuation_db"] {
      let values = try list.sequence()
      guard values.count == AmbientLimits.bands.count else {
        throw list.error(
          "give one figure (dB) per octave band, \(AmbientLimits.bands.map { String(Int($0)) }.joined(separator: ", ")) Hz"
        )
      }
      attenuation = try values.map { value throws(ConfigError) in try value.double(in: 0...60, unit: " dB") }
    }
    return RoomMicrophoneSettings(
      device: try device.string(), calibrationFile: try calibration.string(), headphones: headphones,
      attenuation: attenuation, testDownTo: try section["test_down_to"]?.double(in: 0...40, unit: " dB HL") ?? 15)
  }
}
