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

}
