import ArgumentParser
import BirdsongCore
import BirdsongSynthesis
import Foundation
import HearingCheck

extension Birdsong {
  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "The hearing self-check's procedure.", subcommands: [Simulate.self])

    struct Simulate: ParsableCommand {
      static let configuration = CommandConfiguration(
        abstract: "Run the real check procedure against simulated listeners and report how well it does.",
        discussion: """
          Listeners come from ISO 7029 (median hearing by age and sex, with spread between people),
          ages drawn from --ages, or all with one --audiogram. Each has a logistic psychometric
          function (spread 1.5 dB), presses in silence at --false-press-rate and misses 2 % of
          clear tones.

          Examples:
            birdsong check simulate
            birdsong check simulate --listeners 2000 --ages 60-80 --sex female
            birdsong check simulate --audiogram 500:20,1000:25,2000:35,4000:55,6000:60,8000:70
          """)

      @Option(help: "How many simulated listeners.")
      var listeners = 1000

      @Option(help: "Ages to draw from, LOW-HIGH.")
      var ages = "20-80"

      @Option(help: "male, female or both.")
      var sex = "both"

      @Option(help: "One audiogram for every listener (both ears): FREQ:dBHL,...")
      var audiogram: String?

      @Option(help: "Chance of pressing when nothing is heard.")
      var falsePressRate = 0.05

      @Option(help: "Seed for the simulation.")
      var seed: UInt64 = 1

      func run() throws {
        let parts = ages.split(separator: "-").compactMap { Double($0) }
        guard parts.count == 2, parts[0] >= 18, parts[0] <= parts[1], parts[1] <= 100 else {
          throw fail("--ages must be LOW-HIGH between 18 and 100, like 20-80; not '\(ages)'")
        }
        guard ["male", "female", "both"].contains(sex) else { throw fail("--sex must be male, female or both") }
        guard listeners > 0, (0...0.5).contains(falsePressRate) else {
          throw fail("--listeners must be positive and --false-press-rate between 0 and 0.5")
        }
        var fixed: [Double: Double]?
        if let audiogram {
          var points: [Double: Double] = [:]
          for item in audiogram.split(separator: ",") {
            let pair = item.split(separator: ":").compactMap { Double($0) }
            guard pair.count == 2 else { throw fail("--audiogram takes FREQ:dBHL pairs, like 1000:20,4000:45") }
            points[pair[0]] = pair[1]
          }
          fixed = points
        }
        let rate = falsePressRate
        let report = CheckSimulation.run(listeners: listeners, seed: seed) { random in
          var listener: SimulatedListener
          if let fixed {
            listener = SimulatedListener(thresholds: [.right: fixed, .left: fixed])
          } else {
            let female = sex == "female" || (sex == "both" && random.unit() < 0.5)
            listener = SimulatedListener.iso7029(
              age: random.uniform(parts[0]...parts[1]), female: female, random: &random)
          }
          listener.falsePressRate = rate
          return listener
        }
        print(Self.describe(report))
      }

      static func describe(_ report: CheckSimulation.Report) -> String {
        var lines = ["\(report.runs) simulated checks (both ears)", "", "frequency   bias    spread   within 5 dB"]
        for frequency in report.errors.keys.sorted() {
          let errors = report.errors[frequency]!
          let mean = errors.reduce(0, +) / Double(errors.count)
          let sd = (errors.map { pow($0 - mean, 2) }.reduce(0, +) / Double(errors.count)).squareRoot()
          let within = Double(errors.filter { abs($0) <= 5 }.count) / Double(errors.count) * 100
          lines.append(
            String(format: "%6.0f Hz  %+5.1f dB  %5.1f dB  %5.1f %%", frequency, mean, sd, within))
        }
        let durations = report.durations.sorted()
        let median = durations[durations.count / 2]
        let p95 = durations[min(durations.count - 1, Int(Double(durations.count) * 0.95))]
        let presentations = Double(report.presentations.reduce(0, +)) / Double(report.presentations.count)
        lines += [
          String(
            format: "all         within 5 dB: %.1f %% of measured thresholds (target: at least 95 %%)",
            report.withinFiveDB * 100),
          String(
            format: "not measured: %.1f %% of thresholds",
            Double(report.notMeasured) / Double(max(report.measured + report.notMeasured, 1)) * 100),
          "runs the kiosk would call \"not measured\" (retest off by more than 10 dB, presses in silence): "
            + Self.percent(report.unreliable, report.runs)
            + report.unreliableReasons.sorted { $0.value > $1.value }.map { "\n  \($0.value) x \($0.key)" }.joined(),
          String(
            format: "duration: median %.0f s, 95th percentile %.0f s (target: 5 min); %.0f presentations on average",
            median, p95, presentations),
          "",
          "screening (refer above 25 dB HL at 1, 2 or 4 kHz in either ear): sensitivity "
            + Self.percent(report.truePositives, report.truePositives + report.falseNegatives)
            + " (target 95), specificity "
            + Self.percent(report.trueNegatives, report.trueNegatives + report.falsePositives) + " (target 90)",
          "  refer when they should: \(report.truePositives), missed: \(report.falseNegatives), pass when they should: \(report.trueNegatives), referred needlessly: \(report.falsePositives)",
          "",
          "beyond what the kiosk can play: \(report.beyondRange) thresholds; given a number instead of \"no response\": "
            + "\(report.beyondRangeGivenANumber) (target: never); \"no response\" within reach: \(report.noResponseWithinRange)",
        ]
        return lines.joined(separator: "\n")
      }

      /// A share as a percentage, or n/a when there was nothing to share.
      static func percent(_ part: Int, _ whole: Int) -> String {
        whole == 0 ? "n/a" : String(format: "%.1f %%", Double(part) / Double(whole) * 100)
      }
    }
  }
}
