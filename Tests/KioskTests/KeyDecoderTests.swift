import Kiosk
import Testing

@Suite struct KeyDecoderTests {
  @Test func readsTheKioskKeys() {
    var decoder = KeyDecoder()
    #expect(decoder.feed(Array(" \r\u{1B}[D\u{1B}[Cx".utf8)) == [.hear, .ok, .left, .right, .character("x")])
  }

  @Test func ignoresTheKeysThatWouldEndOrSuspendTheProgram() {
    var decoder = KeyDecoder()
    #expect(decoder.feed([0x03, 0x04, 0x1A, 0x1C]).isEmpty)
  }

  @Test func dropsStrayEscapeSequencesAndKeepsGoing() {
    var decoder = KeyDecoder()
    // Up arrow, F5, a mouse report, a lone ESC, then OK.
    #expect(decoder.feed(Array("\u{1B}[A\u{1B}[15~\u{1B}[<0;3;4M\u{1B}\r".utf8)) == [.ok])
  }

  @Test func waitsForTheRestOfASplitSequence() {
    var decoder = KeyDecoder()
    #expect(decoder.feed([0x1B]).isEmpty)
    #expect(decoder.feed([UInt8(ascii: "[")]).isEmpty)
    #expect(decoder.feed([UInt8(ascii: "D")]) == [.left])
  }

  @Test func theStaffChordIsCtrlBThenS() {
    var decoder = KeyDecoder()
    #expect(decoder.feed([0x02, UInt8(ascii: "s")]) == [.staff])
    #expect(decoder.feed([UInt8(ascii: "s")]) == [.character("s")])
    #expect(decoder.feed([0x02, UInt8(ascii: "x")]) == [.character("x")])
  }
}
