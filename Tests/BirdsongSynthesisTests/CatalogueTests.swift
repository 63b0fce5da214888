import BirdsongSynthesis
import Foundation
import TestSupport
import Testing

@Suite struct CatalogueTests {
  static let required = [
    "grasshopper-warbler", "goldcrest", "treecreeper", "blue-tit", "great-tit", "robin", "wren", "chiffchaff",
    "blackbird", "song-thrush", "chaffinch", "wood-pigeon", "collared-dove", "cuckoo", "tawny-owl",
    "willow-warbler", "long-tailed-tit", "firecrest", "yellowhammer", "house-sparrow",
  ]

  @Test func holdsEveryRequiredSpeciesWithNamesAndSources() throws {
    let catalogue = try SpeciesCatalogue.loaded.get()
    for id in Self.required {
      let species = try #require(catalogue.first { $0.id == id }, "\(id) is missing")
      #expect(!species.commonName.isEmpty && species.scientificName.contains(" "))
      #expect(!species.sources.isEmpty && !species.summary.isEmpty)
    }
    #expect(Set(catalogue.map(\.id)).count == catalogue.count)
  }

  @Test("every possible rendering stays inside the declared natural band", arguments: SpeciesCatalogue.all.map(\.id))
  func songExtentFitsNaturalBand(id: String) throws {
    let species = try #require(SpeciesCatalogue.species(named: id))
    let extent = species.song.frequencyExtent
    #expect(extent.lowerBound >= species.naturalBand.low, "\(id) reaches down to \(extent.lowerBound) Hz")
    #expect(extent.upperBound <= species.naturalBand.high, "\(id) reaches up to \(extent.upperBound) Hz")
  }

  /// The song's rhythm against the published figures in its file: over many seeds, the median
  /// song length and note rate fall inside the stated ranges.
  @Test("each song keeps its published length and note rate", arguments: SpeciesCatalogue.all.map(\.id))
  func songStructureMatchesPublishedFigures(id: String) throws {
    let species = try #require(SpeciesCatalogue.species(named: id))
    let composer = try SongComposer(species: species, sampleRate: 48000)
    var lengths: [Double] = []
    var rates: [Double] = []
    for seed in UInt64(1)...41 {
      let notes = composer.sketch(seed: seed)
      let length = notes.map(\.upperBound).max()! - notes.map(\.lowerBound).min()!
      lengths.append(length)
      // Voices that start together (a harmonic sung as its own syllable) are one note to a listener.
      let starts = notes.map(\.lowerBound).sorted()
      let heard = zip(starts, starts.dropFirst()).filter { $1 - $0 > 0.005 }.count + 1
      rates.append(Double(heard) / length)
    }
    let median = { (values: [Double]) in values.sorted()[values.count / 2] }
    let structure = species.structure
    #expect(
      structure.songSeconds.contains(median(lengths)),
      "\(id): median song \(median(lengths)) s, published \(structure.songSeconds)")
    #expect(
      structure.notesPerSecond.contains(median(rates)),
      "\(id): median \(median(rates)) notes/s, published \(structure.notesPerSecond)")
  }

  @Test func findsSpeciesByCommonOrScientificNameInAnyCase() {
    #expect(SpeciesCatalogue.species(named: "Great Tit")?.id == "great-tit")
    #expect(SpeciesCatalogue.species(named: "regulus regulus")?.id == "goldcrest")
    #expect(SpeciesCatalogue.species(named: "GRASSHOPPER_WARBLER")?.id == "grasshopper-warbler")
  }

  @Test func suggestsTheNearestNamesForATypo() {
    #expect(throws: CatalogueError.unknownSpecies("goldcrst", suggestions: ["goldcrest"])) {
      try SpeciesCatalogue.lookup("goldcrst")
    }
    do {
      _ = try SpeciesCatalogue.lookup("zebra finch")
      Issue.record("an unknown species was accepted")
    } catch {
      #expect(error.description.contains("birdsong species"))
    }
  }

  @Test func aFolderLoadsLowestBandFirstWhateverTheFileNames() throws {
    // Alphabetically goldcrest, robin, wood pigeon; by band the other way round.
    let folder = temporaryFolder()
    for id in ["goldcrest", "robin", "wood-pigeon"] {
      try FileManager.default.copyItem(
        atPath: packageRoot() + "/Config/species/\(id).yaml", toPath: folder + "/\(id).yaml")
    }
    let loaded = try SpeciesCatalogue.load(folder: folder)
    #expect(loaded.map(\.id) == ["wood-pigeon", "robin", "goldcrest"])
  }
}
