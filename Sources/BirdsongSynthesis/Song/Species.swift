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
  /// Published figures for the song's structure, which a test checks renderings against.
  public let structure: SongStructure

  init(
    id: String, common: String, scientific: String, band: FrequencyBand, summary: String, sources: [String],
    song: SongPattern, structure: SongStructure
  ) {
    self.structure = structure
    self.id = id
    commonName = common
    scientificName = scientific
    naturalBand = band
    self.summary = summary
    self.song = song
    self.sources = sources
  }
}

/// A song's shape in published figures: how long one song lasts and how fast its notes come.
public struct SongStructure: Sendable, Hashable {
  /// Seconds from the first note's start to the last note's end.
  public var songSeconds: ClosedRange<Double>
  /// Notes (syllables) a second over a whole song.
  public var notesPerSecond: ClosedRange<Double>

  public init(songSeconds: ClosedRange<Double>, notesPerSecond: ClosedRange<Double>) {
    self.songSeconds = songSeconds
    self.notesPerSecond = notesPerSecond
  }
}
