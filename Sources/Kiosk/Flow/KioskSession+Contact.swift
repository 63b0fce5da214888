import BirdsongCore
import Foundation
import SessionStore

/// The consented contact request: name, then phone or email, then saved.
extension KioskSession {
  // MARK: contact request

  /// What a name needs: letters and marks of any script, spaces, apostrophes, hyphens and
  /// full stops. Not symbols, emoji, controls or invisible characters (a bidi override would
  /// make a name read differently from what is stored).
  public static func fitsName(_ character: Character) -> Bool {
    character.unicodeScalars.allSatisfy { scalar in
      switch scalar.properties.generalCategory {
      case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .nonspacingMark,
        .spacingMark:
        true
      default: " '’-.".unicodeScalars.contains(scalar)
      }
    }
  }

  /// What a phone number or an email address needs.
  public static func fitsReach(_ character: Character) -> Bool {
    character.unicodeScalars.allSatisfy { scalar in
      scalar.properties.generalCategory == .decimalNumber
        || (scalar.isASCII && (scalar.properties.isAlphabetic || "+()-. @_".unicodeScalars.contains(scalar)))
    }
  }

  func typeContact(_ key: TerminalKey, _ contact: inout Contact, now: Double) {
    switch key {
    case .character(let character):
      if contact.askingReach {
        if contact.reach.count < 80, Self.fitsReach(character) { contact.reach.append(character) }
      } else if contact.name.count < 80, Self.fitsName(character) {
        contact.name.append(character)
      }
      contact.error = nil
    case .backspace:
      if contact.askingReach { _ = contact.reach.popLast() } else { _ = contact.name.popLast() }
    case .enter:
      if !contact.askingReach {
        let name = contact.name.trimmingCharacters(in: .whitespaces)
        if name.isEmpty { contact.error = "contact.invalid_name" } else { contact.askingReach = true }
      } else {
        let reach = contact.reach.trimmingCharacters(in: .whitespaces)
        guard let kind = Self.reachKind(reach) else {
          contact.error = "contact.invalid_reach"
          stage = .contactEntry(contact)
          return
        }
        saveContact(name: contact.name.trimmingCharacters(in: .whitespaces), reach: reach, kind: kind, now: now)
        return
      }
    case .left where contact.askingReach && contact.reach.isEmpty:
      contact.askingReach = false
    case .left where contact.name.isEmpty:
      go(.thanks(contacted: false), now: now)
      return
    default: break
    }
    stage = .contactEntry(contact)
  }

  public enum ReachKind { case phone, email }

  /// A phone number (digits, spaces, +, -, brackets; 7 to 15 digits) or an email address.
  public static func reachKind(_ text: String) -> ReachKind? {
    let digits = text.filter(\.isNumber).count
    if text.allSatisfy({ $0.isNumber || " +-()".contains($0) }), (7...15).contains(digits) { return .phone }
    let parts = text.split(separator: "@", omittingEmptySubsequences: false)
    if parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
      !text.contains(" ")
    {
      return .email
    }
    return nil
  }

  /// The consent wording as shown, which the request records a fingerprint of.
  var consentText: String {
    text(
      "contact.consent",
      ["days": String(resources.signposting.retentionDays), "service": resources.signposting.contactService])
  }

  func saveContact(name: String, reach: String, kind: ReachKind, now: Double) {
    do {
      try store?.recordContact(
        name: name, phone: kind == .phone ? reach : nil, email: kind == .email ? reach : nil,
        service: resources.signposting.contactService,
        consentVersion: "\(language.code)-\(String(SeededGenerator.fingerprint(consentText) >> 32, radix: 16))",
        days: resources.signposting.retentionDays,
        at: Date())
      go(.thanks(contacted: true), now: now)
    } catch {
      problem("could not record a contact request: \(error)")
      go(.thanks(contacted: false), now: now)
    }
  }
}
