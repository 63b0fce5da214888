import BirdsongCore
import ConfigFiles
import Foundation

/// When the birds sing: opening hours for each day of the week, and dates the venue is closed.
/// Hours that run past midnight (22:00-02:00) belong to the day they start on.
public struct OpeningHours: Sendable, Equatable {
  /// Opening and closing, minutes after midnight; a close before the open runs past midnight.
  public struct Span: Sendable, Equatable {
    public var open: Int
    public var close: Int
  }

  /// Index 0 Monday ... 6 Sunday; nil: closed all day.
  public var week: [Span?]
  /// Days (since 1970-01-01) closed whatever the weekday.
  public var closedDays: Set<Int>

  public init(week: [Span?], closedDays: Set<Int> = []) {
    precondition(week.count == 7)
    self.week = week
    self.closedDays = closedDays
  }

  public static func everyDay(_ span: Span, closedDays: Set<Int> = []) -> OpeningHours {
    OpeningHours(week: Array(repeating: span, count: 7), closedDays: closedDays)
  }

  public func isOpen(at time: LocalTime) -> Bool {
    if let today = span(onDay: time.day) {
      if today.open < today.close ? (today.open..<today.close).contains(time.minute) : time.minute >= today.open {
        return true
      }
    }
    if let yesterday = span(onDay: time.day - 1), yesterday.close < yesterday.open, time.minute < yesterday.close {
      return true
    }
    return false
  }

  /// For people: "every day 09:00-17:30" or "mon closed, tue-fri 09:00-17:30, ...".
  public var description: String {
    func text(_ span: Span?) -> String {
      guard let span else { return "closed" }
      func clock(_ minute: Int) -> String { String(format: "%02d:%02d", minute / 60, minute % 60) }
      return "\(clock(span.open))-\(clock(span.close))"
    }
    var parts: [String] = []
    var first = 0
    while first < 7 {
      var last = first
      while last + 1 < 7, week[last + 1] == week[first] { last += 1 }
      let days = first == last ? Self.dayNames[first] : "\(Self.dayNames[first])-\(Self.dayNames[last])"
      parts.append("\(days) \(text(week[first]))")
      first = last + 1
    }
    let week = parts.count == 1 ? "every day \(text(self.week[0]))" : parts.joined(separator: ", ")
    return closedDays.isEmpty ? week : week + "; closed on \(closedDays.count) date(s)"
  }

  private func span(onDay day: Int) -> Span? {
    closedDays.contains(day) ? nil : week[LocalTime(day: day, minute: 0).weekday - 1]
  }

  static let dayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

  /// `hours: 09:00-17:30` (every day), or a mapping of days (`mon`, or a range `tue-fri`) to
  /// hours or `closed`; days left out are closed. `closed` lists dates, `YYYY-MM-DD`.
  static func read(hours: ConfigNode, closed: ConfigNode?) throws(ConfigError) -> OpeningHours {
    var closedDays: Set<Int> = []
    for node in try closed?.sequence() ?? [] {
      let text = try node.string()
      guard let day = LocalTime.day(parsing: text) else {
        throw node.error("'\(text)' is not a date; write closed dates like 2026-12-25")
      }
      closedDays.insert(day)
    }
    guard hours.node.mapping != nil else { return .everyDay(try span(hours), closedDays: closedDays) }
    var week: [Span?] = Array(repeating: nil, count: 7)
    var given = Array(repeating: false, count: 7)
    let entries = try hours.mapping(allowed: Self.allowedKeys)
    for (key, node) in entries.sorted(by: { ($0.value.line ?? 0) < ($1.value.line ?? 0) }) {
      let days = Self.days(key)!
      let value = try node.string()
      let span: Span? = value.lowercased() == "closed" ? nil : try Self.span(node)
      for day in days {
        guard !given[day] else {
          throw node.error("\(Self.dayNames[day]) has hours twice; give each day once")
        }
        given[day] = true
        week[day] = span
      }
    }
    return OpeningHours(week: week, closedDays: closedDays)
  }

  /// Day names and every forward range of them (mon-fri, sat-sun, ...).
  static let allowedKeys: [String] = {
    var keys = dayNames
    for first in 0..<7 { for last in (first + 1)..<7 { keys.append("\(dayNames[first])-\(dayNames[last])") } }
    return keys
  }()

  static func days(_ key: String) -> [Int]? {
    let ends = key.split(separator: "-").compactMap { dayNames.firstIndex(of: String($0)) }
    switch ends.count {
    case 1: return ends
    case 2 where ends[0] < ends[1]: return Array(ends[0]...ends[1])
    default: return nil
    }
  }

  static func span(_ node: ConfigNode) throws(ConfigError) -> Span {
    let text = try node.string()
    let minutes = text.split(separator: "-").map { part -> Int? in
      let clock = part.trimmingCharacters(in: .whitespaces).split(separator: ":")
      guard clock.count == 2, let h = Int(clock[0]), let m = Int(clock[1]), (0...24).contains(h), (0..<60).contains(m),
        h * 60 + m <= 1440
      else { return nil }
      return h * 60 + m
    }
    guard minutes.count == 2, let open = minutes[0], let close = minutes[1], open != close else {
      throw node.error(
        "'\(text)' is not a range of hours; write opening and closing times like 09:00-17:30 (24-hour clock), or closed"
      )
    }
    return Span(open: open, close: close % 1440)
  }
}
