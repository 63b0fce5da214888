import ControlProtocol
import SessionStore

/// What the visitor flow asks of the world. The session returns these instead of calling the
/// headphones, the installation or the database itself, so its logic is tested without
/// threads or devices; `KioskServices` carries them out.
public enum KioskEffect: Sendable {
  /// A tone on the headphones (replacing any that sounds).
  case play(HeadphoneTone)
  /// A clip on the headphones (a bird as someone hears it).
  case playClip(HeadphoneClip)
  /// Silence on the headphones (what sounds ends with its release).
  case silence
  /// A command for the running installation (quiet, sing).
  case send(ControlCommand)
  /// A finished check for the records.
  case record(SessionStore.Check)
  /// What the visitor chose to give after the results, added to the check just recorded.
  case amendLastCheck(SessionStore.AgeComparison)
  /// A line for staff (the journal under systemd).
  case log(String)
}

/// The services behind the effects: the headphones, the running installation, the records.
public struct KioskServices {
  public let output: any ToneOutput
  public let control: InstallationControl?
  public let store: SessionStore?
  public let log: (String) -> Void
  /// The row of the check recorded last, for what the visitor adds after the results.
  private let lastRecord = LastRecord()

  private final class LastRecord {
    var id: Int64?
  }

  public init(
    output: any ToneOutput, control: InstallationControl?, store: SessionStore?, log: @escaping (String) -> Void
  ) {
    self.output = output
    self.control = control
    self.store = store
    self.log = log
  }

  /// Carries out `effects` in order; a failure to record is reported back to the session.
  public func perform(_ effects: [KioskEffect], for session: KioskSession) {
    for effect in effects {
      switch effect {
      case .play(let tone): output.play(tone)
      case .playClip(let clip): output.play(clip: clip)
      case .silence: output.silence()
      case .send(let command): control?.send(command)
      case .log(let line): log(line)
      case .record(let check):
        do {
          lastRecord.id = try store?.record(check)
        } catch {
          lastRecord.id = nil
          perform(session.report("could not record a check: \(error)"), for: session)
        }
      case .amendLastCheck(let comparison):
        guard let id = lastRecord.id else { break }
        do {
          try store?.amend(id, with: comparison)
        } catch {
          perform(session.report("could not add the age comparison to check \(id): \(error)"), for: session)
        }
      }
    }
    session.headphoneProblem = output.problem
  }
}
