import Foundation

/// A hearing to render sound as: thresholds (dB HL) at audiogram frequencies, either any
/// audiogram or the ISO 7029:2017 median for an age. The hearing-loss simulation takes off,
/// at each frequency, the threshold there (interpolated on a log-frequency axis between the
/// audiogram's points, held flat beyond its ends): what a loss of audibility does to a sound
/// heard at a comfortable level, and nothing more (see README, "Hearing it as others do").
public struct HearingProfile: Sendable, Equatable, CustomStringConvertible {
  /// (Hz, dB HL), in rising frequency.
  public let points: [Point]
  public let description: String
  /// The age whose median hearing this is; nil for an audiogram.
  public let age: Double?

  public struct Point: Sendable, Equatable {
    public var frequency: Double
    public var level: Double
  }

  /// The ages ISO 7029:2017 gives medians for.
  public static let ages: ClosedRange<Double> = 18...80
  /// The audiogram frequencies an age's profile is given at.
  static let frequencies: [Double] = [125, 250, 500, 1000, 2000, 3000, 4000, 6000, 8000]

  public init(points: [(frequency: Double, level: Double)], description: String, age: Double? = nil) {
    self.points = points.sorted { $0.frequency < $1.frequency }.map { Point(frequency: $0.frequency, level: $0.level) }
    self.description = description
    self.age = age
  }

  /// The median hearing of people of `age`: of women, of men, or (nil) the mean of the two.
  public static func age(_ age: Double, female: Bool?) throws(HearingProfileError) -> HearingProfile {
    guard ages.contains(age) else {
      throw HearingProfileError(
        "ISO 7029:2017 gives median hearing from 18 to 80 years, not \(age.formatted()): choose an age in that range")
    }
    let sexes = female.map { [$0] } ?? [true, false]
    let points = frequencies.map { frequency in
      let shifts = sexes.map { ISO7029.medianShift(frequency: frequency, age: age, female: $0) }
      return (frequency: frequency, level: shifts.reduce(0, +) / Double(shifts.count))
    }
    let who = female.map { $0 ? "women" : "men" } ?? "people"
    return HearingProfile(
      points: points, description: "the median hearing of \(who) aged \(age.formatted()) (ISO 7029)", age: age)
  }

  /// An audiogram written FREQ:dBHL,... (e.g. 500:20,1000:25,4000:55).
  public static func parse(_ text: String) throws(HearingProfileError) -> HearingProfile {
    var points: [(frequency: Double, level: Double)] = []
    for item in text.split(separator: ",") {
      let parts = item.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
      // Hz, or kHz as 4k or 4kHz (as --band takes them).
      let hertz = parts.first.map { text -> Double? in
        let lower = text.lowercased()
        for suffix in ["khz", "k"] where lower.hasSuffix(suffix) {
          return Double(lower.dropLast(suffix.count)).map { $0 * 1000 }
        }
        return Double(lower.hasSuffix("hz") ? String(lower.dropLast(2)) : lower)
      }
      guard parts.count == 2, let frequency = hertz ?? nil, let level = Double(parts[1]) else {
        throw HearingProfileError("'\(item)' is not FREQ:dBHL; write e.g. 500:20,1000:25,4k:55")
      }
      guard (125...16000).contains(frequency) else {
        throw HearingProfileError("\(parts[0]) Hz is not an audiogram frequency (125 to 16000 Hz)")
      }
      guard (-10...120).contains(level) else {
        throw HearingProfileError("\(parts[1]) dB HL at \(parts[0]) Hz is outside -10 to 120 dB HL")
      }
      guard !points.contains(where: { $0.frequency == frequency }) else {
        throw HearingProfileError("\(parts[0]) Hz is given twice")
      }
      points.append((frequency, level))
    }
    guard !points.isEmpty else { throw HearingProfileError("give at least one FREQ:dBHL, e.g. 4000:60") }
    return HearingProfile(points: points, description: "the audiogram \(text)")
  }

  /// The threshold at `frequency` (dB HL): log-frequency interpolation, flat beyond the ends.
  public func level(at frequency: Double) -> Double {
    guard let first = points.first, let last = points.last else { return 0 }
    if frequency <= first.frequency { return first.level }
    if frequency >= last.frequency { return last.level }
    let upper = points.firstIndex { $0.frequency >= frequency }!
    let (low, high) = (points[upper - 1], points[upper])
    let t = log(frequency / low.frequency) / log(high.frequency / low.frequency)
    return low.level + (high.level - low.level) * t
  }

  /// How much quieter the simulation makes `frequency` (dB): the threshold, never a gain for
  /// hearing better than 0 dB HL.
  public func attenuation(at frequency: Double) -> Double { max(level(at: frequency), 0) }
}

public struct HearingProfileError: Error, CustomStringConvertible {
  public let description: String
  init(_ description: String) { self.description = description }
}
