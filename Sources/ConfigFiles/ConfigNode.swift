import Foundation
import Yams

/// A node of a YAML config file that knows where it stands, so every error can name the file,
/// the line and the field.
public struct ConfigNode {
  public let node: Node
  public let file: String
  public let field: String

  public init(node: Node, file: String, field: String) {
    self.node = node
    self.file = file
    self.field = field
  }

  public var line: Int? { node.mark?.line }

  /// Reads and parses a config file; `hint` says what to do when it is missing.
  public static func load(path: String, hint: String) throws(ConfigError) -> ConfigNode {
    let text: String
    do {
      text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      let reason: String
      if !FileManager.default.fileExists(atPath: path) {
        reason = "does not exist"
      } else if FileManager.default.isReadableFile(atPath: path) {
        reason = "is not UTF-8 text (save it as UTF-8 in your editor)"
      } else {
        reason = "cannot be read (check its permissions)"
      }
      throw ConfigError(file: path, line: nil, field: "", message: "the file \(reason); \(hint)")
    }
    return try parse(text, file: path)
  }

  public static func parse(_ text: String, file: String) throws(ConfigError) -> ConfigNode {
    // An alias repeats a whole subtree; nested ones grow a file of a few lines into billions
    // of nodes (an "alias bomb"), so they are refused before anything is built from them.
    if let line = YAMLAliasScan.firstAlias(in: text) {
      throw ConfigError(
        file: file, line: line, field: "",
        message:
          "config files do not take YAML aliases ('*name' repeating an '&name' anchor); write the values out in full")
    }
    do {
      guard let node = try Yams.compose(yaml: text) else {
        throw ConfigError(
          file: file, line: nil, field: "",
          message: "the file is empty; start from the commented example in Config/installation.yaml")
      }
      return ConfigNode(node: node, file: file, field: "")
    } catch let error as ConfigError {
      throw error
    } catch let YamlError.duplicatedKeysInMapping(duplicates, context) {
      let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
      throw ConfigError(
        file: file, line: context.mark.line, field: "",
        message: "\(keys) appears twice in one mapping; keep one of them")
    } catch let error as YamlError {
      throw ConfigError(
        file: file, line: Self.line(of: error), field: "",
        message:
          "this is not valid YAML: \(Self.summary(of: error)); check the indentation and the colons near that line")
    } catch {
      throw ConfigError(file: file, line: nil, field: "", message: "this is not valid YAML: \(error)")
    }
  }

  public func error(_ message: String) -> ConfigError {
    ConfigError(file: file, line: line, field: field, message: message)
  }

  /// The mapping's entries, refusing any key that is not in `allowed`.
  public func mapping(allowed: [String]) throws(ConfigError) -> [String: ConfigNode] {
    guard let mapping = node.mapping else { throw error("expected a mapping of 'key: value' lines here") }
    var entries: [String: ConfigNode] = [:]
    for (key, value) in mapping {
      let name = key.string ?? "\(key)"
      let path = field.isEmpty ? name : "\(field).\(name)"
      guard allowed.contains(name) else {
        let near = allowed.min { ConfigNode.editDistance(name, $0) < ConfigNode.editDistance(name, $1) }
        let hint = near.map { ConfigNode.editDistance(name, $0) <= 3 ? "did you mean '\($0)'? " : "" } ?? ""
        throw ConfigError(
          file: file, line: key.mark?.line, field: path,
          message: "unknown key '\(name)'; \(hint)the keys allowed here are: \(allowed.joined(separator: ", "))")
      }
      entries[name] = ConfigNode(node: value, file: file, field: path)
    }
    return entries
  }

  /// One key of a mapping, whatever other keys it has (for reading one setting of another
  /// program's file); nil when the key is not there.
  public func entry(_ key: String) throws(ConfigError) -> ConfigNode? {
    guard let mapping = node.mapping else { throw error("expected a mapping of 'key: value' lines here") }
    for (name, value) in mapping where name.string == key {
      return ConfigNode(node: value, file: file, field: field.isEmpty ? key : "\(field).\(key)")
    }
    return nil
  }

  public func sequence() throws(ConfigError) -> [ConfigNode] {
    guard let sequence = node.sequence else { throw error("expected a list here (lines starting with '- ')") }
    return sequence.enumerated().map { ConfigNode(node: $1, file: file, field: "\(field)[\($0 + 1)]") }
  }

  public func string() throws(ConfigError) -> String {
    guard let scalar = node.scalar, !scalar.string.isEmpty else { throw error("expected a value here") }
    return scalar.string
  }

  public func double(in range: ClosedRange<Double>, unit: String = "") throws(ConfigError) -> Double {
    guard let value = Double(try string()), value.isFinite else {
      throw error(
        "'\(node.scalar?.string ?? "")' is not a number; write a number from \(Self.format(range.lowerBound)) to \(Self.format(range.upperBound))\(unit)"
      )
    }
    guard range.contains(value) else {
      throw error(
        "\(Self.format(value)) is out of range; use a value from \(Self.format(range.lowerBound)) to \(Self.format(range.upperBound))\(unit)"
      )
    }
    return value
  }

  public func bool() throws(ConfigError) -> Bool {
    switch try string() {
    case "true": return true
    case "false": return false
    case let other: throw error("'\(other)' is not true or false; write true or false")
    }
  }

  public func integer(in range: ClosedRange<Int>) throws(ConfigError) -> Int {
    guard let value = Int(try string()) else {
      throw error(
        "'\(node.scalar?.string ?? "")' is not a whole number; write one from \(range.lowerBound) to \(range.upperBound)"
      )
    }
    guard range.contains(value) else {
      throw error("\(value) is out of range; use a whole number from \(range.lowerBound) to \(range.upperBound)")
    }
    return value
  }

  /// "0.05-0.12" or "0.1": a range, or a single value as a range of one.
  public func range(in limits: ClosedRange<Double>, unit: String = "") throws(ConfigError) -> ClosedRange<Double> {
    let text = try string()
    let bounds = text.split(separator: "-", omittingEmptySubsequences: false).map {
      Double($0.trimmingCharacters(in: .whitespaces))
    }
    guard bounds.count <= 2, let low = bounds.first!, let high = bounds.last!, low <= high else {
      throw error("'\(text)' is not a number or a LOW-HIGH range (low first), e.g. '3' or '2-4'")
    }
    guard limits.contains(low), limits.contains(high) else {
      throw error(
        "'\(text)' is out of range; use values from \(Self.format(limits.lowerBound)) to "
          + "\(Self.format(limits.upperBound))\(unit)")
    }
    return low...high
  }

  /// "3-5" or "4": a range of whole numbers.
  public func integerRange(in limits: ClosedRange<Int>) throws(ConfigError) -> ClosedRange<Int> {
    let values = try range(in: Double(limits.lowerBound)...Double(limits.upperBound))
    guard values.lowerBound == values.lowerBound.rounded(), values.upperBound == values.upperBound.rounded() else {
      throw error("write whole numbers, e.g. '3-5'")
    }
    return Int(values.lowerBound)...Int(values.upperBound)
  }

  private static func format(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
  }

  /// The line where the problem starts: libyaml notices an unclosed quote or bracket only at
  /// the end of the file, but says where the quote or bracket was opened (the context).
  private static func line(of error: YamlError) -> Int? {
    switch error {
    case .scanner(let context, _, let mark, _), .parser(let context, _, let mark, _),
      .composer(let context, _, let mark, _):
      context?.mark.line ?? mark.line
    default: nil
    }
  }

  private static func summary(of error: YamlError) -> String {
    switch error {
    case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      if let context, !context.text.isEmpty, context.mark.line != mark.line {
        return "\(context.text) that starts on this line, and at line \(mark.line) \(problem)"
      }
      return [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
    default: return "\(error)"
    }
  }

  /// Levenshtein distance, for suggesting the key that was meant.
  public static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
    var previous = Array(0...b.count)
    for i in 1...a.count {
      var current = [i] + Array(repeating: 0, count: b.count)
      for j in 1...b.count {
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      previous = current
    }
    return previous[b.count]
  }
}
