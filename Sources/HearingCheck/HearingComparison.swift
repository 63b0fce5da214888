import Foundation

/// A visitor's high-frequency hearing (4, 6 and 8 kHz, where age shows first) set beside
/// ISO 7029:2017 for the age band and sex they chose to give: the band whose median hearing
/// is most like theirs, and how many people of their own age hear those tones better.
public struct HearingComparison: Sendable, Equatable {
  public enum Sex: String, Sendable, CaseIterable {
    case female, male
  }

  /// Age bands a visitor chooses from (the standard's 18 to 80).
  public static let ageBands: [ClosedRange<Int>] = [18...29, 30...39, 40...49, 50...59, 60...69, 70...80]
  static let highFrequencies: [Double] = [4000, 6000, 8000]

  /// Where the visitor stands among people of their age (stored as this raw value).
  public enum Standing: String, Sendable, CaseIterable {
    /// Fewer than a quarter of people that age hear these tones better.
    case better = "under_25"
    /// A quarter to three quarters.
    case typical = "25_to_75"
    /// Three quarters to nine in ten.
    case littleWorse = "75_to_90"
    /// More than nine in ten.
    case worse = "over_90"

    init(shareBetter: Double) {
      switch shareBetter {
      case ..<0.25: self = .better
      case ..<0.75: self = .typical
      case ..<0.9: self = .littleWorse
      default: self = .worse
      }
    }
  }

  /// The age band (index into `ageBands`) whose median is nearest the visitor's.
  public let likeBand: Int
  /// The share of people of the visitor's age and sex who hear these tones better (0...1).
  public let shareBetter: Double
  public var standing: Standing { Standing(shareBetter: shareBetter) }

  /// - Parameter thresholds: one ear's thresholds (dB HL) by frequency; a "no response at N"
  ///   counts as N. Nil without any of 4, 6 or 8 kHz.
  public init?(thresholds: [Double: Double], ageBand: Int, sex: Sex) {
    let frequencies = Self.highFrequencies.filter { thresholds[$0] != nil }
    guard !frequencies.isEmpty, Self.ageBands.indices.contains(ageBand) else { return nil }
    let female = sex == .female
    let visitor = frequencies.map { thresholds[$0]! }.reduce(0, +) / Double(frequencies.count)
    func middle(_ band: Int) -> Double { Double(Self.ageBands[band].lowerBound + Self.ageBands[band].upperBound) / 2 }
    func median(_ band: Int) -> Double {
      frequencies.map { ISO7029.medianShift(frequency: $0, age: middle(band), female: female) }.reduce(0, +)
        / Double(frequencies.count)
    }
    likeBand = Self.ageBands.indices.min { abs(median($0) - visitor) < abs(median($1) - visitor) }!
    // The mean z over the frequencies (each against its own median and spread), as one share.
    let age = middle(ageBand)
    let z =
      frequencies.map { frequency -> Double in
        let deviation = thresholds[frequency]! - ISO7029.medianShift(frequency: frequency, age: age, female: female)
        return deviation / ISO7029.spread(frequency: frequency, age: age, female: female, above: deviation >= 0)
      }.reduce(0, +) / Double(frequencies.count)
    shareBetter = 0.5 * erfc(-min(max(z, -2.3), 2.3) / 2.squareRoot())
  }

  public static func label(_ band: Int) -> String { "\(ageBands[band].lowerBound)-\(ageBands[band].upperBound)" }
}
