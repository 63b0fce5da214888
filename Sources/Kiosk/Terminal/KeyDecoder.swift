/// What a visitor pressed, after the config's key map: the kiosk knows only these.
public enum KioskKey: Sendable, Equatable {
  case hear
  case left
  case right
  case ok
  /// The staff chord (Ctrl-B then S, by default): opens the PIN prompt.
  case staff
  case character(Character)
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
  public mutating func feed(_ bytes: some Sequence<UInt8>) -> [KioskKey] {
    pending.append(contentsOf: bytes)
    var keys: [KioskKey] = []
    while let first = pending.first {
      if first == 0x1B {  // ESC: an arrow key (ESC [ C) or a stray sequence
        guard pending.count >= 2 else { break }
        guard pending[1] == UInt8(ascii: "[") || pending[1] == UInt8(ascii: "O") else {
          pending.removeFirst()  // a lone ESC, or ESC + key: ignore the ESC
          continue
        }
        // A CSI sequence ends with a byte in 0x40...0x7E.
        guard let end = pending.dropFirst(2).firstIndex(where: { (0x40...0x7E).contains($0) }) else {
          if pending.count > 16 { pending.removeAll() }  // garbage: drop it
          break
        }
        switch pending[end] {
        case UInt8(ascii: "C"): keys.append(.right)
        case UInt8(ascii: "D"): keys.append(.left)
        default: break  // other arrows, function keys, mouse reports: nothing
        }
        pending.removeSubrange(0...end)
        continue
      }
      pending.removeFirst()
      if staffArmed {
        staffArmed = false
        if first == UInt8(ascii: "s") || first == UInt8(ascii: "S") {
          keys.append(.staff)
          continue
        }
      }
      switch first {
      case 0x02: staffArmed = true  // Ctrl-B, the first half of the staff chord
      case 0x0D, 0x0A: keys.append(.ok)
      case UInt8(ascii: " "): keys.append(.hear)
      case 0x03, 0x04, 0x1A, 0x1C: break  // Ctrl-C, Ctrl-D, Ctrl-Z, Ctrl-\: nothing in kiosk mode
      case 0x20...0x7E: keys.append(.character(Character(UnicodeScalar(first))))
      default: break
      }
    }
    return keys
  }
}
