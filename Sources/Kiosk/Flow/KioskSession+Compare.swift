import HearingCheck
import SessionStore

/// Hearing age, only for a visitor who chooses to give an age band and sex after a measured
/// check: each ear's high-frequency hearing beside ISO 7029 for that age. Without an age
/// nothing is said; with one, only the band, the sex and where each ear stood are kept.
extension KioskSession {
  /// The choices of the first screen, in order.
  static let compareChoices: [HearingComparison.Sex?] = [nil, .female, .male]

  /// A headphone check measured in dB HL, with something at 4-8 kHz to compare.
  var canCompare: Bool { visitorThresholds(.right) != nil || visitorThresholds(.left) != nil }

  /// One ear's thresholds by frequency (a "no response at N" counts as N), from the last check.
  func visitorThresholds(_ ear: Ear) -> [Double: Double]? {
    guard calibrated, let result = lastResult, result.outcome == .within || result.outcome == .refer else {
      return nil
    }
    var levels: [Double: Double] = [:]
    for outcome in result.outcomes where outcome.point.ear == ear && !outcome.point.isRetest {
      if let level = outcome.threshold ?? outcome.noResponseAt { levels[outcome.point.frequency] = level }
    }
    return levels.keys.contains { $0 >= 4000 } ? levels : nil
  }

  func compare(sex: HearingComparison.Sex, band: Int, now: Double) {
    let right = visitorThresholds(.right).flatMap { HearingComparison(thresholds: $0, ageBand: band, sex: sex) }
    let left = visitorThresholds(.left).flatMap { HearingComparison(thresholds: $0, ageBand: band, sex: sex) }
    emit(
      .amendLastCheck(
        SessionStore.AgeComparison(
          ageBand: HearingComparison.label(band), sex: sex.rawValue, right: right?.standing.rawValue,
          left: left?.standing.rawValue)))
    go(.comparison(right: right, left: left), now: now)
  }

  /// After the results (and the comparison): the birds as others hear them, if the
  /// headphones work, else where to go next.
  func afterResults(now: Double) {
    go(headphoneProblem == nil ? .othersOffer : .signposting, now: now)
  }
}
