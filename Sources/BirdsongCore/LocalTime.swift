/// A moment of local (wall-clock) time to the minute, as opening hours need it: the day, as
/// days since 1970-01-01, and the minute after midnight. Plain integers, so the render thread
/// can move it on without allocating.
public struct LocalTime: Sendable, Equatable {
  public var day: Int
  public var minute: Int

  public init(day: Int, minute: Int) {
    self.day = day + minute.floorDivided(by: 1440)
    self.minute = minute.floorModulo(1440)
  }

  /// The ISO day of the week: 1 Monday ... 7 Sunday (1970-01-01 was a Thursday).
  public var weekday: Int { (day + 3).floorModulo(7) + 1 }

  public func adding(minutes: Int) -> LocalTime { LocalTime(day: day, minute: minute + minutes) }

  /// Days since 1970-01-01 of a date of the proleptic Gregorian calendar (after H. Hinnant's
  /// days_from_civil); nil for a month or day that does not exist.
  public static func day(year: Int, month: Int, day: Int) -> Int? {
    let lengths = [
      31, year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
    ]
    guard (1...12).contains(month), (1...lengths[month - 1]).contains(day) else { return nil }
    let y = month <= 2 ? year - 1 : year
    let era = y.floorDivided(by: 400)
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  /// `YYYY-MM-DD` as a day number, or nil.
  public static func day(parsing text: String) -> Int? {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
      let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
    else { return nil }
    return Self.day(year: year, month: month, day: day)
  }
}

extension Int {
  fileprivate func floorDivided(by divisor: Int) -> Int {
    let quotient = self / divisor
    return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
  }

  fileprivate func floorModulo(_ divisor: Int) -> Int { self - floorDivided(by: divisor) * divisor }
}
