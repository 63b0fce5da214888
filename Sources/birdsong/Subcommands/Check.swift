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
          Listeners come from ISO 7029 (median hearing by age and sex, with spread \
          between people), ages drawn from --ages, or all with one --audiogram. Each has a \
          logistic psychometric function (spread 1.5 dB), presses in silence at \
          --false-press-rate and misses 2 % of clear tones. Each first takes the kiosk's \
          headphone check (1 kHz, 40 to 80 dB HL); one who hears nothing there is turned \
          away untested, as at the kiosk.

          Examples:
            birdsong check simulate
            birdsong check simulate --listeners 2000 --ages 60-80 --sex female
            birdsong check simulate --shapes
            birdsong check simulate \\
              --audiogram 500:20,1000:25,2000:35,4000:55,6000:60,8000:70
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

      @Option(help: "The procedure's prior next to a measured frequency: its width in dB (to compare procedures).")
      var priorSD: Double?

      @Option(help: "The share of a broad prior mixed into it, 0-1 (to compare procedures).")
      var priorBroadWeight: Double?

      @Option(help: "Stop a frequency once the estimate is this sure, SD in dB (to compare procedures).")
      var targetSD: Double?

      @Option(help: "At most this many tones per frequency (to compare procedures).")
      var maxPresentations: Int?

      @Option(help: "The share of trials that are silent catch trials, 0-0.5 (to compare procedures).")
      var catchRate: Double?

      @Flag(
        help:
          "Every audiogram shape (flat, sloping, notches, reverse, cookie bite, one ear, asymmetric, profound), with listeners who vary (spread 1-4 dB, presses in silence 0-5 %, lapses 0-3 %): a table per shape and frequency."
      )
      var shapes = false

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
        var settings = CheckProcedure.Settings()
        // The procedure's settings, to compare procedures: each within a range that makes sense.
        func set<T: Comparable>(
          _ value: T?, _ range: ClosedRange<T>, _ name: String,
          _ keyPath: WritableKeyPath<CheckProcedure.Settings, T>, unit: String = ""
        ) throws {
          guard let value else { return }
          guard range.contains(value) else {
            let show = { (bound: T) in "\(bound)".hasSuffix(".0") ? String("\(bound)".dropLast(2)) : "\(bound)" }
            throw fail("\(name) must be between \(show(range.lowerBound)) and \(show(range.upperBound))\(unit)")
          }
          settings[keyPath: keyPath] = value
        }
        try set(priorSD, 3...40, "--prior-sd", \.neighbourPriorSD, unit: " dB")
        try set(priorBroadWeight, 0...1, "--prior-broad-weight", \.broadPriorWeight)
        try set(targetSD, 1...10, "--target-sd", \.targetSD, unit: " dB")
        try set(maxPresentations, 3...30, "--max-presentations", \.maxPresentations)
        try set(catchRate, 0...0.5, "--catch-rate", \.catchTrialRate)
        if shapes {
          print(Self.shapeTable(listeners: listeners, seed: seed, settings: settings))
          return
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
        let report = CheckSimulation.run(listeners: listeners, seed: seed, settings: settings) { random in
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

      /// Per shape: the share of estimates within 5 dB at each frequency, how often a threshold
      /// beyond reach got a number, and the duration.
      static func shapeTable(listeners: Int, seed: UInt64, settings: CheckProcedure.Settings) -> String {
        let frequencies: [Double] = [500, 1000, 2000, 4000, 6000, 8000]
        var lines = [
          "\(listeners) simulated listeners per shape; share of estimates within 5 dB of the truth (target: 95 % everywhere)",
          "shape                  " + frequencies.map { String(format: "%6.0f", $0) }.joined()
            + "   beyond: numbers   median   p95",
        ]
        var worst = (share: 1.0, label: "")
        var bySpread: [(spread: Double, error: Double, presentations: Int)] = []
        var turnedAway: [String] = []
        for shape in AudiogramShape.allCases {
          let report = CheckSimulation.run(listeners: listeners, seed: seed, settings: settings) { random in
            var listener = SimulatedListener(thresholds: shape.thresholds)
            listener.spread = random.uniform(1...4)
            listener.falsePressRate = random.uniform(0...0.05)
            listener.lapseRate = random.uniform(0...0.03)
            return listener
          }
          let cells = frequencies.map { frequency -> String in
            guard let errors = report.errors[frequency], !errors.isEmpty else { return "     -" }
            let share = Double(errors.filter { abs($0) <= 5 }.count) / Double(errors.count)
            if share < worst.share { worst = (share, "\(shape.rawValue) at \(Int(frequency)) Hz") }
            return String(format: "%5.0f%%", share * 100)
          }
          bySpread += report.bySpread
          if report.turnedAway > 0 { turnedAway.append("\(shape.rawValue) \(report.turnedAway)") }
          let (median, p95) = report.medianAndP95Seconds
          lines.append(
            shape.rawValue.padding(toLength: 23, withPad: " ", startingAt: 0) + cells.joined()
              + String(
                format: "   %4d of %-5d  %4.0f s  %4.0f s", report.beyondRangeGivenANumber, report.beyondRange,
                median, p95))
        }
        lines.append(String(format: "worst: %.1f %% within 5 dB (%@)", worst.share * 100, worst.label))
        // Where the misses come from: listeners whose "heard" fades slowly into "not heard".
        let edges = [1.0, 2, 3, 4]
        let bands = zip(edges, edges.dropFirst()).map { low, high in
          let group = bySpread.filter { $0.spread >= low && ($0.spread < high || high == edges.last) }
          let within = Double(group.filter { abs($0.error) <= 5 }.count) / Double(max(group.count, 1)) * 100
          let tones = Double(group.map(\.presentations).reduce(0, +)) / Double(max(group.count, 1))
          return String(format: "%.0f-%.0f dB %.1f %% (%.1f tones)", low, high, within, tones)
        }
        lines.append("by the listener's spread, all shapes: " + bands.joined(separator: ", "))
        lines.append(
          "turned away at the headphone check (nothing heard up to 80 dB HL), not tested: "
            + (turnedAway.isEmpty ? "none" : turnedAway.joined(separator: ", ")))
        return lines.joined(separator: "\n")
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
        let (median, p95) = report.medianAndP95Seconds
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
          "turned away at the headphone check (nothing heard up to 80 dB HL), not tested: \(report.turnedAway)",
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
