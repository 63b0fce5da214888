import ConfigFiles
import Foundation

/// Every word a visitor sees, in one language (Config/locales/<code>.yaml). A key missing from
/// a language falls back to English; a key English does not have, or a translation that drops
/// or invents a {placeholder}, is a mistake in the file.
public struct LocaleCatalog: Sendable {
  public static let fallbackCode = "en"

  public let code: String
  /// The language's own name, shown at the language choice.
  public let name: String
  public let texts: [String: String]

  public init(code: String, name: String, texts: [String: String]) {
    self.code = code
    self.name = name
    self.texts = texts
  }

  /// Loads every catalogue in `folder`, English first; English must be there.
  public static func loadAll(folder: String) throws(ConfigError) -> [LocaleCatalog] {
    let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".yaml") }
    guard files.contains("\(fallbackCode).yaml") else {
      throw ConfigError(
        file: folder, line: nil, field: "",
        message: "there is no \(fallbackCode).yaml here: English is the language every other falls back to")
    }
    let english = try read(
      ConfigNode.load(path: folder + "/\(fallbackCode).yaml", hint: hint), code: fallbackCode, english: nil)
    var catalogues = [english]
    for file in files.sorted() where file != "\(fallbackCode).yaml" {
      let path = folder + "/" + file
      catalogues.append(
        try read(ConfigNode.load(path: path, hint: hint), code: String(file.dropLast(5)), english: english))
    }
    return catalogues
  }

  public static func parse(_ text: String, code: String, file: String, english: LocaleCatalog?) throws(ConfigError)
    -> LocaleCatalog
  {
    try read(ConfigNode.parse(text, file: file), code: code, english: english)
  }

  private static let hint = "language files live in Config/locales/"

  private static func read(_ root: ConfigNode, code: String, english: LocaleCatalog?) throws(ConfigError)
    -> LocaleCatalog
  {
    guard let mapping = root.node.mapping else { throw root.error("expected 'key: text' lines") }
    let allowed = english.map { ["language"] + $0.texts.keys.sorted() } ?? mapping.keys.compactMap(\.string)
    let entries = try root.mapping(allowed: allowed)
    var texts: [String: String] = [:]
    for (key, node) in entries where key != "language" {
      let value = try node.string()
      if let english, let original = english.texts[key], placeholders(in: original) != placeholders(in: value) {
        throw node.error(
          "the placeholders differ from English: it has \(placeholders(in: original).sorted()), this has "
            + "\(placeholders(in: value).sorted()); keep each {name} as it is")
      }
      texts[key] = value
    }
    guard let name = try entries["language"]?.string() else {
      throw root.error("add 'language:' with the language's own name, as visitors will see it")
    }
    return LocaleCatalog(code: code, name: name, texts: texts)
  }

  /// Keys English has and this language does not (they show in English).
  public func missingKeys(comparedTo english: LocaleCatalog) -> [String] {
    english.texts.keys.filter { texts[$0] == nil }.sorted()
  }

  /// The text for `key`, with its {placeholders} filled in, in English where this language
  /// lacks it.
  public func text(_ key: String, _ values: [String: String] = [:], english: LocaleCatalog) -> String {
    var text = texts[key] ?? english.texts[key] ?? key
    for (name, value) in values { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
    return text
  }

  static func placeholders(in text: String) -> Set<String> {
    var found: Set<String> = []
    var rest = Substring(text)
    while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
      found.insert(String(rest[rest.index(after: open)..<close]))
      rest = rest[rest.index(after: close)...]
    }
    return found
  }
}
