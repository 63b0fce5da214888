import ArgumentParser
import BirdsongSynthesis
import Foundation

extension Birdsong {
  struct SpeciesList: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "species",
      abstract: "List the song catalogue: each species, its natural band and its song.")

    @Flag(name: .shortAndLong, help: "Also show scientific names and where the figures come from.")
    var verbose = false

    func run() {
      let rows = SpeciesCatalogue.all.map { bird in
        [
          bird.id, bird.commonName,
          "\(FrequencyBand.format(bird.naturalBand.low))-\(FrequencyBand.format(bird.naturalBand.high))", bird.summary,
        ]
      }
      let header = ["ID", "NAME", "BAND (Hz)", "SONG"]
      let widths = (0..<3).map { column in ([header] + rows).map { $0[column].count }.max()! }
      func line(_ cells: [String]) -> String {
        (0..<3).map { cells[$0].padding(toLength: widths[$0] + 2, withPad: " ", startingAt: 0) }.joined() + cells[3]
      }
      print(line(header))
      for (bird, row) in zip(SpeciesCatalogue.all, rows) {
        print(line(row))
        if verbose {
          let indent = String(repeating: " ", count: widths[0] + 2)
          print(indent + bird.scientificName)
          for source in bird.sources { print(indent + "source: " + source) }
        }
      }
      print(
        "\nBands from low to high. Place any song in another band with 'birdsong render --species ID --band LOW-HIGH'.")
    }
  }
}
