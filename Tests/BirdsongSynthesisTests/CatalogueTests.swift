import BirdsongSynthesis
import Testing

@Suite struct CatalogueTests {
  static let required = [
    "grasshopper-warbler", "goldcrest", "treecreeper", "blue-tit", "great-tit", "robin", "wren", "chiffchaff",
    "blackbird", "song-thrush", "chaffinch", "wood-pigeon", "collared-dove", "cuckoo", "tawny-owl",
  ]

  @Test func holdsEveryRequiredSpeciesWithNamesAndSources() throws {
    for id in Self.required {
      let species = try #require(SpeciesCatalogue.species(named: id), "\(id) is missing")
      #expect(!species.commonName.isEmpty && species.scientificName.contains(" "))
      #expect(!species.sources.isEmpty && !species.summary.isEmpty)
    }
    #expect(Set(SpeciesCatalogue.all.map(\.id)).count == SpeciesCatalogue.all.count)
  }

  @Test("every possible rendering stays inside the declared natural band", arguments: SpeciesCatalogue.all.map(\.id))
  func songExtentFitsNaturalBand(id: String) throws {
    let species = try #require(SpeciesCatalogue.species(named: id))
    let extent = species.song.frequencyExtent
    #expect(extent.lowerBound >= species.naturalBand.low, "\(id) reaches down to \(extent.lowerBound) Hz")
    #expect(extent.upperBound <= species.naturalBand.high, "\(id) reaches up to \(extent.upperBound) Hz")
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

  @Test func isOrderedFromLowToHigh() {
    let centers = SpeciesCatalogue.all.map(\.naturalBand.center)
    #expect(centers == centers.sorted())
    #expect(SpeciesCatalogue.all.first?.id == "wood-pigeon")
    #expect(SpeciesCatalogue.all.last?.id == "goldcrest")
  }
}
