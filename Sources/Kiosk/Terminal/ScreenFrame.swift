/// One screen's worth of lines, laid out for the terminal's size. Screens build frames; the
/// terminal draws them; tests read them.
public struct ScreenFrame: Equatable, Sendable {
  public enum Style: Sendable {
    case plain, title, strong, dim, alert, bar, selected
  }

  public struct Line: Equatable, Sendable {
    public var text: String
    public var style: Style
  }

  public let width: Int
  public private(set) var lines: [Line] = []
  /// Runs of lines that belong together (a table, a picture): a page break goes before such
  /// a run rather than through it, when the run fits on a page at all.
  public private(set) var groups: [Range<Int>] = []

  public init(width: Int) {
    self.width = width
  }

  /// The text area: the whole width less a margin, at most 100 columns.
  var textWidth: Int { max(20, min(width - 4, 100)) }

  public mutating func line(_ text: String, _ style: Style = .plain) {
    lines.append(Line(text: text, style: style))
  }

  public mutating func blank() { line("") }

  /// Lines drawn by `body` are kept on one page.
  public mutating func together(_ body: (inout ScreenFrame) -> Void) {
    let start = lines.count
    body(&self)
    if lines.count > start { groups.append(start..<lines.count) }
  }

  /// The lines split into pages of at most `height`, breaking before a group that would be
  /// split but fits on a page of its own; a page does not start with a blank line.
  public func pages(height: Int) -> [[Line]] {
    var pages: [[Line]] = [[]]
    var index = 0
    while index < lines.count {
      if let group = groups.first(where: { $0.lowerBound == index }), group.count <= height,
        pages[pages.count - 1].count + group.count > height, !pages[pages.count - 1].isEmpty
      {
        pages.append([])
      }
      if pages[pages.count - 1].count == height { pages.append([]) }
      if !(pages[pages.count - 1].isEmpty && lines[index].text.isEmpty && pages.count > 1) {
        pages[pages.count - 1].append(lines[index])
      }
      index += 1
    }
    return pages
  }

  /// Wraps `text` at word boundaries to the text width; `first` starts the first line (a
  /// bullet or marker) and `indent` the others.
  public mutating func paragraph(_ text: String, _ style: Style = .plain, indent: String = "", first: String? = nil) {
    for (index, line) in Self.wrap(text, width: textWidth - indent.count).enumerated() {
      self.line((index == 0 ? first ?? indent : indent) + line, style)
    }
  }

  /// `text` split into lines of at most `width` characters, breaking at spaces.
  public static func wrap(_ text: String, width: Int) -> [String] {
    var lines: [String] = []
    for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
      var current = ""
      for word in paragraph.split(separator: " ") {
        if current.isEmpty {
          current = String(word)
        } else if current.count + 1 + word.count <= width {
          current += " " + word
        } else {
          lines.append(current)
          current = String(word)
        }
        while current.count > width {
          lines.append(String(current.prefix(width)))
          current = String(current.dropFirst(width))
        }
      }
      lines.append(current)
    }
    return lines
  }

  /// The plain text of the frame, as a test or a log sees it.
  public var text: String { lines.map(\.text).joined(separator: "\n") }

  /// ANSI for the whole screen: every line drawn and cleared to its end, the rest cleared.
  /// `height` lines at most; a full-width bar at the top and bottom come from the caller.
  func ansi(height: Int) -> String {
    var out = "\u{1B}[H"
    for (row, line) in lines.prefix(height).enumerated() {
      let text = String(line.text.prefix(width))
      switch line.style {
      case .plain: out += "  " + text
      case .title, .strong: out += "  \u{1B}[1m" + text + "\u{1B}[0m"
      case .dim: out += "  \u{1B}[2m" + text + "\u{1B}[0m"
      case .alert: out += "  \u{1B}[1;33m" + text + "\u{1B}[0m"
      case .selected: out += "  \u{1B}[7m" + text + "\u{1B}[0m"
      case .bar:
        out += "\u{1B}[7m" + text + String(repeating: " ", count: max(0, width - text.count)) + "\u{1B}[0m"
      }
      out += "\u{1B}[K"
      if row < min(lines.count, height) - 1 { out += "\r\n" }
    }
    return out + "\u{1B}[J"
  }
}
