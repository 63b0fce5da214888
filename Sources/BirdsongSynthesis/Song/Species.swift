/// A bird in the song catalogue.
public struct Species: Sendable, Identifiable {
  /// A short lower-case name for the command line and config files: "great-tit".
  public let id: String
  public let commonName: String
  public let scientificName: String
  /// The band the song occupies in nature, harmonics included.
  public let naturalBand: FrequencyBand
  /// One line on what the song sounds like.
  public let summary: String
  public let song: SongPattern
  /// Where the figures come from.
  public let sources: [String]

  init(
    id: String, common: String, scientific: String, band: ClosedRange<Double>, summary: String,
    sources: [String], song: SongPattern
  ) {
    self.id = id
    commonName = common
    scientificName = scientific
    naturalBand = FrequencyBand(checkedLow: band.lowerBound, high: band.upperBound)
    self.summary = summary
    self.song = song
    self.sources = sources
  }
}

extension FrequencyBand {
  /// For catalogue literals, whose bands a test checks.
  init(checkedLow low: Double, high: Double) {
    precondition(low > 0 && low < high, "catalogue band \(low)-\(high) is not a band")
    self = try! FrequencyBand(low: low, high: high)
  }
}
