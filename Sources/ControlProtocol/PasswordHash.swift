import CCrypt
import Foundation

/// Secrets kept only as salted crypt(3) hashes (yescrypt, or SHA-512 where libxcrypt lacks
/// it), as /etc/shadow keeps passwords: the staff PIN, the status page's token.
public enum PasswordHash {
  /// A new salted hash of `secret`.
  public static func make(_ secret: String) -> String? {
    for prefix in ["$y$", "$6$"] {
      var setting = [CChar](repeating: 0, count: Int(CRYPT_GENSALT_OUTPUT_SIZE))
      guard crypt_gensalt_rn(prefix, 0, nil, 0, &setting, Int32(setting.count)) != nil else { continue }
      let text = String(decoding: setting.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      if let hashed = crypted(secret, setting: text), hashed.hasPrefix(prefix) { return hashed }
    }
    return nil
  }

  /// Whether `secret` matches `hash`, comparing every byte whatever differs first (the time
  /// taken does not tell how close a guess was).
  public static func matches(_ secret: String, hash: String) -> Bool {
    guard hash.hasPrefix("$"), let computed = crypted(secret, setting: hash) else { return false }
    let a = Array(computed.utf8)
    let b = Array(hash.utf8)
    guard a.count == b.count else { return false }
    return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
  }

  /// Whether some secret could ever match `hash`: crypt(3) takes it as a setting (a known
  /// method, a valid salt) and gives back a hash of the same form. A mistyped or cut hash is
  /// refused at load, not discovered when staff are locked out.
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

  /// A new random token of 20 letters and digits (about 100 bits), for the status page.
  public static func newToken() -> String {
    let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789")  // no 0/o, 1/l: read aloud, typed on a phone
    var generator = SystemRandomNumberGenerator()
    return String((0..<20).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
  }
}
