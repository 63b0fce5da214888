import ConfigFiles
import Foundation
import HearingCheck

/// Reads Config/calibration/<profile>.yaml.
public enum CalibrationLoader {
  public static func load(path: String) throws(ConfigError) -> CalibrationProfile {
    try read(ConfigNode.load(path: path, hint: "without a profile, levels are relative (see Config/calibration/)"))
  }

  public static func parse(_ text: String, file: String) throws(ConfigError) -> CalibrationProfile {
    try read(ConfigNode.parse(text, file: file))
  }

  private static func read(_ root: ConfigNode) throws(ConfigError) -> CalibrationProfile {
    let file = root.file
    if try root.entry("offset_db") != nil {
      throw root.error(
        "this is the room microphone's calibration ('birdsong calibrate --microphone' wrote it): it goes in "
          + "room_microphone: calibration:, and calibration: wants a headphone profile ('birdsong calibrate --headphone')"
      )
    }
    let top = try root.mapping(allowed: [
      "headphone", "standard", "reference_level_dbfs", "maximum_db_spl", "frequencies",
    ])
    func required(_ key: String) throws(ConfigError) -> ConfigNode {
      guard let value = top[key] else { throw root.error("the profile has no '\(key)'") }
      return value
    }
    var points: [Double: CalibrationProfile.Point] = [:]
    let frequencies = try required("frequencies")
    guard let mapping = frequencies.node.mapping else {
      throw frequencies.error("expected one entry per frequency, like '1000: {retspl: 5.5, measured_db_spl: 82.1}'")
    }
    for (key, value) in mapping {
      guard let frequency = key.string.flatMap(Double.init), frequency >= 125, frequency <= 16000 else {
        throw ConfigError(
          file: file, line: key.mark?.line, field: "frequencies",
          message: "'\(key.string ?? "")' is not a frequency in Hz between 125 and 16000")
      }
      let entry = try ConfigNode(node: value, file: file, field: "frequencies.\(Int(frequency))")
        .mapping(allowed: ["retspl", "measured_db_spl"])
      guard let retspl = entry["retspl"], let measured = entry["measured_db_spl"] else {
        throw ConfigError(
          file: file, line: value.mark?.line, field: "frequencies.\(Int(frequency))",
          message: "each frequency needs retspl (dB SPL at 0 dB HL) and measured_db_spl (at the reference level)")
      }
      points[frequency] = CalibrationProfile.Point(
        retspl: try retspl.double(in: -10...80, unit: " dB SPL"),
        measuredSPL: try measured.double(in: 0...140, unit: " dB SPL"))
    }
    return CalibrationProfile(
      headphone: try required("headphone").string(), standard: try top["standard"]?.string() ?? "",
      referenceLevelDBFS: try required("reference_level_dbfs").double(in: -60...0, unit: " dBFS"),
      maximumSPL: try top["maximum_db_spl"]?.double(in: 40...110, unit: " dB SPL") ?? 95, points: points)
  }
}

extension CalibrationLoader {
  /// The profile as a YAML file that `load` reads back, with a note of how it was made.
  public static func yaml(_ profile: CalibrationProfile, note: String) -> String {
    var text = note.split(separator: "\n").map { "# " + $0 }.joined(separator: "\n") + "\n"
    text += "headphone: \(quoted(profile.headphone))\n"
    text += "standard: \(quoted(profile.standard))\n"
    text += "reference_level_dbfs: \(number(profile.referenceLevelDBFS))\n"
    text += "maximum_db_spl: \(number(profile.maximumSPL))\n"
    text += "frequencies:\n"
    for (frequency, point) in profile.points.sorted(by: { $0.key < $1.key }) {
      text += "  \(Int(frequency)): {retspl: \(number(point.retspl)), measured_db_spl: \(number(point.measuredSPL))}\n"
    }
    return text
  }

  private static func quoted(_ text: String) -> String {
    "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
  }

  private static func number(_ value: Double) -> String {
    value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
  }
}

/// The room microphone's calibration file ('birdsong calibrate --microphone' writes it): the
/// offset that turns its readings (dB re full scale) into dB SPL.
public enum MicrophoneCalibration {
  public static func load(path: String) throws(ConfigError) -> Double {
    let root = try ConfigNode.load(path: path, hint: "make it with 'birdsong calibrate --microphone'")
    if try root.entry("headphone") != nil {
      throw root.error(
        "this is a headphone profile: room_microphone: calibration: wants the file 'birdsong calibrate --microphone' "
          + "writes, and the headphone profile goes in calibration:")
    }
    let top = try root.mapping(allowed: ["device", "offset_db"])
    guard let offset = top["offset_db"] else {
      throw root.error("the microphone calibration has no 'offset_db' (dB SPL at a reading of 0 dB full scale)")
    }
    return try offset.double(in: 40...200, unit: " dB")
  }

  /// True for a file that holds a microphone's offset rather than a headphone profile.
  public static func isMicrophoneFile(_ path: String) -> Bool {
    guard let root = try? ConfigNode.load(path: path, hint: "") else { return false }
    return (try? root.entry("offset_db")) != nil
  }

  /// The file `load` reads back, with a note of how it was made.
  public static func yaml(device: String, offsetDB: Double, note: String) -> String {
    var text = note.split(separator: "\n").map { "# " + $0 }.joined(separator: "\n") + "\n"
    text +=
      "device: \"\(device.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))\"\n"
    text += String(format: "offset_db: %.1f\n", offsetDB)
    return text
  }
}
