import ControlProtocol

/// The staff PIN, kept in the kiosk config only as a salted crypt(3) hash (`PasswordHash`),
/// so that reading the config does not give it away.
public enum StaffPIN {
  /// A PIN is 4 to 12 digits: typed on any keypad.
  public static func isWellFormed(_ pin: String) -> Bool {
    (4...12).contains(pin.count) && pin.allSatisfy(\.isASCII) && pin.allSatisfy(\.isNumber)
  }

  /// A new salted hash of `pin`, for the `staff: pin_hash:` line.
  public static func hash(_ pin: String) -> String? { PasswordHash.make(pin) }

  /// Whether some PIN could ever match `hash`.
  public static func canMatch(_ hash: String) -> Bool { PasswordHash.canMatch(hash) }

  /// Whether `pin` matches `hash`.
  public static func matches(_ pin: String, hash: String) -> Bool { PasswordHash.matches(pin, hash: hash) }
}
