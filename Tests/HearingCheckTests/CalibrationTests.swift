import HearingCheck
import Testing

@Suite struct CalibrationTests {
  let profile = CalibrationProfile(
    headphone: "test", standard: "ISO 389-8", referenceLevelDBFS: -20, maximumSPL: 90,
    points: [1000: .init(retspl: 5.5, measuredSPL: 75), 8000: .init(retspl: 17.5, measuredSPL: 60)])

  @Test func convertsHearingLevelToDigitalLevel() throws {
    // -20 + 5.5 + 30 - 75 = -59.5 dBFS for 30 dB HL at 1 kHz.
    #expect(try profile.level(frequency: 1000, hearingLevel: 30).get() == -59.5)
    #expect(try profile.level(frequency: 1000, hearingLevel: 0).get() == -89.5)
  }

  @Test func refusesLevelsThatWouldClipOrPassTheMaximum() {
    // 8 kHz: 0 dBFS is reached at 60 - 17.5 + 20 = 62.5 dB HL.
    #expect(profile.ceiling(frequency: 8000) == 62.5)
    #expect(throws: LevelRefusal.self) { try profile.level(frequency: 8000, hearingLevel: 65).get() }
    // 1 kHz: 90 dB SPL is 84.5 dB HL.
    #expect(profile.ceiling(frequency: 1000) == 84.5)
    #expect(throws: LevelRefusal.overMaximum(spl: 95.5, maximum: 90)) {
      try profile.level(frequency: 1000, hearingLevel: 90).get()
    }
    #expect(throws: LevelRefusal.notCalibrated(4000)) { try profile.level(frequency: 4000, hearingLevel: 20).get() }
  }

  @Test func withoutAProfileLevelsStayFarBelowFullScale() throws {
    #expect(try RelativeLevels.level(relative: 0).get() == -80)
    #expect(throws: LevelRefusal.self) { try RelativeLevels.level(relative: RelativeLevels.ceiling + 1).get() }
  }
}
