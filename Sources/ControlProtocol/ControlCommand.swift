/// What staff, `birdsong ctl` and the kiosk can ask of a running installation: one line of
/// text on the control socket, parsed here for every side, so that they cannot drift apart.
public enum ControlCommand: Equatable, Sendable {
  /// What plays, where, and each box's state.
  case status
  case help
  /// Pauses one box (by name or channel number) or, with nil, all of them.
  case pause(box: String?)
  case resume(box: String?)
  /// Every box silent for this many seconds (capped by the installation).
  case quiet(seconds: Double)
  /// One box sings now, heard even while quiet or paused.
  case sing(box: String)
  /// One box sings alone: every other box is quiet for a while, so that an installer walking
  /// round (or looking at the status page) can tell which speaker it is.
  case identify(box: String)
  /// Each box sings once in turn, lowest band first.
  case sweep
  /// The boxes, one a line (`BoxDescription`), for the kiosk.
  case boxes

  public static let summary =
    "commands: status | boxes | pause [BOX] | resume [BOX] | quiet SECONDS | sing BOX | identify BOX | sweep | help"

  public init(parsing line: String) throws(ControlError) {
    let words = line.split(whereSeparator: \.isWhitespace).map(String.init)
    guard let verb = words.first?.lowercased() else { throw ControlError("error: empty command; \(Self.summary)") }
    let argument = words.dropFirst().joined(separator: " ")
    switch verb {
    case "status": self = .status
    case "help": self = .help
    case "boxes": self = .boxes
    case "sweep": self = .sweep
    case "pause": self = .pause(box: argument.isEmpty ? nil : argument)
    case "resume": self = .resume(box: argument.isEmpty ? nil : argument)
    case "quiet":
      guard let seconds = Double(argument), seconds.isFinite, seconds >= 0 else {
        throw ControlError("error: quiet needs a number of seconds, e.g. 'quiet 300'")
      }
      self = .quiet(seconds: seconds)
    case "sing":
      guard !argument.isEmpty else { throw ControlError("error: sing which box?") }
      self = .sing(box: argument)
    case "identify":
      guard !argument.isEmpty else { throw ControlError("error: identify which box?") }
      self = .identify(box: argument)
    default:
      throw ControlError("error: unknown command '\(verb)'; \(Self.summary)")
    }
  }

  /// The line that asks for this command.
  public var line: String {
    switch self {
    case .status: "status"
    case .help: "help"
    case .boxes: "boxes"
    case .sweep: "sweep"
    case .pause(let box): box.map { "pause \($0)" } ?? "pause"
    case .resume(let box): box.map { "resume \($0)" } ?? "resume"
    case .quiet(let seconds): "quiet \(seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds))"
    case .sing(let box): "sing \(box)"
    case .identify(let box): "identify \(box)"
    }
  }
}
