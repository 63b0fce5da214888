import ConfigFiles
import Foundation

/// Where a visitor is sent after the check (Config/signposting/<region>.yaml): urgent routes
/// for the red flags, the ordinary routes, the venue's local services, and who follows up a
/// consented contact request.
public struct Signposting: Sendable {
  public struct Service: Sendable {
    public var name: String
    public var how: String
    public var phone: String?
    public var web: String?
    public var address: String?
    public var hours: String?
    /// Marked as an example the venue must replace.
    public var isPlaceholder: Bool
  }

  public var region: String
  public var urgent: [Service]
  public var routes: [Service]
  public var local: [Service]
  public var contactService: String
  public var retentionDays: Int

  /// Entries still to be replaced with real services before visitors see them.
  public var placeholders: [String] {
    (urgent + routes + local).filter(\.isPlaceholder).map(\.name)
      + (contactService.contains("PLACEHOLDER") ? ["contact_requests.service"] : [])
  }

  public static func load(path: String) throws(ConfigError) -> Signposting {
    try read(ConfigNode.load(path: path, hint: "signposting files live in Config/signposting/"))
  }

  public static func parse(_ text: String, file: String) throws(ConfigError) -> Signposting {
    try read(ConfigNode.parse(text, file: file))
  }

  private static func read(_ root: ConfigNode) throws(ConfigError) -> Signposting {
    let top = try root.mapping(allowed: ["region", "urgent", "routes", "local", "contact_requests"])
    func services(_ key: String) throws(ConfigError) -> [Service] {
      guard let list = top[key] else { return [] }
      var result: [Service] = []
      for node in try list.sequence() {
        let entry = try node.mapping(allowed: ["name", "how", "phone", "web", "address", "hours", "placeholder"])
        guard let name = entry["name"], let how = entry["how"] else {
          throw node.error("each service needs a 'name' and 'how' (how to use or book it)")
        }
        let nameText = try name.string()
        let values = try [entry["phone"], entry["web"], entry["address"], entry["hours"]].map {
          node throws(ConfigError) in try node?.string()
        }
        let marked = try entry["placeholder"]?.bool() ?? false
        let mentions = ([nameText, try how.string()] + values.compactMap { $0 }).contains { $0.contains("PLACEHOLDER") }
        result.append(
          Service(
            name: nameText, how: try how.string(), phone: values[0], web: values[1], address: values[2],
            hours: values[3], isPlaceholder: marked || mentions))
      }
      return result
    }
    guard let region = try top["region"]?.string() else {
      throw root.error("add 'region:', the area these services serve")
    }
    let urgent = try services("urgent")
    guard !urgent.isEmpty else {
      throw root.error("there are no 'urgent' routes: the red flags must always say where to go (your GP, NHS 111)")
    }
    var service = ""
    var days = 30
    if let contact = try top["contact_requests"]?.mapping(allowed: ["service", "retention_days"]) {
      service = try contact["service"]?.string() ?? ""
      days = try contact["retention_days"]?.integer(in: 1...365) ?? days
    }
    return Signposting(
      region: region, urgent: urgent, routes: try services("routes"), local: try services("local"),
      contactService: service, retentionDays: days)
  }
}
