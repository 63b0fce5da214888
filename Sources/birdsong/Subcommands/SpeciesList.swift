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

    @Flag(help: "Tab-separated columns for scripts: id, name, scientific name, band low and high (Hz).")
    var tsv = false

    func run() throws {
      let catalogue = try requireCatalogue()
      if tsv {
        print(["id", "name", "scientific", "low_hz", "high_hz"].joined(separator: "\t"))
        for bird in catalogue {
          let band = bird.naturalBand
          print(
            [
              bird.id, bird.commonName, bird.scientificName, FrequencyBand.format(band.low),
              FrequencyBand.format(band.high),
            ]
            .joined(separator: "\t"))
        }
        return
      }
      let rows = catalogue.map { bird in
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
      for (bird, row) in zip(catalogue, rows) {
        print(line(row))
        if verbose {
          let indent = String(repeating: " ", count: widths[0] + 2)
          print(indent + bird.scientificName)
          let figures = bird.structure
          let types = bird.song.types.count
          let runs = bird.song.songsPerType
          print(
            indent + "song: \(span(figures.songSeconds)) s, \(span(figures.notesPerSecond)) notes/s, "
              + "\(span(bird.song.songsPerMinute)) songs/min"
              + (types > 1
                ? "; \(types) song types, each sung \(runs.lowerBound)-\(runs.upperBound) times in a row" : ""))
          for source in bird.sources { print(indent + "source: " + source) }
        }
      }
      print(
        "\nBands from low to high. Place any song in another band with 'birdsong render --species ID --band LOW-HIGH'.")
    }
  }
}

/// "1.5-4" or "3" for a range of published figures.
private func span(_ range: ClosedRange<Double>) -> String {
  let format = { (value: Double) in value == value.rounded() ? String(Int(value)) : String(value) }
  return range.lowerBound == range.upperBound
    ? format(range.lowerBound) : "\(format(range.lowerBound))-\(format(range.upperBound))"
}
