/// A key as the terminal sends it, before the kiosk's key map gives it a meaning.
public enum TerminalKey: Sendable, Hashable {
  /// A printable character (space included), in any script.
  case character(Character)
  case enter
  case backspace
  case left, right, up, down
  /// The staff chord (Ctrl-B then S): opens the PIN prompt.
  case staffChord
}

/// Turns the bytes a terminal sends into keys. Control keys that would end or suspend a
/// program (Ctrl-C, Ctrl-Z, Ctrl-\, Ctrl-D) and stray escape sequences are dropped: in kiosk
/// mode they do nothing. Bytes can arrive split anywhere; the decoder keeps what it cannot
/// yet read.
public struct KeyDecoder: Sendable {
  private var pending: [UInt8] = []
  private var staffArmed = false

  public init() {}

  /// Feeds bytes; returns the keys they complete.
  public mutating func feed(_ bytes: some Sequence<UInt8>) -> [TerminalKey] {
    pending.append(contentsOf: bytes)
    var keys: [TerminalKey] = []
    while let first = pending.first {
      if first == 0x1B {  // ESC: an arrow key (ESC [ C) or a stray sequence
        guard pending.count >= 2 else { break }
        // OSC, DCS, SOS, PM and APC strings (ESC ] ... BEL, ESC P ... ESC \ and the like):
        // a terminal's replies and pasted control strings. Dropped whole, up to their end.
        if [UInt8(ascii: "]"), UInt8(ascii: "P"), UInt8(ascii: "X"), UInt8(ascii: "^"), UInt8(ascii: "_")]
          .contains(pending[1])
        {
          guard let end = Self.stringTerminator(in: pending) else {
            if pending.count > 4096 { pending.removeAll() }  // never ends: drop it
            break
          }
          pending.removeSubrange(0..<end)
          continue
        }
        guard pending[1] == UInt8(ascii: "[") || pending[1] == UInt8(ascii: "O") else {
          // Alt + a printable key arrives as ESC and the key: the pair is dropped, not typed.
          // ESC before a control key (Enter, say) is a lone ESC: only the ESC goes.
          pending.removeFirst((0x20...0x7E).contains(pending[1]) || pending[1] >= 0x80 ? 2 : 1)
          continue
        }
        // A CSI sequence ends with a byte in 0x40...0x7E.
        guard let end = pending.dropFirst(2).firstIndex(where: { (0x40...0x7E).contains($0) }) else {
          if pending.count > 16 { pending.removeAll() }  // garbage: drop it
          break
        }
        let arrows: [UInt8: TerminalKey] = [0x41: .up, 0x42: .down, 0x43: .right, 0x44: .left]
        // Only a bare arrow counts (ESC [ C or ESC O C), not one with modifiers or a mouse report.
        if end == 2, let arrow = arrows[pending[end]] { keys.append(arrow) }
        pending.removeSubrange(0...end)
        continue
      }
      if first >= 0x80 {  // the lead byte of a UTF-8 character: wait for all of it
        let length = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 1
        guard pending.count >= length else { break }
        let scalarBytes = pending.prefix(length)
        pending.removeFirst(length)
        // C1 controls (8-bit CSI, OSC ...), format characters (bidi overrides, zero-width
        // joiners) and the like are not keys.
        if let text = String(validating: scalarBytes, as: UTF8.self), let character = text.first,
          let scalar = character.unicodeScalars.first,
          ![.control, .format, .privateUse, .unassigned, .surrogate].contains(scalar.properties.generalCategory)
        {
          staffArmed = false
          keys.append(.character(character))
        }
        continue
      }
      pending.removeFirst()
      if staffArmed {
        staffArmed = false
        if first == UInt8(ascii: "s") || first == UInt8(ascii: "S") {
          keys.append(.staffChord)
          continue
        }
      }
      switch first {
      case 0x02: staffArmed = true  // Ctrl-B, the first half of the staff chord
      case 0x0D, 0x0A: keys.append(.enter)
      case 0x7F, 0x08: keys.append(.backspace)
      case 0x03, 0x04, 0x1A, 0x1C: break  // Ctrl-C, Ctrl-D, Ctrl-Z, Ctrl-\: nothing in kiosk mode
      case 0x20...0x7E: keys.append(.character(Character(UnicodeScalar(first))))
      default: break
      }
    }
    return keys
  }

  /// Where a control string that starts `bytes` ends (the index after its BEL or ESC \).
  static func stringTerminator(in bytes: [UInt8]) -> Int? {
    var index = 2
    while index < bytes.count {
      if bytes[index] == 0x07 { return index + 1 }
      if bytes[index] == 0x1B, index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\\") { return index + 2 }
      index += 1
    }
    return nil
  }
}
