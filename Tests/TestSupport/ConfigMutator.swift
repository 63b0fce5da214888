/// Random, repeatable damage to a config file's text, for fuzzing the loaders: deleted and
/// duplicated stretches, inserted YAML punctuation, swapped lines, numbers made extreme,
/// truncation. The same seed gives the same mutations, so a failure can be replayed.
public struct ConfigMutator {
  private var state: UInt64

  public init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }

  private mutating func next(_ bound: Int) -> Int {
    state ^= state << 13
    state ^= state >> 7
    state ^= state << 17
    return Int(state % UInt64(max(bound, 1)))
  }

  private static let fragments = [
    ":", ": ", "- ", "-", "[", "]", "{", "}", ",", "*a", "&a ", "'", "\"", "\n", "  ", "\t", "#", "|\n", ">-\n",
    "!!str ", "!!binary ", "? ", "~", "null", "0", "-1", "1e308", "9999999999999999999999", "nan", ".inf", "é",
    "\u{202E}", "\u{0}", "0x10", "1_000", "yes", "@", "%YAML 1.1\n", "---\n", "...\n", "<<: ", "=", "5-",
  ]

  /// `text` with one to four mutations.
  public mutating func mutate(_ text: String) -> String {
    var bytes = Array(text.utf8)
    for _ in 0...next(4) {
      guard !bytes.isEmpty else { break }
      let at = next(bytes.count)
      switch next(7) {
      case 0:  // delete a stretch
        bytes.removeSubrange(at..<min(bytes.count, at + 1 + next(40)))
      case 1:  // insert punctuation
        bytes.insert(contentsOf: Array(Self.fragments[next(Self.fragments.count)].utf8), at: at)
      case 2:  // duplicate a stretch
        let stretch = Array(bytes[at..<min(bytes.count, at + 1 + next(200))])
        bytes.insert(contentsOf: stretch, at: next(bytes.count))
      case 3:  // swap two lines
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
        let a = next(lines.count)
        let b = next(lines.count)
        lines.swapAt(a, b)
        bytes = Array(lines.joined(separator: [UInt8(ascii: "\n")]))
      case 4:  // a digit becomes an extreme number
        if let digit = bytes[at...].firstIndex(where: { (48...57).contains($0) }) {
          bytes.replaceSubrange(digit...digit, with: Array(["99999999999", "-7", "0", "1e9", "3.5"][next(5)].utf8))
        }
      case 5:  // cut the file short
        bytes.removeSubrange(at...)
      default:  // replace one byte with any byte
        bytes[at] = UInt8(truncatingIfNeeded: next(256))
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
