import ConfigFiles
import Kiosk
import Testing

@Suite struct KeyDecoderTests {
  @Test func readsTheKeys() {
    var decoder = KeyDecoder()
    #expect(
      decoder.feed(Array(" \r\u{1B}[D\u{1B}[Cx\u{7F}".utf8)) == [
        .character(" "), .enter, .left, .right, .character("x"), .backspace,
      ])
  }

  @Test func readsCharactersInAnyScriptEvenSplit() {
    var decoder = KeyDecoder()
    let bytes = Array("José 李".utf8)
    var keys: [TerminalKey] = []
    for byte in bytes { keys += decoder.feed([byte]) }
    #expect(keys == "José 李".map { .character($0) })
  }

  @Test func ignoresTheKeysThatWouldEndOrSuspendTheProgram() {
    var decoder = KeyDecoder()
    #expect(decoder.feed([0x03, 0x04, 0x1A, 0x1C]).isEmpty)
  }

  @Test func dropsStrayEscapeSequencesAndKeepsGoing() {
    var decoder = KeyDecoder()
    // F5, a mouse report, Ctrl-Right (an arrow with modifiers), a lone ESC, then Enter.
    #expect(decoder.feed(Array("\u{1B}[15~\u{1B}[<0;3;4M\u{1B}[1;5C\u{1B}\r".utf8)) == [.enter])
  }

  @Test func waitsForTheRestOfASplitSequence() {
    var decoder = KeyDecoder()
    #expect(decoder.feed([0x1B]).isEmpty)
    #expect(decoder.feed([UInt8(ascii: "[")]).isEmpty)
    #expect(decoder.feed([UInt8(ascii: "D")]) == [.left])
  }

  @Test func theStaffChordIsCtrlBThenS() {
    var decoder = KeyDecoder()
    #expect(decoder.feed([0x02, UInt8(ascii: "s")]) == [.staffChord])
    #expect(decoder.feed([UInt8(ascii: "s")]) == [.character("s")])
    #expect(decoder.feed([0x02, UInt8(ascii: "x")]) == [.character("x")])
  }
}

@Suite struct KeyMapTests {
  @Test func theStandardMapIsSpaceArrowsAndEnter() {
    let map = KeyMap.standard
    #expect(map.action(for: .character(" ")) == .hear)
    #expect(map.action(for: .left) == .left)
    #expect(map.action(for: .enter) == .ok)
    #expect(map.action(for: .character("q")) == nil)
  }

  @Test func aVenueCanMapItsKeypad() throws {
    let config = try KioskConfig.parse(
      "keys:\n  hear: [h, space]\n  ok: ['5', enter]\n  left: '4'\n", file: "kiosk.yaml")
    #expect(config.keys.action(for: .character("h")) == .hear)
    #expect(config.keys.action(for: .character("H")) == .hear, "a keypad with caps lock on still works")
    #expect(config.keys.action(for: .character("5")) == .ok)
    #expect(config.keys.action(for: .character("4")) == .left)
    #expect(config.keys.action(for: .left) == nil, "left was remapped to '4'")
    #expect(config.keys.action(for: .right) == .right, "actions left out keep their standard keys")
    #expect(config.keys.label(for: .ok) == "Enter")
  }

  @Test func aKeyWithTwoMeaningsOrNoNameIsRefused() {
    #expect {
      try KioskConfig.parse("keys:\n  hear: [space]\n  ok: [space]\n", file: "kiosk.yaml")
    } throws: { "\($0)".contains("already the key for 'hear'") }
    #expect {
      try KioskConfig.parse("keys:\n  hear: [spacebar]\n", file: "kiosk.yaml")
    } throws: { "\($0)".contains("'spacebar' is not a key") }
  }
}

@Suite struct StaffPINTests {
  @Test func aHashIsSaltedAndMatchesOnlyItsPIN() throws {
    let first = try #require(StaffPIN.hash("2468"))
    let second = try #require(StaffPIN.hash("2468"))
    #expect(first != second, "two hashes of one PIN should differ by their salt")
    #expect(!first.contains("2468"))
    #expect(StaffPIN.matches("2468", hash: first))
    #expect(StaffPIN.matches("2468", hash: second))
    #expect(!StaffPIN.matches("2469", hash: first))
    #expect(!StaffPIN.matches("", hash: first))
    #expect(!StaffPIN.matches("2468", hash: "2468"), "a PIN written in plain is not a hash")
  }

  @Test func aPINIsFourToTwelveDigits() {
    #expect(StaffPIN.isWellFormed("1234"))
    #expect(!StaffPIN.isWellFormed("123"))
    #expect(!StaffPIN.isWellFormed("12a4"))
    #expect(!StaffPIN.isWellFormed("١٢٣٤"), "only ASCII digits, which every keypad sends")
  }

  @Test func theConfigRefusesAPlainPIN() {
    #expect {
      try KioskConfig.parse("staff:\n  pin_hash: '1234'\n", file: "kiosk.yaml")
    } throws: { "\($0)".contains("--hash-pin") }
  }
}

@Suite struct ControlStringTests {
  func keys(_ text: String) -> [TerminalKey] {
    var decoder = KeyDecoder()
    return decoder.feed(Array(text.utf8))
  }

  @Test func altKeysAndTerminalStringsTypeNothing() {
    #expect(keys("\u{1B}a").isEmpty, "Alt-a typed a letter")
    #expect(keys("\u{1B}]0;title\u{07}x") == [.character("x")], "an OSC string leaked")
    #expect(keys("\u{1B}P1$r0m\u{1B}\\y") == [.character("y")], "a DCS string leaked")
    #expect(keys("\u{1B}_app\u{1B}\\") == [])
    // The same, arriving in pieces.
    var decoder = KeyDecoder()
    #expect(decoder.feed(Array("\u{1B}]52;c;".utf8)).isEmpty)
    #expect(decoder.feed(Array("aGk=\u{07}z".utf8)) == [.character("z")])
  }

  @Test func invisibleAndControlCharactersAreNotKeys() {
    for invisible in ["\u{202E}", "\u{200B}", "\u{2066}", "\u{FEFF}", "\u{9B}", "\u{E000}"] {
      #expect(keys(invisible).isEmpty, "U+\(String(invisible.unicodeScalars.first!.value, radix: 16)) became a key")
    }
    #expect(keys("é") == [.character("é")])
  }

  @Test func contactFieldsTakeWhatANameOrAnAddressNeeds() {
    for good in ["A", "é", "ß", "Ł", "李", "ا", "-", "'", " "] {
      #expect(KioskSession.fitsName(Character(good)), "\(good)")
    }
    for bad in ["=", "<", "😀", "1", "\u{202E}", ";"] { #expect(!KioskSession.fitsName(Character(bad)), "\(bad)") }
    for good in ["0", "+", "@", "a", ".", "_", "(", " "] { #expect(KioskSession.fitsReach(Character(good)), "\(good)") }
    for bad in ["=", "'", "é", "😀", ",", "\""] { #expect(!KioskSession.fitsReach(Character(bad)), "\(bad)") }
  }
}
