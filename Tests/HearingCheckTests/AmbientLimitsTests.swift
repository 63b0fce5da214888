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
