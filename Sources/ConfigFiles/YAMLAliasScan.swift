/// Finds YAML aliases (`*name`) in a document's text without parsing it, so that a file built
/// to expand exponentially is refused in linear time. An alias can only stand where a node
/// starts (at the start of a line's content, or after `- `, `: `, `? `, `[`, `{` or `,`);
/// a `*` inside a plain scalar, a quoted scalar, a block scalar or a comment is text.
enum YAMLAliasScan {
  /// The 1-based line of the first alias, or nil.
  static func firstAlias(in text: String) -> Int? {
    guard text.utf8.contains(UInt8(ascii: "*")) else { return nil }
    var quote: UInt8?  // the open quote of a quoted scalar, across lines
    var blockIndent: Int?  // inside a block scalar (| or >) opened on a line with this indent
    for (index, line) in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
      .enumerated()
    {
      let bytes = Array(line)
      let indent = bytes.prefix { $0 == UInt8(ascii: " ") }.count
      if let parent = blockIndent {
        if indent > parent || bytes.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { continue }
        blockIndent = nil
      }
      var atNodeStart = quote == nil
      var position = 0
      while position < bytes.count {
        let byte = bytes[position]
        let next = position + 1 < bytes.count ? bytes[position + 1] : UInt8(ascii: " ")
        defer { position += 1 }
        if let open = quote {
          if open == UInt8(ascii: "\"") && byte == UInt8(ascii: "\\") {
            position += 1  // an escaped character
          } else if byte == open {
            if open == UInt8(ascii: "'") && next == UInt8(ascii: "'") { position += 1 } else { quote = nil }
          }
          continue
        }
        let space = next == UInt8(ascii: " ") || next == UInt8(ascii: "\t") || position + 1 == bytes.count
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
          break
        case UInt8(ascii: "#") where position == 0 || bytes[position - 1] == UInt8(ascii: " "):
          position = bytes.count  // a comment: the rest of the line
        case UInt8(ascii: "*") where atNodeStart:
          return index + 1
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
          if atNodeStart { quote = byte }
          atNodeStart = false
        case UInt8(ascii: "|"), UInt8(ascii: ">"):
          if atNodeStart {
            blockIndent = indent
            position = bytes.count
          }
          atNodeStart = false
        case UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: ","):
          atNodeStart = true
        case UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "?"):
          atNodeStart = space
        default:
          atNodeStart = false
        }
      }
    }
    return nil
  }
}
