/// One bird box as the running installation describes it (the `boxes` command): all the kiosk
/// needs to play the boxes one by one and name their birds, without reading the installation's
/// config itself.
public struct BoxDescription: Sendable, Equatable {
  public var name: String
  /// 1-based, as installers count.
  public var channel: Int
  /// The band it sings in, Hz.
  public var low: Double
  public var high: Double
  /// The species id (`birdsong species`); nil for a box that plays a test tone.
  public var species: String?

  public init(name: String, channel: Int, low: Double, high: Double, species: String?) {
    self.name = name
    self.channel = channel
    self.low = low
    self.high = high
    self.species = species
  }

  /// The band's centre on a log scale, as the installation sorts its bands.
  public var center: Double { (low * high).squareRoot() }

  /// One line of the reply: name, channel, low, high, species (or '-'), tab-separated.
  public var line: String {
    [name, String(channel), String(low), String(high), species ?? "-"].joined(separator: "\t")
  }

  public init?(line: Substring) {
    let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
    guard fields.count == 5, let channel = Int(fields[1]), let low = Double(fields[2]), let high = Double(fields[3]),
      low > 0, high > low
    else { return nil }
    self.init(
      name: String(fields[0]), channel: channel, low: low, high: high,
      species: fields[4] == "-" ? nil : String(fields[4]))
  }

  /// The boxes in a `boxes` reply; lines that are not box descriptions are skipped.
  public static func parse(reply: String) -> [BoxDescription] {
    reply.split(separator: "\n").compactMap { BoxDescription(line: $0) }
  }
}
