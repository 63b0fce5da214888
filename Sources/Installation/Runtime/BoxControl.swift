import BirdsongSynthesis
import Foundation

/// What staff and the kiosk can ask of a running installation, and the state it leaves:
/// paused boxes, a quiet spell that ends by itself, a bird asked to sing, a sweep low to high.
public final class BoxControl {
  public static let help =
    "commands: status | pause [BOX] | resume [BOX] | quiet SECONDS | sing BOX | sweep | help"
  /// The longest quiet spell one command can ask for: a client that crashes cannot leave the
  /// boxes silent for longer.
  public static let longestQuiet = 3600.0

  private let config: InstallationConfig
  private var paused: Set<Int> = []
  private var quietUntil = -Double.infinity
  private var singRequests: [Int] = []
  /// Boxes singing because they were asked to: heard through a quiet spell or a pause until
  /// the song ends (so the kiosk's group check can play one bird at a time).
  private var requestedSongs: Set<Int> = []
  /// Boxes still to sing in a sweep, lowest band first, and whether the current one started.
  private var sweep: [Int] = []
  private var sweepStarted = false
  private var sweepGapUntil = 0
  /// Outside opening hours: every box silent, whatever else was asked.
  public var closed = false

  public init(config: InstallationConfig) {
    self.config = config
  }

  /// Answers one command line. `status` describes the run as the runner sees it.
  public func handle(_ line: String, now: Double, status: () -> String) -> String {
    let words = line.split(separator: " ").map(String.init)
    guard let verb = words.first?.lowercased() else { return "error: empty command; \(Self.help)" }
    let argument = words.dropFirst().joined(separator: " ")
    switch verb {
    case "status":
      let quiet = quietUntil > now ? "; quiet for \(Int((quietUntil - now).rounded(.up))) s more" : ""
      let sweeping = sweep.isEmpty ? "" : "; sweeping"
      return status() + quiet + sweeping
    case "help":
      return Self.help
    case "pause", "resume":
      let targets: [Int]
      if argument.isEmpty {
        targets = Array(config.boxes.indices)
      } else {
        guard let box = box(named: argument) else { return unknownBox(argument) }
        targets = [box]
      }
      if verb == "pause" { paused.formUnion(targets) } else { paused.subtract(targets) }
      return
        "ok: \(verb == "pause" ? "paused" : "resumed") \(argument.isEmpty ? "all boxes" : "'\(config.boxes[targets[0]].name)'")"
    case "quiet":
      guard let seconds = Double(argument), seconds.isFinite, seconds >= 0 else {
        return "error: quiet needs a number of seconds, e.g. 'quiet 300'"
      }
      let length = min(seconds, Self.longestQuiet)
      quietUntil = now + length
      return "ok: quiet for \(Int(length)) s" + (seconds > Self.longestQuiet ? " (the longest allowed)" : "")
    case "sing":
      guard let box = box(named: argument) else {
        return argument.isEmpty ? "error: sing which box?" : unknownBox(argument)
      }
      singRequests.append(box)
      return "ok: '\(config.boxes[box].name)' sings now (heard even while quiet or paused)"
    case "sweep":
      sweep = config.boxes.indices.sorted { config.boxes[$0].band.center < config.boxes[$1].band.center }
      sweepStarted = false
      sweepGapUntil = 0
      return "ok: sweeping \(sweep.count) boxes from low to high"
    default:
      return "error: unknown command '\(verb)'; \(Self.help)"
    }
  }

  /// Brings the mixer in line with the commands: gains (gliding, so no clicks) and songs.
  /// Input `i` of the mixer is box `i` of the config.
  public func apply(to mixer: Mixer, now: Double) {
    // Songs asked for before this block have started by now; those that ended are done.
    requestedSongs = requestedSongs.filter { Self.isSinging(mixer, $0) }
    for box in singRequests {
      Self.singNow(mixer, box)
      requestedSongs.insert(box)
    }
    singRequests.removeAll(keepingCapacity: true)

    var current: Int?
    if let box = sweep.first, mixer.time >= sweepGapUntil {
      if !sweepStarted {
        Self.singNow(mixer, box)
        sweepStarted = true
      } else if !Self.isSinging(mixer, box) {
        sweep.removeFirst()
        sweepStarted = false
        sweepGapUntil = mixer.time + Int(mixer.sampleRate)  // a second between birds
      }
      current = sweep.first.map { _ in box }
    }
    let quiet = quietUntil > now
    for (index, box) in config.boxes.enumerated() {
      let audible: Bool
      if closed {
        audible = false
      } else if !sweep.isEmpty {
        audible = index == current
      } else {
        audible = requestedSongs.contains(index) || (!quiet && !paused.contains(index))
      }
      mixer.setGain(audible ? Float(pow(10, box.gainDB / 20)) : 0, forInput: index)
    }
  }

  /// A box's state for `status`.
  public func state(ofBox index: Int, now: Double) -> String {
    if closed { return "closed" }
    if !sweep.isEmpty { return sweep.first == index ? "sweep" : "quiet" }
    if quietUntil > now { return "quiet" }
    return paused.contains(index) ? "paused" : "on"
  }

  private func box(named name: String) -> Int? {
    let key = name.lowercased()
    return config.boxes.firstIndex { $0.name.lowercased() == key }
      ?? Int(name).flatMap { number in
        config.boxes.firstIndex { $0.channel + 1 == number }
      }
  }

  private func unknownBox(_ name: String) -> String {
    "error: no box '\(name)'; the boxes are " + config.boxes.map { "'\($0.name)'" }.joined(separator: ", ")
  }

  private static func singNow(_ mixer: Mixer, _ box: Int) {
    mixer.updateGenerator(ofInput: box) { generator in
      if var voice = generator as? BirdVoice {
        voice.singNow()
        generator = voice
      } else if var stimulus = generator as? RepeatingStimulus {
        stimulus.playNow()
        generator = stimulus
      }
    }
  }

  private static func isSinging(_ mixer: Mixer, _ box: Int) -> Bool {
    let generator = mixer.inputs[box].generator
    return (generator as? BirdVoice)?.isSinging ?? (generator as? RepeatingStimulus)?.isPlaying ?? false
  }
}
