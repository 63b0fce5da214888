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

  /// Seconds from a tone's start to the press: simple reaction times to tones are 0.3-0.5 s
  /// in young adults, longer with age and near threshold, so drawn from 0.4 to 1.2 s.
  public func reactionTime(random: inout SeededGenerator) -> Double { random.uniform(0.4...1.2) }

  public func threshold(_ point: TestPoint) -> Double {
    thresholds[point.ear]?[point.frequency] ?? 0
  }

  public func respond(to trial: CheckProcedure.Trial, random: inout SeededGenerator) -> CheckProcedure.Response {
    // Presses in the silent pause come at the false-press rate per second of pause.
    if random.unit() < falsePressRate * trial.pause / 2 { return .pressedTooEarly }
    guard let level = trial.level else { return random.unit() < falsePressRate ? .heard : .notHeard }
    return hears(level, at: trial.point, random: &random) ? .heard : .notHeard
  }

  /// One tone at `level`: heard (or pressed for anyway) or not.
  public func hears(_ level: Double, at point: TestPoint, random: inout SeededGenerator) -> Bool {
    let audible = 1 / (1 + exp(-(level - threshold(point)) / spread))
    return random.unit() < falsePressRate + (1 - falsePressRate - lapseRate) * audible
  }

  /// The kiosk's headphone check in one ear: a 1 kHz tone from 40 dB HL, 10 dB louder each
  /// time it repeats up to 80, confirmed at the first level heard. Nil when nothing was heard
  /// by the third tone at 80: the visitor is shown the way to a full hearing test instead.
  public func confirmCheckTone(ear: Ear, random: inout SeededGenerator) -> Double? {
    for level in [40.0, 50, 60, 70, 80, 80, 80]
    where hears(level, at: TestPoint(ear: ear, frequency: 1000), random: &random) {
      return level
    }
    return nil
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

/// Hearing thresholds by age and sex, ISO 7029:2017: the median shift from age 18,
/// a·(age − 18)^b dB (clause 4.2, Table 1), and the spread above the median (su, worse
/// hearing) and below it (sl, better hearing), each a fifth-degree polynomial in age − 18
/// (clause 4.3, Tables 2 to 5).
///
/// The coefficients are as published in an open implementation that parsed them from the
/// standard (jmrplens/phonometry; /work/research/iso7029-distribution.md); the medians agree
/// with REFERENCE.md section 3 where it gives them. Valid from 18 to 80 years; above 70 the
/// standard gives 3 to 8 kHz for information only.
public enum ISO7029 {
  public static let frequencies: [Double] = [125, 250, 500, 750, 1000, 1500, 2000, 3000, 4000, 6000, 8000]
  public static let ages: ClosedRange<Double> = 18...80

  /// (a, b) per frequency, in `frequencies` order.
  static let maleMedian: [(Double, Double)] = [
    (2.50e-6, 3.841), (1.39e-4, 2.832), (4.59e-4, 2.537), (5.70e-4, 2.512), (7.02e-4, 2.494), (1.09e-3, 2.446),
    (1.56e-3, 2.404), (2.54e-3, 2.350), (3.40e-3, 2.325), (4.53e-3, 2.315), (5.06e-3, 2.328),
  ]
  static let femaleMedian: [(Double, Double)] = [
    (6.16e-4, 2.451), (3.98e-4, 2.568), (2.61e-4, 2.708), (2.25e-4, 2.775), (2.21e-4, 2.805), (2.53e-4, 2.813),
    (3.12e-4, 2.792), (4.88e-4, 2.728), (7.37e-4, 2.660), (1.47e-3, 2.539), (2.53e-3, 2.439),
  ]
  /// c0...c5 per frequency.
  static let maleUpper: [[Double]] = [
    [4.63, 0.645, -8.85e-2, 3.69e-3, -5.98e-5, 3.39e-7], [5.27, 0.710, -9.13e-2, 3.64e-3, -5.74e-5, 3.22e-7],
    [4.98, 0.751, -9.20e-2, 3.68e-3, -5.84e-5, 3.28e-7], [4.65, 0.733, -8.81e-2, 3.59e-3, -5.76e-5, 3.24e-7],
    [4.42, 0.714, -8.54e-2, 3.57e-3, -5.82e-5, 3.29e-7], [4.14, 0.679, -8.04e-2, 3.52e-3, -5.89e-5, 3.35e-7],
    [4.10, 0.632, -7.53e-2, 3.46e-3, -5.94e-5, 3.40e-7], [4.29, 0.530, -6.28e-2, 3.09e-3, -5.37e-5, 2.95e-7],
    [4.68, 0.455, -5.52e-2, 2.95e-3, -5.30e-5, 2.92e-7], [5.61, 0.363, -4.72e-2, 2.92e-3, -5.58e-5, 3.12e-7],
    [6.62, 0.291, -4.16e-2, 2.92e-3, -5.85e-5, 3.33e-7],
  ]
  static let maleLower: [[Double]] = [
    [3.34, 0.131, -2.02e-2, 1.12e-3, -2.28e-5, 1.57e-7], [3.32, 0.230, -2.54e-2, 1.20e-3, -2.27e-5, 1.46e-7],
    [3.43, 0.362, -4.11e-2, 1.87e-3, -3.44e-5, 2.21e-7], [3.60, 0.384, -4.43e-2, 1.98e-3, -3.55e-5, 2.22e-7],
    [3.77, 0.363, -4.19e-2, 1.82e-3, -3.14e-5, 1.89e-7], [3.93, 0.365, -4.22e-2, 1.79e-3, -2.96e-5, 1.70e-7],
    [4.01, 0.387, -4.47e-2, 1.87e-3, -3.02e-5, 1.69e-7], [4.11, 0.405, -4.56e-2, 1.86e-3, -2.83e-5, 1.46e-7],
    [4.09, 0.439, -4.78e-2, 1.92e-3, -2.84e-5, 1.40e-7], [4.01, 0.497, -4.97e-2, 1.93e-3, -2.67e-5, 1.18e-7],
    [3.90, 0.559, -5.62e-2, 2.40e-3, -3.92e-5, 2.29e-7],
  ]
  static let femaleUpper: [[Double]] = [
    [5.05, 0.400, -4.60e-2, 1.73e-3, -2.75e-5, 1.71e-7], [5.01, 0.481, -4.88e-2, 1.80e-3, -2.81e-5, 1.67e-7],
    [4.68, 0.510, -5.16e-2, 1.95e-3, -3.07e-5, 1.77e-7], [4.45, 0.511, -5.25e-2, 2.03e-3, -3.18e-5, 1.81e-7],
    [4.34, 0.492, -5.15e-2, 2.03e-3, -3.18e-5, 1.78e-7], [4.23, 0.479, -5.12e-2, 2.07e-3, -3.26e-5, 1.80e-7],
    [4.26, 0.456, -4.91e-2, 2.01e-3, -3.16e-5, 1.70e-7], [4.36, 0.476, -5.15e-2, 2.19e-3, -3.51e-5, 1.91e-7],
    [4.61, 0.477, -5.07e-2, 2.19e-3, -3.51e-5, 1.88e-7], [5.22, 0.483, -4.83e-2, 2.13e-3, -3.39e-5, 1.74e-7],
    [5.84, 0.516, -4.89e-2, 2.18e-3, -3.49e-5, 1.77e-7],
  ]
  static let femaleLower: [[Double]] = [
    [3.64, 0.047, 2.28e-3, -6.68e-5, -8.72e-7, 2.30e-8], [3.11, 0.226, -7.71e-3, 9.83e-5, -7.11e-7, 9.02e-9],
    [2.98, 0.338, -1.74e-2, 3.53e-4, -2.78e-6, 1.01e-8], [3.03, 0.378, -2.24e-2, 5.20e-4, -4.60e-6, 1.50e-8],
    [3.15, 0.382, -2.39e-2, 5.62e-4, -4.60e-6, 9.87e-9], [3.32, 0.387, -2.64e-2, 6.71e-4, -5.76e-6, 1.07e-8],
    [3.47, 0.392, -2.84e-2, 7.79e-4, -7.35e-6, 1.71e-8], [3.69, 0.392, -2.96e-2, 8.44e-4, -7.55e-6, 8.16e-9],
    [3.84, 0.402, -3.17e-2, 9.99e-4, -1.08e-5, 2.99e-8], [4.04, 0.403, -3.15e-2, 1.06e-3, -1.21e-5, 3.44e-8],
    [4.15, 0.413, -3.01e-2, 1.00e-3, -9.97e-6, 8.74e-9],
  ]

  /// The median threshold shift (dB) at `frequency` for `age`: the table's own value at its
  /// frequencies, interpolated on a log-frequency axis between them, held beyond the ends.
  public static func medianShift(frequency: Double, age: Double, female: Bool) -> Double {
    let years = max(min(age, ages.upperBound) - 18, 0)
    let table = female ? femaleMedian : maleMedian
    return interpolated(frequency) { index in table[index].0 * pow(years, table[index].1) }
  }

  /// The spread above the median (su: towards worse hearing) or below it (sl), dB. Above 70
  /// the men's su at 3 to 8 kHz falls apart (to 1.3 dB at 8 kHz by 80), where the standard
  /// is informative only: there the age-70 value is held.
  public static func spread(frequency: Double, age: Double, female: Bool, above: Bool) -> Double {
    var years = max(min(age, ages.upperBound) - 18, 0)
    if above, frequency >= 3000, years > 52 { years = 52 }
    let table = female ? (above ? femaleUpper : femaleLower) : (above ? maleUpper : maleLower)
    return interpolated(frequency) { index in
      table[index].enumerated().reduce(0) { $0 + $1.element * pow(years, Double($1.offset)) }
    }
  }

  /// The share of people of that age and sex who hear a tone at `frequency` better (at a lower
  /// level) than `threshold` dB HL (relative to the median at 18): Φ(z) of the two-sided
  /// Gaussian of clause 4.4.
  public static func shareHearingBetter(than threshold: Double, frequency: Double, age: Double, female: Bool) -> Double
  {
    let median = medianShift(frequency: frequency, age: age, female: female)
    let deviation = threshold - median
    let z = deviation / spread(frequency: frequency, age: age, female: female, above: deviation >= 0)
    return 0.5 * erfc(-z / 2.squareRoot())
  }

  private static func interpolated(_ frequency: Double, _ value: (Int) -> Double) -> Double {
    if frequency <= frequencies[0] { return value(0) }
    if frequency >= frequencies[frequencies.count - 1] { return value(frequencies.count - 1) }
    let upper = frequencies.firstIndex { $0 >= frequency }!
    if frequencies[upper] == frequency { return value(upper) }
    let t = log(frequency / frequencies[upper - 1]) / log(frequencies[upper] / frequencies[upper - 1])
    return value(upper - 1) + (value(upper) - value(upper - 1)) * t
  }
}
