import BirdsongCore
import Foundation
import HearingCheck
import Testing

@Suite struct ProcedureTests {
  @Test func findsAKnownThresholdWithinFiveDecibelsMostOfTheTime() {
    let truth: [Double: Double] = [500: 10, 1000: 15, 2000: 25, 4000: 45, 6000: 55, 8000: 70]
    let report = CheckSimulation.run(listeners: 200, seed: 3) { _ in
      SimulatedListener(thresholds: [.right: truth, .left: truth])
    }
    #expect(report.withinFiveDB >= 0.9, "only \(report.withinFiveDB) within 5 dB")
    #expect(report.truePositives == 200)
  }

  @Test func aListenerWhoHearsNothingIsNeverCalledClear() {
    let deaf = Dictionary(uniqueKeysWithValues: [500.0, 1000, 2000, 4000, 6000, 8000].map { ($0, 120.0) })
    var random = SeededGenerator(seed: 1)
    var procedure = CheckProcedure(seed: 5)
    let listener = SimulatedListener(thresholds: [.right: deaf, .left: deaf])
    while case .present(let trial) = procedure.next() { procedure.record(listener.respond(to: trial, random: &random)) }
    #expect(procedure.outcomes.allSatisfy { $0.threshold == nil || $0.threshold! >= 70 })
    #expect(
      Screening.refers(estimates: { ear, frequency in
        procedure.outcomes.first { $0.point.ear == ear && $0.point.frequency == frequency }?.threshold
      }))
  }

  @Test func aVisitorWhoHearsNothingIsNotWalkedUpFromTheStartAtEveryFrequency() {
    let deaf = Dictionary(uniqueKeysWithValues: [500.0, 1000, 2000, 4000, 6000, 8000].map { ($0, 120.0) })
    var random = SeededGenerator(seed: 7)
    var procedure = CheckProcedure(seed: 7)
    let listener = SimulatedListener(thresholds: [.right: deaf, .left: deaf])
    var seconds = 0.0
    while case .present(let trial) = procedure.next() {
      let response = listener.respond(to: trial, random: &random)
      seconds += TrialTiming.seconds(of: trial, response: response, reaction: 0.6, into: 0.5)
      procedure.record(response)
    }
    #expect(procedure.outcomes.allSatisfy { $0.noResponseAt == 80 })
    // After the first frequency each starts at the loudest level: a few tones each, not a
    // climb from 20 dB HL (which took over eight minutes).
    let later = procedure.outcomes.dropFirst().map(\.presentations)
    #expect(Double(later.reduce(0, +)) / Double(later.count) <= 4, "\(later)")
    #expect(seconds < 240, "\(Int(seconds)) s")
  }

  @Test func theFirstTonesStartBelowWhereTheHeadphoneCheckWasHeard() {
    var settings = CheckProcedure.Settings()
    settings.checkToneHeardAt = [.right: 70, .left: 40]
    var procedure = CheckProcedure(settings: settings, seed: 3)
    guard case .present(let first) = procedure.next() else { return #expect(Bool(false)) }
    // Heard only at 70: the threshold is near 60, not at the usual 20.
    #expect(first.point.ear == .right && first.level.map { (55...65).contains($0) } == true, "\(first)")
    var plain = CheckProcedure(seed: 3)
    guard case .present(let usual) = plain.next() else { return #expect(Bool(false)) }
    #expect(usual.level.map { $0 <= 30 } == true, "\(usual)")
  }

  @Test func theSecondEarAlsoStartsFromWhereItHeardTheHeadphoneCheck() {
    // One good ear and one at 60: the left ear's first guess is the right ear's 10, unless
    // the headphone check (heard on the left only at 70) says otherwise.
    let good = Dictionary(uniqueKeysWithValues: [500.0, 1000, 2000, 4000, 6000, 8000].map { ($0, 10.0) })
    let worse = good.mapValues { $0 + 50 }
    let listener = SimulatedListener(thresholds: [.right: good, .left: worse])
    func leftTones(heardAt: [Ear: Double]) -> Int {
      (1...20).reduce(0) { total, seed in
        var settings = CheckProcedure.Settings()
        settings.checkToneHeardAt = heardAt
        var procedure = CheckProcedure(settings: settings, seed: UInt64(seed))
        var random = SeededGenerator(seed: UInt64(seed))
        while case .present(let trial) = procedure.next() {
          procedure.record(listener.respond(to: trial, random: &random))
        }
        return total + procedure.outcomes.first { $0.point.ear == .left && $0.point.frequency == 1000 }!.presentations
      }
    }
    let told = leftTones(heardAt: [.right: 40, .left: 70])
    let untold = leftTones(heardAt: [:])
    #expect(
      Double(told) < 0.85 * Double(untold), "left 1 kHz: \(told) tones with the headphone check, \(untold) without")
  }

  @Test func aVisitorWhoHearsNothingAtTheHeadphoneCheckIsNotTested() {
    let report = CheckSimulation.run(listeners: 100, seed: 5) { _ in
      SimulatedListener(thresholds: AudiogramShape.profound.thresholds)
    }
    // Only a visitor who presses by chance gets past it; the rest are shown where to get tested.
    #expect(report.turnedAway >= 80, "\(report.turnedAway) of 100 turned away")
    #expect(report.runs + report.turnedAway == 100)
    #expect(report.beyondRangeGivenANumber == 0)
  }

  @Test func anEarThatHearsNothingIsNoGuessForTheOther() {
    let deaf = Dictionary(uniqueKeysWithValues: [500.0, 1000, 2000, 4000, 6000, 8000].map { ($0, 120.0) })
    let good = Dictionary(uniqueKeysWithValues: [500.0, 1000, 2000, 4000, 6000, 8000].map { ($0, 10.0) })
    let listener = SimulatedListener(thresholds: [.right: deaf, .left: good])
    for seed in 1...10 {
      var random = SeededGenerator(seed: UInt64(seed))
      var procedure = CheckProcedure(seed: UInt64(seed))
      var firstLeft: Double?
      while case .present(let trial) = procedure.next() {
        if trial.point.ear == .left, firstLeft == nil { firstLeft = trial.level }
        procedure.record(listener.respond(to: trial, random: &random))
      }
      // The left ear starts from the usual wide guess, not from "no response at 80" on the right.
      #expect(firstLeft.map { $0 <= 40 } ?? false, "seed \(seed): the left ear began at \(firstLeft ?? .nan) dB HL")
      #expect(procedure.outcomes.filter { $0.point.ear == .right }.allSatisfy { $0.noResponseAt != nil })
    }
  }

  @Test func learnsTheListenersSpreadAndGivesAShallowListenerMoreTones() {
    let truth: [Double: Double] = [500: 20, 1000: 20, 2000: 25, 4000: 35, 6000: 40, 8000: 45]
    func run(spread: Double) -> (presentations: Double, spreadWeights: [Double]) {
      var presentations = 0.0
      var weights = [Double](repeating: 0, count: ThresholdEstimator.spreads.count)
      for seed in 1...40 {
        var listener = SimulatedListener(thresholds: [.right: truth, .left: truth])
        listener.spread = spread
        var random = SeededGenerator(seed: UInt64(seed))
        var estimator = ThresholdEstimator(guesses: [20], priorSD: 20)
        for _ in 0..<60 {
          let level = estimator.nextLevel
          let trial = CheckProcedure.Trial(point: TestPoint(ear: .right, frequency: 4000), level: level, pause: 0)
          estimator.record(level: level, heard: listener.respond(to: trial, random: &random) == .heard)
        }
        let learnt = estimator.spreadWeights
        let peak = learnt.max()!
        let shares = learnt.map { exp($0 - peak) }
        let total = shares.reduce(0, +)
        weights = zip(weights, shares).map { $0 + $1 / total / 40 }
        var procedure = CheckProcedure(seed: UInt64(seed))
        while case .present(let trial) = procedure.next() {
          procedure.record(listener.respond(to: trial, random: &random))
        }
        presentations += Double(procedure.outcomes.map(\.presentations).reduce(0, +)) / 13 / 40
      }
      return (presentations, weights)
    }
    let steep = run(spread: 1)
    let shallow = run(spread: 4)
    // Sixty answers near threshold say something of which kind of listener this is (tones
    // at the threshold itself say nothing of the spread, so not much) ...
    let spreads = ThresholdEstimator.spreads
    let mean = { (w: [Double]) in zip(spreads, w).map { $0 * $1 }.reduce(0, +) }
    #expect(mean(steep.spreadWeights) + 0.5 < mean(shallow.spreadWeights), "\(steep) vs \(shallow)")
    // ... and the check spends its tones where they are needed.
    #expect(shallow.presentations > steep.presentations + 1, "\(steep.presentations) vs \(shallow.presentations)")
  }

  @Test func aPressEndsATrialSoonerThanSilence() {
    let trial = CheckProcedure.Trial(point: TestPoint(ear: .left, frequency: 1000), level: 30, pause: 1.5)
    let silent = TrialTiming.seconds(of: trial, response: .notHeard, reaction: 0.5, into: 0.5)
    #expect(silent == 1.5 + TrialTiming.toneSeconds + TrialTiming.responseWindow)
    // A press during the tone lets the tone finish; a slow one in the window ends it there.
    #expect(TrialTiming.seconds(of: trial, response: .heard, reaction: 0.5, into: 0.5) == 1.5 + TrialTiming.toneSeconds)
    #expect(TrialTiming.seconds(of: trial, response: .heard, reaction: 1.4, into: 0.5) == 2.9)
    #expect(TrialTiming.seconds(of: trial, response: .pressedTooEarly, reaction: 0.5, into: 0.5) == 0.75)
  }

  @Test func thresholdsBeyondTheLoudestLevelAreNoResponseNotANumber() {
    // 6 and 8 kHz beyond the 80 dB HL the check may play; the rest within reach.
    let truth: [Double: Double] = [500: 20, 1000: 30, 2000: 50, 4000: 70, 6000: 100, 8000: 110]
    let report = CheckSimulation.run(listeners: 200, seed: 4) { _ in
      SimulatedListener(thresholds: [.right: truth, .left: truth])
    }
    #expect(report.beyondRange == 800)
    // Without the rule every one of them got a number (a guess 20-30 dB below the truth).
    #expect(
      Double(report.beyondRangeGivenANumber) <= 0.05 * Double(report.beyondRange),
      "\(report.beyondRangeGivenANumber) of \(report.beyondRange) given a number")
    var procedure = CheckProcedure(seed: 6)
    var random = SeededGenerator(seed: 6)
    let listener = SimulatedListener(thresholds: [.right: truth, .left: truth])
    while case .present(let trial) = procedure.next() { procedure.record(listener.respond(to: trial, random: &random)) }
    let high = procedure.outcomes.filter { $0.point.frequency >= 6000 }
    #expect(high.contains { $0.noResponseAt == 80 && $0.threshold == nil && $0.outOfRange })
  }

  @Test func testsEachEarAtEveryFrequencyWithARetestInTheFirstAndCatchTrials() {
    var procedure = CheckProcedure(seed: 2)
    var random = SeededGenerator(seed: 2)
    let flat = Dictionary(uniqueKeysWithValues: [500.0, 1000, 2000, 4000, 6000, 8000].map { ($0, 10.0) })
    let listener = SimulatedListener(thresholds: [.right: flat, .left: flat])
    var pauses: [(pause: Double, afterMiss: Bool)] = []
    var missed = false
    while case .present(let trial) = procedure.next() {
      pauses.append((trial.pause, missed))
      let response = listener.respond(to: trial, random: &random)
      procedure.record(response)
      missed = response == .notHeard
    }
    // Seven points in the first ear (the 1 kHz retest last), six in the second.
    #expect(procedure.outcomes.count == 13)
    #expect(procedure.outcomes.filter(\.point.isRetest).map(\.point.ear) == [.right])
    #expect(procedure.catchTrials > 0)
    // Random pauses; shorter after an unanswered tone, whose window was already a silence.
    let afterAnswer = pauses.filter { !$0.afterMiss }.map(\.pause)
    let afterMiss = pauses.filter(\.afterMiss).map(\.pause)
    #expect(afterAnswer.allSatisfy { $0 >= 1.0 && $0 <= 1.9 } && Set(afterAnswer).count > 10)
    #expect(afterMiss.allSatisfy { $0 >= 0.3 && $0 <= 1.2 } && Set(afterMiss).count > 10)
  }

  /// The targets, on listeners of 20 to 80 from ISO 7029 with 5 % false presses.
  @Test func meetsTheAccuracyScreeningAndTimeTargetsOnAnAgedPopulation() {
    let report = CheckSimulation.run(listeners: 600, seed: 11) { random in
      SimulatedListener.iso7029(age: random.uniform(20...80), female: random.unit() < 0.5, random: &random)
    }
    #expect(report.withinFiveDB >= 0.95, "\(report.withinFiveDB) within 5 dB")
    #expect(report.sensitivity >= 0.95, "sensitivity \(report.sensitivity)")
    #expect(report.specificity >= 0.90, "specificity \(report.specificity)")
    #expect(report.medianAndP95Seconds.median <= 300)
  }

  @Test func medianAgeRelatedShiftsMatchISO7029() {
    #expect(abs(ISO7029.medianShift(frequency: 4000, age: 70, female: false) - 33.2) < 0.3)
    #expect(abs(ISO7029.medianShift(frequency: 8000, age: 60, female: false) - 30.4) < 0.3)
    #expect(abs(ISO7029.medianShift(frequency: 4000, age: 70, female: true) - 27.0) < 0.3)
  }
}

@Suite struct ShapeTests {
  /// A noise notch (4 kHz at 60 between 15 at 2 kHz and 45 at 6 kHz): the prior taken from
  /// 2 kHz must give way to the evidence, not pull the estimate 15 dB too good.
  @Test func aNoiseNotchIsFoundNotSmoothedOver() {
    let notch = AudiogramShape.notch4k.thresholds
    let report = CheckSimulation.run(listeners: 200, seed: 9) { _ in SimulatedListener(thresholds: notch) }
    let errors = report.errors[4000] ?? []
    let within = Double(errors.filter { abs($0) <= 5 }.count) / Double(max(errors.count, 1))
    #expect(within >= 0.85, "only \(Int(within * 100)) % of 4 kHz estimates within 5 dB in the notch")
    let bias = errors.reduce(0, +) / Double(max(errors.count, 1))
    #expect(abs(bias) <= 3, "the notch is estimated \(bias) dB off on average")
  }
}
