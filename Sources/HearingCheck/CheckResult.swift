import Foundation

/// What a finished check means: thresholds per ear, whether the run can be trusted, the
/// screening outcome, and (with a calibration) the WHO grade of the better ear.
public struct CheckResult: Sendable {
  public enum Outcome: String, Sendable {
    /// Every screened threshold at or under the cutoff.
    case within
    /// Some screened threshold over the cutoff (or beyond what could be played).
    case refer
    /// The run cannot be trusted: the retest disagreed, or too many presses in silence.
    case notMeasured = "not_measured"
    /// Without a calibration the levels are relative: they compare frequencies and ears, not
    /// the visitor with other people, so there is no within or refer.
    case relative
  }

  /// Without a calibration, a frequency heard this much worse than the ear's best is one the
  /// visitor may be missing.
  public static let relativeDrop = 20.0

  /// The 1 kHz retest must land within this of the first measurement (dB).
  public static let retestTolerance = 10.0
  /// Presses in silence, as a share of all trials, beyond which the answers are not trusted
  /// (a listener who presses in silence 5 % of the time does so on about 3 % of trials).
  public static let falsePressLimit = 0.08
  /// Silent catch trials answered, as a share of them, beyond which the answers are guesses.
  public static let catchAnswerLimit = 0.3

  public let outcomes: [CheckProcedure.Outcome]
  public let falsePresses: Int
  public let trials: Int
  public let catchTrials: Int
  public let catchTrialsAnswered: Int
  /// Levels are dB HL (true) or relative to the kiosk's quietest level (false).
  public let calibrated: Bool

  public init(procedure: CheckProcedure, calibrated: Bool) {
    self.init(
      outcomes: procedure.outcomes, falsePresses: procedure.falsePresses, trials: procedure.trials,
      catchTrials: procedure.catchTrials, catchTrialsAnswered: procedure.catchTrialsAnswered, calibrated: calibrated)
  }

  public init(
    outcomes: [CheckProcedure.Outcome], falsePresses: Int, trials: Int, catchTrials: Int = 0,
    catchTrialsAnswered: Int = 0, calibrated: Bool
  ) {
    self.outcomes = outcomes
    self.falsePresses = falsePresses
    self.trials = trials
    self.catchTrials = catchTrials
    self.catchTrialsAnswered = catchTrialsAnswered
    self.calibrated = calibrated
  }

  /// The first measurement of an ear at a frequency (the retest aside).
  public func outcome(_ ear: Ear, _ frequency: Double) -> CheckProcedure.Outcome? {
    outcomes.first { $0.point.ear == ear && $0.point.frequency == frequency && !$0.point.isRetest }
  }

  public func threshold(_ ear: Ear, _ frequency: Double) -> Double? { outcome(ear, frequency)?.threshold }

  /// The largest disagreement between a measurement and its retest (the first ear's 1 kHz).
  public var retestDifference: Double? {
    let differences = outcomes.filter(\.point.isRetest).compactMap { retest -> Double? in
      guard let again = retest.threshold, let first = threshold(retest.point.ear, retest.point.frequency) else {
        return nil
      }
      return abs(again - first)
    }
    return differences.max()
  }

  public var falsePressShare: Double { Double(falsePresses) / Double(max(trials, 1)) }

  /// Why the run is not trusted, if it is not.
  public var unreliableBecause: String? {
    if let difference = retestDifference, difference > Self.retestTolerance {
      return String(format: "the 1 kHz retest differed by %.0f dB", difference)
    }
    if falsePresses >= 5, falsePressShare > Self.falsePressLimit {
      return "\(falsePresses) presses in silence out of \(trials) trials"
    }
    // Someone hearing nothing on silent trials says "heard" by chance at the false-press rate;
    // three or more, and more than three in ten, is guessing.
    if catchTrialsAnswered >= 3, Double(catchTrialsAnswered) > Double(catchTrials) * Self.catchAnswerLimit {
      return "\(catchTrialsAnswered) of \(catchTrials) silent trials answered"
    }
    return nil
  }

  public var outcome: Outcome {
    if unreliableBecause != nil { return .notMeasured }
    if !calibrated { return .relative }
    // A screened frequency the kiosk was not set to test does not count either way.
    let refers = Screening.refers(estimates: { ear, frequency in
      guard let outcome = outcome(ear, frequency) else { return -.infinity }
      return outcome.outOfRange ? .infinity : outcome.threshold
    })
    return refers ? .refer : .within
  }

  /// Frequencies (low to high) where either ear is out of range or over the cutoff (without a
  /// calibration: more than `relativeDrop` worse than that ear's best frequency).
  public var harderFrequencies: [Double] {
    let frequencies = Set(outcomes.map(\.point.frequency)).sorted()
    return frequencies.filter { frequency in
      Ear.allCases.contains { ear in
        guard let outcome = outcome(ear, frequency) else { return false }
        guard let threshold = outcome.threshold else { return outcome.outOfRange }
        if calibrated { return threshold > Screening.cutoff - Screening.estimateMargin }
        let best = frequencies.compactMap { self.threshold(ear, $0) }.min() ?? threshold
        return threshold - best > Self.relativeDrop
      }
    }
  }

  /// The WHO grade of the better ear's average over 0.5, 1, 2 and 4 kHz; only with a
  /// calibration, and only when all four were measured in an ear.
  public var betterEarAverage: Double? {
    guard calibrated else { return nil }
    let averages = Ear.allCases.compactMap { ear -> Double? in
      let levels = [500.0, 1000, 2000, 4000].compactMap { threshold(ear, $0) }
      return levels.count == 4 ? levels.reduce(0, +) / 4 : nil
    }
    return averages.min()
  }

  public enum Grade: String, Sendable, CaseIterable {
    case normal, mild, moderate, moderatelySevere = "moderately_severe", severe, profound, complete

    /// WHO (2021) grades by better-ear average.
    public init(average: Double) {
      switch average {
      case ..<20: self = .normal
      case ..<35: self = .mild
      case ..<50: self = .moderate
      case ..<65: self = .moderatelySevere
      case ..<80: self = .severe
      case ..<95: self = .profound
      default: self = .complete
      }
    }
  }

  public var grade: Grade? { betterEarAverage.map(Grade.init(average:)) }
}
