import ConfigFiles
import ControlProtocol

/// `http:` in the installation config: where the status page listens, and the hash of the
/// token that staff type to send commands from it.
public struct HTTPSettings: Sendable, Equatable {
  public var host: String
  public var port: Int
  /// crypt(3) hash of the token; nil: the page shows status only and takes no commands.
  public var tokenHash: String?
  /// The kiosk's records, for "kiosk checks today" on the page; nil: not shown.
  public var kioskDatabase: String?

  public init(host: String = "127.0.0.1", port: Int = 8750, tokenHash: String? = nil, kioskDatabase: String? = nil) {
    self.host = host
    self.port = port
    self.tokenHash = tokenHash
    self.kioskDatabase = kioskDatabase
  }

  static func read(_ node: ConfigNode) throws(ConfigError) -> HTTPSettings {
    let entries = try node.mapping(allowed: ["listen", "token_hash", "kiosk_database"])
    var settings = HTTPSettings()
    settings.kioskDatabase = try entries["kiosk_database"]?.string()
    if let listen = entries["listen"] {
      let text = try listen.string()
      guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
        (0...65535).contains(port), colon != text.startIndex
      else {
        throw listen.error(
          "'\(text)' is not an address and port; write it like 127.0.0.1:8750 (this machine only) or 0.0.0.0:8750 (the venue's network)"
        )
      }
      var host = String(text[..<colon])
      if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }  // [::1]
      settings.host = host
      settings.port = port
    }
    if let hash = entries["token_hash"] {
      let text = try hash.string()
      guard PasswordHash.canMatch(text) else {
        throw hash.error(
          "this is not a token hash that any token could match; make a token and its hash with 'birdsong config new-token'"
        )
      }
      settings.tokenHash = text
    }
    return settings
  }
}
