import ConfigFiles

/// The four things a visitor can do. A venue maps them to whatever its keypad or big
/// buttons send (the `keys:` section of the kiosk config).
public enum KioskAction: String, Sendable, CaseIterable {
  case hear, left, right, ok
}

/// Which terminal keys mean which action.
public struct KeyMap: Sendable, Equatable {
  public private(set) var actions: [TerminalKey: KioskAction]

  public static let standard = KeyMap(actions: [
    .character(" "): .hear, .left: .left, .right: .right, .enter: .ok,
  ])

  public init(actions: [TerminalKey: KioskAction]) {
    self.actions = actions
  }

  /// Letters match in either case (a keypad may have caps lock on).
  public func action(for key: TerminalKey) -> KioskAction? {
    if case .character(let character) = key { return actions[.character(Character(character.lowercased()))] }
    return actions[key]
  }

  /// The first key that does `action`, named for the screen ("Space", "Enter", "←").
  public func label(for action: KioskAction) -> String {
    let keys = actions.filter { $0.value == action }.map(\.key)
    let order: [TerminalKey] = [.character(" "), .enter, .left, .right, .up, .down]
    let key = order.first(where: keys.contains) ?? keys.first
    return key.map(Self.label) ?? "?"
  }

  static func label(_ key: TerminalKey) -> String {
    switch key {
    case .character(" "): "Space"
    case .character(let character): String(character).uppercased()
    case .enter: "Enter"
    case .backspace: "Backspace"
    case .left: "←"
    case .right: "→"
    case .up: "↑"
    case .down: "↓"
    case .staffChord: "Ctrl-B S"
    }
  }

  /// Reads `keys: {hear: [space, h], left: [left], right: [right], ok: [enter]}`; actions
  /// left out keep their standard keys.
  static func read(_ node: ConfigNode) throws(ConfigError) -> KeyMap {
    let entries = try node.mapping(allowed: KioskAction.allCases.map(\.rawValue))
    var actions = standard.actions
    for action in KioskAction.allCases {
      guard let list = entries[action.rawValue] else { continue }
      actions = actions.filter { $0.value != action }
      let names: [ConfigNode] = list.node.sequence != nil ? try list.sequence() : [list]
      guard !names.isEmpty else {
        throw list.error(
          "give '\(action.rawValue)' at least one key (e.g. [\(Self.standardNames(of: action))]): without one, the visitor cannot do it"
        )
      }
      for name in names {
        let text = try name.string()
        guard let key = Self.key(named: text) else {
          throw name.error(
            "'\(text)' is not a key; use one character or space, enter, left, right, up, down, backspace")
        }
        if let other = actions[key], other != action {
          throw name.error("'\(text)' is already the key for '\(other.rawValue)'; give each key one meaning")
        }
        actions[key] = action
      }
    }
    return KeyMap(actions: actions)
  }

  /// The standard keys of `action`, as a config names them.
  static func standardNames(of action: KioskAction) -> String {
    let names: [TerminalKey: String] = [
      .character(" "): "space", .enter: "enter", .left: "left", .right: "right", .up: "up", .down: "down",
      .backspace: "backspace",
    ]
    return standard.actions.filter { $0.value == action }.map { names[$0.key] ?? "\($0.key)" }.sorted()
      .joined(separator: ", ")
  }

  static func key(named name: String) -> TerminalKey? {
    let named: [String: TerminalKey] = [
      "space": .character(" "), "enter": .enter, "return": .enter, "left": .left, "right": .right, "up": .up,
      "down": .down, "backspace": .backspace,
    ]
    if let key = named[name.lowercased()] { return key }
    return name.count == 1 ? .character(Character(name.lowercased())) : nil
  }
}
