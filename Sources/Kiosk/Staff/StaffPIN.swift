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
      var setting = [CChar](repeating: 0, count: Int(CRYPT_GENSALT_OUTPUT_SIZE))
      guard crypt_gensalt_rn(prefix, 0, nil, 0, &setting, Int32(setting.count)) != nil else { continue }
      let text = String(decoding: setting.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      if let hashed = crypted(pin, setting: text), hashed.hasPrefix(prefix) { return hashed }
    }
    return nil
  }

  /// crypt(3) through its reentrant form: the plain one keeps its answer in one static
  /// buffer, which two threads checking at once would share. Nil when crypt refuses.
  private static func crypted(_ phrase: String, setting: String) -> String? {
    let data = UnsafeMutablePointer<crypt_data>.allocate(capacity: 1)
    defer { data.deallocate() }
    memset(data, 0, MemoryLayout<crypt_data>.size)
    guard let result = crypt_rn(phrase, setting, data, Int32(MemoryLayout<crypt_data>.size)) else { return nil }
    let text = String(cString: result)
    return text.hasPrefix("*") ? nil : text
  }

  /// Whether some PIN could ever match `hash`: crypt(3) takes it as a setting (a known method,
  /// a valid salt) and gives back a hash of the same form. A mistyped or cut hash is refused
  /// at load, not discovered when staff are locked out.
  public static func canMatch(_ hash: String) -> Bool {
    guard hash.hasPrefix("$"), let computed = crypted("0000", setting: hash), computed.count == hash.count else {
      return false
    }
    // The same method and salt, and a hash part in crypt's alphabet (all it ever writes).
    let alphabet = Set("./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    let ours = hash.split(separator: "$", omittingEmptySubsequences: false)
    let theirs = computed.split(separator: "$", omittingEmptySubsequences: false)
    return ours.count == theirs.count && ours.dropLast().elementsEqual(theirs.dropLast())
      && ours.last!.allSatisfy { alphabet.contains($0) }
  }

  /// Whether `pin` matches `hash`.
  public static func matches(_ pin: String, hash: String) -> Bool {
    guard hash.hasPrefix("$"), let computed = crypted(pin, setting: hash) else { return false }
    // Compare all of it whatever differs first, so timing does not tell how close a guess was.
    let a = Array(computed.utf8)
    let b = Array(hash.utf8)
    guard a.count == b.count else { return false }
    return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
  }
}
