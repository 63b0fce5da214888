import BirdsongSynthesis
import Foundation
import HearingCheck

/// An audiogram in text: frequency across on a log scale, level downwards (quiet at the top,
/// as clinical audiograms have it), O for the right ear and X for the left. A dotted line
/// marks the screening cutoff; a symbol on the bottom row with "v" under it was out of range.
enum Audiogram {
  static func draw(_ result: CheckResult, levelLabel: String, width: Int) -> [String] {
    let frequencies = Set(result.outcomes.map(\.point.frequency)).sorted()
    guard let low = frequencies.first, let high = frequencies.last else { return [] }
    let bottom = result.calibrated ? 80 : 60
    let levels = Array(stride(from: -10, through: bottom, by: 10))
    let plotWidth = max(20, min(width - 8, 60))
    let span = max(log2(high / low), 1)
    func column(_ frequency: Double) -> Int {
      frequencies.count == 1 ? plotWidth / 2 : 1 + Int((log2(frequency / low) / span * Double(plotWidth - 3)).rounded())
    }
    func row(_ level: Double) -> Int {
      // Rows every 10 dB, with the cutoff line between 20 and 30.
      let clamped = min(max(level, -10), Double(bottom))
      let nearest = Int((clamped / 10).rounded()) * 10
      if clamped > 20, clamped < 30 { return clamped <= Screening.cutoff ? 3 : 5 }
      return (nearest + 10) / 10 + (nearest >= 30 ? 1 : 0)
    }
    var grid = [[Character]](repeating: Array(repeating: " ", count: plotWidth), count: levels.count + 1)
    for x in 0..<plotWidth where x % 2 == 0 { grid[4][x] = "·" }
    for frequency in frequencies {
      for y in grid.indices where grid[y][column(frequency)] == " " { grid[y][column(frequency)] = "¦" }
    }
    var outOfRange: Set<Int> = []
    for ear in [Ear.left, .right] {
      for frequency in frequencies {
        guard let outcome = result.outcome(ear, frequency) else { continue }
        let y: Int
        if let threshold = outcome.threshold {
          y = row(threshold)
        } else if outcome.outOfRange {
          y = grid.count - 1
          outOfRange.insert(column(frequency))
        } else {
          continue
        }
        var x = column(frequency)
        if ear == .right, grid[y][x] == "X" { x = min(x + 1, plotWidth - 1) }
        grid[y][x] = ear.symbol
      }
    }
    var lines = [levelLabel]
    for (index, cells) in grid.enumerated() {
      let label: String
      switch index {
      case 4: label = String(Int(Screening.cutoff))
      case 0..<4: label = String(levels[index])
      default: label = String(levels[index - 1])
      }
      lines.append(String(repeating: " ", count: max(0, 4 - label.count)) + label + " |" + String(cells))
    }
    var axis = [Character](repeating: "-", count: plotWidth)
    var names = [Character](repeating: " ", count: plotWidth + 8)
    for frequency in frequencies {
      let name = shortHertz(frequency)
      let start = 6 + column(frequency) - name.count / 2
      for (offset, character) in name.enumerated() where start + offset < names.count && start + offset >= 0 {
        names[start + offset] = character
      }
      axis[column(frequency)] = outOfRange.contains(column(frequency)) ? "v" : "+"
    }
    lines.append("     +" + String(axis))
    lines.append(String(names) + " Hz")
    return lines
  }
}

/// 500 -> "500", 1000 -> "1k", 1500 -> "1.5k".
func shortHertz(_ frequency: Double) -> String {
  frequency >= 1000 ? FrequencyBand.format(frequency / 1000) + "k" : FrequencyBand.format(frequency)
}
