import BirdsongCore
import Foundation

/// A simulated visitor: a true threshold per ear and frequency, a logistic psychometric
/// function, presses in silence, and lapses. For validating the procedure.
public struct SimulatedListener: Sendable {
  public var thresholds: [Ear: [Double: Double]]
  /// Spread of the psychometric function (dB).
  public var spread = 1.5
  /// Chance of pressing when nothing is heard (in a catch trial or the pause).
  public var falsePressRate = 0.05
  /// Chance of missing a clearly audible tone.
  public var lapseRate = 0.02

  public init(thresholds: [Ear: [Double: Double]]) {
    self.thresholds = thresholds
  }

  public func threshold(_ point: TestPoint) -> Double {
    thresholds[point.ear]?[point.frequency] ?? 0
  }

  public func respond(to trial: CheckProcedure.Trial, random: inout SeededGenerator) -> CheckProcedure.Response {
    // Presses in the silent pause come at the false-press rate per second of pause.
    if random.unit() < falsePressRate * trial.pause / 2 { return .pressedTooEarly }
    guard let level = trial.level else { return random.unit() < falsePressRate ? .heard : .notHeard }
    let audible = 1 / (1 + exp(-(level - threshold(trial.point)) / spread))
    let p = falsePressRate + (1 - falsePressRate - lapseRate) * audible
    return random.unit() < p ? .heard : .notHeard
  }

  /// A listener of `age` drawn around the ISO 7029:2017 median for that age and sex, with
  /// spread between people and between ears.
  public static func iso7029(age: Double, female: Bool, random: inout SeededGenerator) -> SimulatedListener {
    let person = gaussian(&random) * 0.8
    var thresholds: [Ear: [Double: Double]] = [:]
    for ear in Ear.allCases {
      var ear_: [Double: Double] = [:]
      for frequency in [500.0, 1000, 2000, 4000, 6000, 8000] {
        let median = ISO7029.medianShift(frequency: frequency, age: age, female: female)
        let sd = 4 + 0.35 * median
        ear_[frequency] = max(-10, median + sd * (person + 0.6 * gaussian(&random)))
      }
      thresholds[ear] = ear_
    }
    return SimulatedListener(thresholds: thresholds)
  }

  static func gaussian(_ random: inout SeededGenerator) -> Double {
    let u = max(random.unit(), 1e-12)
    return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * random.unit())
  }
}

/// Median hearing threshold shift with age, ISO 7029:2017: a * (age - 18)^b dB.
public enum ISO7029 {
  /// (a, b) per frequency. Published for men at 1, 2, 4, 8 kHz and women at 1 and 4 kHz
  /// (REFERENCE.md section 3); the others are interpolated on a log-frequency axis between
  /// those, and 500 Hz is taken as three quarters of 1 kHz. Those are estimates.
  static let male: [Double: (Double, Double)] = [
    1000: (7.02e-4, 2.494), 2000: (1.56e-3, 2.404), 4000: (3.40e-3, 2.325), 8000: (5.06e-3, 2.328),
  ]
  static let female: [Double: (Double, Double)] = [1000: (2.21e-4, 2.805), 4000: (7.37e-4, 2.660)]

  public static func medianShift(frequency: Double, age: Double, female isFemale: Bool) -> Double {
    let years = max(age - 18, 0)
    let table = isFemale ? female : male
    func shift(_ f: Double) -> Double {
      if let (a, b) = table[f] { return a * pow(years, b) }
      let known = table.keys.sorted()
      if f < known.first! { return 0.75 * shift(known.first!) }
      if f > known.last! { return shift(known.last!) * (isFemale ? 1.45 : 1) }
      let low = known.last { $0 < f }!
      let high = known.first { $0 > f }!
      let t = log(f / low) / log(high / low)
      return shift(low) + (shift(high) - shift(low)) * t
    }
    return shift(frequency)
  }
}
