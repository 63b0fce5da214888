import Foundation
import HearingCheck
import SessionStore

/// The headphone check: levels from the calibration, trials, presses, the result.
extension KioskSession {
  // MARK: levels

  var calibrated: Bool { resources.calibration != nil }

  /// The digital level for a level of the check (dB HL with a calibration, else relative).
  func dbfs(frequency: Double, level: Double) -> Result<Double, LevelRefusal> {
    if let profile = resources.calibration { return profile.level(frequency: frequency, hearingLevel: level) }
    return RelativeLevels.level(relative: level)
  }

  /// A clearly audible tone for the headphone check and the practice: 40 dB HL (or relative).
  /// Plays a tone meant to be heard: at `level`, or the loudest playable level below it.
  /// Returns the level played.
  @discardableResult
  func playAudible(frequency: Double, ear: Ear, duration: Double, level: Double = 40) -> Double? {
    for candidate in stride(from: level, through: 20, by: -10) {
      if case .success(let dbfs) = dbfs(frequency: frequency, level: candidate) {
        emit(.play(HeadphoneTone(frequency: frequency, levelDBFS: dbfs, ear: ear, duration: duration)))
        return candidate
      }
    }
    return nil
  }

  /// The headphone check's tone rises 10 dB each time it repeats, from 40 to 80 dB HL, so a
  /// visitor with a severe loss hears it too (and the practice then plays at that level).
  static func checkToneLevel(repeat count: Int) -> Double { min(40 + 10 * Double(count), 80) }

  // MARK: the check

  func startTest(now: Double) {
    var settings = CheckProcedure.Settings()
    settings.frequencies = resources.config.frequencies
    if !calibrated { settings.ceiling = RelativeLevels.ceiling }
    // The loudest each frequency may play (the calibration's maximum): silence there is
    // "no response at N", not a guessed number.
    for frequency in settings.frequencies {
      if let ceiling = resources.calibration?.ceiling(frequency: frequency) {
        settings.frequencyCeilings[frequency] = ceiling.rounded(.down)
      }
    }
    settings.checkToneHeardAt = checkToneHeardAt
    checkStarted = now
    roomLog = RoomLog()
    go(.test(Test(procedure: CheckProcedure(settings: settings, seed: random()))), now: now)
  }

  func advance(_ test: inout Test, now: Double) {
    if let notice = test.notice, now >= notice.until { test.notice = nil }
    if listenToRoom(&test, now: now) { return }
    switch test.phase {
    case .waiting:
      // No new tone while the idle countdown asks whether anyone is there.
      guard idleRemaining(now: now) > Self.countdownSeconds else { return }
      while true {
        switch test.procedure.next() {
        case .finished:
          finishTest(test, now: now)
          return
        case .present(let trial):
          if let level = trial.level, case .failure = dbfs(frequency: trial.point.frequency, level: level) {
            test.procedure.markOutOfRange()
            continue
          }
          test.trial = trial
          test.phase = .pause(until: now + trial.pause)
          return
        }
      }
    case .pause(let until):
      guard now >= until, let trial = test.trial else { return }
      if let level = trial.level, case .success(let dbfs) = dbfs(frequency: trial.point.frequency, level: level) {
        emit(
          .play(
            HeadphoneTone(
              frequency: trial.point.frequency, levelDBFS: dbfs, ear: trial.point.ear, duration: Self.toneSeconds)))
      }
      test.phase = .tone(until: now + Self.toneSeconds)
    case .tone(let until):
      if now >= until { test.phase = .window(until: until + Self.responseWindow) }
    case .window(let until):
      if now >= until {
        test.procedure.record(.notHeard)
        test.trial = nil
        test.phase = .waiting
      }
    case .rest(let until):
      if now >= until { test.phase = .waiting }
    case .tooNoisy:
      break
    }
  }

  /// Seconds of quiet before the check goes on after a noisy spell.
  static let quietToResume = 2.0

  /// Keeps the check from testing through noise: when any octave band of the room is over its
  /// limit, the tone stops, the frequency under way starts again, and nothing plays until the
  /// room has been quiet for a moment. Returns true while the check waits for quiet.
  func listenToRoom(_ test: inout Test, now: Double) -> Bool {
    guard let limits = resources.room?.limits, let room else {
      roomLog.unmonitored = true
      return false
    }
    guard let levels = room.levels else {
      // No reading (the microphone failed): the check goes on, and its record says the room
      // was not measured.
      if !roomLog.unmonitored { problem(room.problem ?? "the room microphone gives no readings") }
      roomLog.unmonitored = true
      if case .tooNoisy = test.phase { test.phase = .waiting }
      return false
    }
    roomLog.note(levels)
    let tooLoud = limits.isTooLoud(levels)
    if case .tooNoisy(let quietSince) = test.phase {
      if tooLoud {
        test.phase = .tooNoisy(quietSince: nil)
      } else if let quietSince, now - quietSince >= Self.quietToResume {
        test.phase = .waiting
        log("the room is quiet again: the check goes on")
        return false
      } else if quietSince == nil {
        test.phase = .tooNoisy(quietSince: now)
      }
      return true
    }
    guard tooLoud else { return false }
    emit(.silence)
    test.procedure.restartFrequency()
    test.trial = nil
    test.notice = nil
    test.phase = .tooNoisy(quietSince: nil)
    roomLog.pauses += 1
    let excess = zip(levels, limits.levels).map { $0 - $1 }
    let band = excess.indices.max { excess[$0] < excess[$1] }!
    log(
      String(
        format: "the room is too loud to test (%.0f Hz band at %.0f dB SPL, limit %.0f): waiting for quiet",
        AmbientLimits.bands[band], levels[band], limits.levels[band]))
    return true
  }

  /// The visitor stops a check the room is too loud for: nothing measured is claimed, and the
  /// way on leads to where to get a proper hearing test.
  func abandonForNoise(now: Double) {
    emit(.silence)
    releaseBoxes()
    record(
      mode: .headphones, reliable: false, outcome: .notMeasured, thresholds: [], room: roomLog.record, now: now)
    log("check stopped by the visitor while the room was too loud, after \(Int(now - checkStarted)) s")
    go(.signposting, now: now)
  }

  func press(_ test: inout Test, now: Double) {
    switch test.phase {
    case .pause:
      test.procedure.record(.pressedTooEarly)
      test.trial = nil
      test.phase = .waiting
      test.notice = ("test.too_early", now + 2)
    case .tone(let until):
      test.procedure.record(.heard)
      test.trial = nil
      test.phase = .rest(until: until)
      test.notice = ("test.press_seen", now + 0.6)
    case .window:
      test.procedure.record(.heard)
      test.trial = nil
      test.phase = .waiting
      test.notice = ("test.press_seen", now + 0.6)
    case .waiting, .rest:
      test.notice = ("test.press_seen", now + 0.6)
    case .tooNoisy:
      break
    }
  }

  func finishTest(_ test: Test, now: Double) {
    emit(.silence)
    releaseBoxes()
    let result = CheckResult(procedure: test.procedure, calibrated: calibrated)
    lastResult = result
    record(
      mode: .headphones, reliable: result.unreliableBecause == nil, outcome: SessionStore.Outcome(result.outcome),
      thresholds: result.outcomes.map {
        SessionStore.Threshold(
          ear: $0.point.ear == .left ? .left : .right, retest: $0.point.isRetest, frequency: $0.point.frequency,
          level: $0.threshold, presentations: $0.presentations, noResponseAt: $0.noResponseAt)
      }, room: roomLog.record, now: now)
    log("check finished: \(result.outcome.rawValue) in \(Int(now - checkStarted)) s, language \(language.code)")
    go(.results(result), now: now)
  }
}

extension SessionStore.Outcome {
  /// How a headphone check's outcome is stored.
  init(_ outcome: CheckResult.Outcome) {
    switch outcome {
    case .within: self = .within
    case .refer: self = .refer
    case .notMeasured: self = .notMeasured
    case .relative: self = .relative
    }
  }
}
