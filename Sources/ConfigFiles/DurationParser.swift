import Foundation

/// Reads durations such as "30s", "10m", "1h30m", "500ms", "1.5h" or a plain number of seconds.
public enum DurationParser {
  public static func seconds(_ text: String) -> Double? {
    let units: [(String, Double)] = [("ms", 0.001), ("h", 3600), ("m", 60), ("s", 1)]
    var rest = Substring(text.trimmingCharacters(in: .whitespaces).lowercased())
    if let plain = Double(rest) { return plain }
    var total = 0.0
    var matched = false
    while !rest.isEmpty {
      let number = rest.prefix { $0.isNumber || $0 == "." }
      guard !number.isEmpty, let value = Double(number) else { return nil }
      rest = rest.dropFirst(number.count)
      guard let (unit, scale) = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
      rest = rest.dropFirst(unit.count)
      total += value * scale
      matched = true
    }
    return matched ? total : nil
  }
}

extension ConfigNode {
  /// A duration such as "90s", "2m" or a plain number of seconds, within `range`.
  public func duration(in range: ClosedRange<Double>) throws(ConfigError) -> Double {
    let text = try string()
    guard let seconds = DurationParser.seconds(text) else {
      throw error("'\(text)' is not a duration; write for example 90s, 2m or 90")
    }
    guard range.contains(seconds) else {
      throw error(
        "\(text) is out of range: it must be between \(Int(range.lowerBound)) s and \(Int(range.upperBound)) s")
    }
    return seconds
  }
}
