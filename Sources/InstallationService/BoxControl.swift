import ControlProtocol
import Foundation
import Installation

/// What staff and the kiosk can ask of a running installation, and the state it leaves:
/// paused boxes, a quiet spell that ends by itself, a bird asked to sing, a sweep low to high.
/// It lives on the control thread and steers the render thread only through the commands
/// `commands(now:audioFrame:isSinging:)` returns.
public final class BoxControl {
  /// The longest quiet spell one command can ask for: a client that crashes cannot leave the
  /// boxes silent for longer.
  public static let longestQuiet = 3600.0
  /// How long the other boxes keep quiet while one is identified.
  public static let identifyQuiet = 15.0

  private let config: InstallationConfig
  /// Paused boxes by name, so that a reload keeps them paused.
  private var paused: Set<String> = []
  private var quietUntil = -Double.infinity
  private var singRequests: [Int] = []
  /// Boxes singing because they were asked to: heard through a quiet spell or a pause until
  /// the song ends (so the kiosk's group check can play one bird at a time).
  private var requestedSongs: Set<Int> = []
  /// Boxes still to sing in a sweep, lowest band first, and whether the current one started.
  private var sweep: [Int] = []
  private var sweepStarted = false
  private var sweepGapUntil = 0
  /// The gain last sent to each box; nil before the first.
  private var sentGains: [Float?]
  /// Outside opening hours: every box silent, whatever else was asked.
  public var closed = false

  /// - Parameter previous: the control of the config this one replaces (a reload): its quiet
  ///   spell, pauses (of boxes that keep their names) and opening state carry over.
  public init(config: InstallationConfig, carryingOver previous: BoxControl? = nil) {
    self.config = config
    sentGains = Array(repeating: nil, count: config.boxes.count)
    if let previous {
      let names = Set(config.boxes.map { $0.name.lowercased() })
      paused = previous.paused.intersection(names)
      quietUntil = previous.quietUntil
      closed = previous.closed
    }
  }

  /// Answers one command line. `status` describes the run as the service sees it.
  public func handle(_ line: String, now: Double, status: () -> String) -> String {
    do {
      return handle(try ControlCommand(parsing: line), now: now, status: status)
    } catch {
      return error.description
    }
  }

  public func handle(_ command: ControlCommand, now: Double, status: () -> String) -> String {
    switch command {
    case .status:
      let quiet = quietUntil > now ? "; quiet for \(Int((quietUntil - now).rounded(.up))) s more" : ""
      let sweeping = sweep.isEmpty ? "" : "; sweeping"
      return status() + quiet + sweeping
    case .help:
      return ControlCommand.summary
    case .boxes:
      return config.boxes.map {
        BoxDescription(
          name: $0.name, channel: $0.channel + 1, low: $0.band.low, high: $0.band.high, species: $0.species?.id
        ).line
      }.joined(separator: "\n")
    case .pause(let name), .resume(let name):
      let targets: [Int]
      if let name {
        guard let box = box(named: name) else { return unknownBox(name) }
        targets = [box]
      } else {
        targets = Array(config.boxes.indices)
      }
      let names = targets.map { config.boxes[$0].name.lowercased() }
      let pausing = if case .pause = command { true } else { false }
      if pausing { paused.formUnion(names) } else { paused.subtract(names) }
      return
        "ok: \(pausing ? "paused" : "resumed") \(name == nil ? "all boxes" : "'\(config.boxes[targets[0]].name)'")"
    case .quiet(let seconds):
      let length = min(seconds, Self.longestQuiet)
      quietUntil = now + length
      return "ok: quiet for \(Int(length)) s" + (seconds > Self.longestQuiet ? " (the longest allowed)" : "")
    case .sing(let name):
      guard let box = box(named: name) else { return unknownBox(name) }
      singRequests.append(box)
      return "ok: '\(config.boxes[box].name)' sings now (heard even while quiet or paused)"
    case .identify(let name):
      guard let box = box(named: name) else { return unknownBox(name) }
      quietUntil = max(quietUntil, now + Self.identifyQuiet)
      singRequests.append(box)
      return
        "ok: '\(config.boxes[box].name)' (channel \(config.boxes[box].channel + 1)) sings alone; the others are quiet for \(Int(Self.identifyQuiet)) s"
    case .sweep:
      sweep = config.boxes.indices.sorted { config.boxes[$0].band.center < config.boxes[$1].band.center }
      sweepStarted = false
      sweepGapUntil = 0
      return "ok: sweeping \(sweep.count) boxes from low to high"
    }
  }

  /// What the engine must do now to follow the commands: songs to start, and gains that
  /// changed (the mixer glides to them, so they never click). Box `i` is input `i`.
  public func commands(now: Double, audioFrame: Int, isSinging: (Int) -> Bool) -> [InstallationProgram.Command] {
    var out: [InstallationProgram.Command] = []
    // Songs asked for earlier have started by now; those that ended are done.
    requestedSongs = requestedSongs.filter(isSinging)
    for box in singRequests {
      out.append(.sing(box: box))
      requestedSongs.insert(box)
    }
    singRequests.removeAll()

    var current: Int?
    if let box = sweep.first, audioFrame >= sweepGapUntil {
      if !sweepStarted {
        out.append(.sing(box: box))
        sweepStarted = true
      } else if !isSinging(box) {
        sweep.removeFirst()
        sweepStarted = false
        sweepGapUntil = audioFrame + config.sampleRate  // a second between birds
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
        audible = requestedSongs.contains(index) || (!quiet && !paused.contains(box.name.lowercased()))
      }
      let gain = audible ? Float(pow(10, box.gainDB / 20)) : 0
      if sentGains[index] != gain {
        out.append(.gain(box: index, gain))
        sentGains[index] = gain
      }
    }
    return out
  }

  /// Seconds of the quiet spell still to run at `now` (0: none).
  public func quietSeconds(now: Double) -> Double { max(quietUntil - now, 0) }

  public var isSweeping: Bool { !sweep.isEmpty }

  /// A box's state for `status`.
  public func state(ofBox index: Int, now: Double) -> String {
    if closed { return "closed" }
    if !sweep.isEmpty { return sweep.first == index ? "sweep" : "quiet" }
    if quietUntil > now { return "quiet" }
    return paused.contains(config.boxes[index].name.lowercased()) ? "paused" : "on"
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
}
