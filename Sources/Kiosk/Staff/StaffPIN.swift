import CCrypt
import Foundation

/// The staff PIN, kept in the kiosk config only as a salted crypt(3) hash (yescrypt or
/// SHA-512, as /etc/shadow keeps passwords), so that reading the config does not give it away.
public enum StaffPIN {
  /// A PIN is 4 to 12 digits: typed on any keypad.
  public static func isWellFormed(_ pin: String) -> Bool {
    (4...12).contains(pin.count) && pin.allSatisfy(\.isASCII) && pin.allSatisfy(\.isNumber)
  }

  /// A new salted hash of `pin`, for the `staff: pin_hash:` line.
  public static func hash(_ pin: String) -> String? {
    // Prefer yescrypt; libxcrypt builds without it fall back to SHA-512.
    for prefix in ["$y$", "$6$"] {
      guard let setting = crypt_gensalt(prefix, 0, nil, 0) else { continue }
      if let hashed = crypt(pin, setting).map({ String(cString: $0) }), hashed.hasPrefix(prefix) {
        return hashed
      }
    }
    return nil
  }

  /// Whether `pin` matches `hash`.
  public static func matches(_ pin: String, hash: String) -> Bool {
    guard hash.hasPrefix("$"), let result = crypt(pin, hash) else { return false }
    let computed = String(cString: result)
    // Compare all of it whatever differs first, so timing does not tell how close a guess was.
    let a = Array(computed.utf8)
    let b = Array(hash.utf8)
    guard a.count == b.count else { return false }
    return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
  }
}
