import BirdsongCore
import Foundation

/// Runs the real procedure against simulated listeners many times and sums up how it does.
public struct CheckSimulation: Sendable {
  public struct Report: Sendable {
    public var runs = 0
    /// Visitors who heard nothing in the headphone check even at its loudest, in one ear or
    /// both: the kiosk shows them the way to a full hearing test and tests nothing.
    public var turnedAway = 0
    /// Estimate minus truth, per frequency (the retest counts with its frequency).
    public var errors: [Double: [Double]] = [:]
    public var notMeasured = 0
    /// Each measured estimate's error and tones, with the listener's psychometric spread.
    public var bySpread: [(spread: Double, error: Double, presentations: Int)] = []
    public var measured = 0
    public var durations: [Double] = []
    public var presentations: [Int] = []
    /// Runs the kiosk would call "not measured" (retest off, presses in silence).
    public var unreliable = 0
    /// Why, by the first reason found (the number in a reason left out).
    public var unreliableReasons: [String: Int] = [:]
    public var truePositives = 0, falseNegatives = 0, trueNegatives = 0, falsePositives = 0
    /// Points whose truth lies above what the check can play: answered "no response" (right)
    /// or with a number (wrong: the number is only a guess below the truth).
    public var beyondRange = 0
    public var beyondRangeGivenANumber = 0
    /// "No response" where the truth was within reach.
    public var noResponseWithinRange = 0

    /// The median and 95th-percentile check durations (s); NaN when no check ran.
    public var medianAndP95Seconds: (median: Double, p95: Double) {
      guard !durations.isEmpty else { return (.nan, .nan) }
      let sorted = durations.sorted()
      return (sorted[sorted.count / 2], sorted[Int(Double(sorted.count - 1) * 0.95)])
    }

    public var withinFiveDB: Double {
      let all = errors.values.joined()
      return Double(all.filter { abs($0) <= 5 }.count) / Double(max(all.count, 1))
    }
    public var sensitivity: Double { Double(truePositives) / Double(max(truePositives + falseNegatives, 1)) }
    public var specificity: Double { Double(trueNegatives) / Double(max(trueNegatives + falsePositives, 1)) }
  }

  public static func run(
    listeners: Int, seed: UInt64, settings: CheckProcedure.Settings = .init(),
    makeListener: (inout SeededGenerator) -> SimulatedListener
  ) -> Report {
    var random = SeededGenerator(seed: seed)
    var report = Report()
    for run in 0..<listeners {
      let listener = makeListener(&random)
      var settings = settings
      for ear in Ear.allCases {
        settings.checkToneHeardAt[ear] = listener.confirmCheckTone(ear: ear, random: &random)
      }
      guard settings.checkToneHeardAt.count == Ear.allCases.count else {
        report.turnedAway += 1
        continue
      }
      var procedure = CheckProcedure(settings: settings, seed: seed &+ UInt64(run))
      var seconds = 0.0
      while case .present(let trial) = procedure.next() {
        let response = listener.respond(to: trial, random: &random)
        seconds += TrialTiming.seconds(
          of: trial, response: response, reaction: listener.reactionTime(random: &random), into: random.unit())
        procedure.record(response)
      }
      report.runs += 1
      if let reason = CheckResult(procedure: procedure, calibrated: true).unreliableBecause {
        report.unreliable += 1
        report.unreliableReasons[reason.replacing(/\d+/, with: "N"), default: 0] += 1
      }
      report.durations.append(seconds)
      report.presentations.append(procedure.trials)
      for outcome in procedure.outcomes {
        let truth = listener.threshold(outcome.point)
        if truth > settings.ceiling(at: outcome.point.frequency) {
          report.beyondRange += 1
          if outcome.threshold != nil { report.beyondRangeGivenANumber += 1 }
          continue  // no number can be right here: not counted in the errors
        }
        if outcome.noResponseAt != nil { report.noResponseWithinRange += 1 }
        if let threshold = outcome.threshold {
          report.measured += 1
          report.errors[outcome.point.frequency, default: []].append(threshold - truth)
          report.bySpread.append((listener.spread, threshold - truth, outcome.presentations))
        } else {
          report.notMeasured += 1
        }
      }
      let estimate = { (ear: Ear, frequency: Double) in
        procedure.outcomes.first { $0.point.ear == ear && $0.point.frequency == frequency && !$0.point.isRetest }?
          .threshold
      }
      let truth = Screening.refers(trueThresholds: { ear, frequency in listener.thresholds[ear]?[frequency] })
      switch (truth, Screening.refers(estimates: estimate)) {
      case (true, true): report.truePositives += 1
      case (true, false): report.falseNegatives += 1
      case (false, false): report.trueNegatives += 1
      case (false, true): report.falsePositives += 1
      }
    }
    return report
  }
}
