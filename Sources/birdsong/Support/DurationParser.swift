import Foundation

/// Reads durations such as "30s", "10m", "1h30m", "500ms", "1.5h" or a plain number of seconds.
enum DurationParser {
  static func seconds(_ text: String) -> Double? {
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

  /// Seconds as "1h 2m 3s" style text.
  static func format(_ seconds: Double) -> String {
    if seconds < 60 { return String(format: "%.1f s", seconds) }
    let whole = Int(seconds.rounded())
    let (h, m, s) = (whole / 3600, whole / 60 % 60, whole % 60)
    return h > 0 ? "\(h)h \(m)m \(s)s" : "\(m)m \(s)s"
  }
}
