import HearingCheck
import Testing

@Suite struct AmbientLimitsTests {
  @Test func supraAuralAndInsertEarphonesAtZeroDBHLAreTheStandardsColumns() {
    #expect(AmbientLimits(headphones: .supraAural, testDownTo: 0).levels == [39, 25, 21, 26, 34, 37, 37])
    #expect(AmbientLimits(headphones: .insert, testDownTo: 0).levels == [67, 53, 50, 47, 49, 50, 56])
  }

  @Test func aCheckThatTestsDownTo15DBHLToleratesFifteenDecibelsMore() {
    let screening = AmbientLimits(headphones: .supraAural, testDownTo: 15)
    #expect(screening.levels == [54, 40, 36, 41, 49, 52, 52])
    // Measured attenuation replaces the type's.
    let measured = AmbientLimits(headphones: .circumaural, attenuation: [10, 15, 20, 25, 30, 35, 35], testDownTo: 0)
    #expect(measured.levels == [45, 36, 36, 38, 44, 46, 49])
  }

  @Test func theLoudestBandDecides() {
    let limits = AmbientLimits(headphones: .supraAural, testDownTo: 0)
    var room = [Double](repeating: 20, count: 7)
    #expect(!limits.isTooLoud(room))
    room[6] = 40  // 3 dB over at 8 kHz
    #expect(limits.isTooLoud(room) && limits.excess(room) == 3)
  }
}

@Suite struct HearingAgeTests {
  @Test func theStandardsWorkedExampleComesOut() {
    // ISO 7029:2017 for a man of 65 at 4 kHz: median 26.2 dB, 90th percentile 50.3 dB.
    #expect(abs(ISO7029.medianShift(frequency: 4000, age: 65, female: false) - 26.2) < 0.1)
    #expect(abs(ISO7029.shareHearingBetter(than: 50.3, frequency: 4000, age: 65, female: false) - 0.9) < 0.01)
    #expect(abs(ISO7029.shareHearingBetter(than: 26.2, frequency: 4000, age: 65, female: false) - 0.5) < 0.01)
    // Women at 6 kHz come from the table now, not from an interpolation (25.9 dB at 65).
    #expect(abs(ISO7029.medianShift(frequency: 6000, age: 65, female: true) - 25.9) < 0.2)
  }

  @Test func aVisitorIsComparedWithTheAgeBandTheyGave() throws {
    let median65 = Dictionary(
      uniqueKeysWithValues: [4000.0, 6000, 8000].map {
        ($0, ISO7029.medianShift(frequency: $0, age: 65, female: false))
      })
    let typical = try #require(HearingComparison(thresholds: median65, ageBand: 4, sex: .male))
    #expect(typical.likeBand == 4 && typical.standing == .typical)
    let keen = try #require(HearingComparison(thresholds: [4000: -5, 6000: 0, 8000: 0], ageBand: 4, sex: .male))
    #expect(keen.likeBand == 0 && keen.standing == .better)
    let worn = try #require(HearingComparison(thresholds: [4000: 70, 8000: 80], ageBand: 2, sex: .female))
    #expect(worn.likeBand == 5 && worn.standing == .worse)
    #expect(HearingComparison(thresholds: [1000: 10, 2000: 20], ageBand: 2, sex: .female) == nil)
  }
}
