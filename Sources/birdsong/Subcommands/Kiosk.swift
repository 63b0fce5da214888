import ArgumentParser
import ConfigFiles
import Foundation
import HearingCheck
import Kiosk
import SessionStore

extension Birdsong {
  struct KioskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "kiosk",
      abstract: "The visitor kiosk: a guided hearing self-check over headphones, with results and signposting.",
      discussion: """
        Full screen, driven by four keys (by default Space = I hear it, ← and
        →, Enter = OK; the config can map others). Visitors cannot leave it:
        Ctrl-C, Ctrl-Z, Ctrl-\\ and Ctrl-D do nothing. Staff press Ctrl-B then S
        and type the PIN for the staff menu (exit, level check, today's
        checks). Make a PIN hash for the config with --hash-pin.
        """)

    @Option(help: ArgumentHelp("The kiosk config.", valueName: "file"))
    var config = KioskConfig.defaultPath

    @Option(help: ArgumentHelp("The headphones' ALSA device, instead of the config's.", valueName: "name"))
    var device: String?

    @Flag(help: "Ask for a new staff PIN and print the line for the config's 'staff:' section.")
    var hashPin = false

    func run() throws {
      if hashPin { return try printPINHash() }
      _ = try requireCatalogue()  // the results name birds: a broken species file stops here
      var settings: KioskConfig
      let resources: KioskResources
      do {
        settings = try KioskConfig.load(path: config)
        if let device { settings.headphoneDevice = device }
        resources = try KioskResources.load(settings)
      } catch {
        throw fail("\(error)")
      }
      for line in settings.notes { note("birdsong: warning: \(config): \(line)") }
      if settings.pinHash == nil {
        note("birdsong: warning: \(config) has no staff PIN: the kiosk can only be stopped from outside (SIGTERM)")
      }
      let store = try openSessionStore(settings.databaseFile, named: "the kiosk config's 'database:'")
      let control =
        settings.installations.isEmpty
        ? nil : InstallationControl(endpoints: settings.installations, token: settings.installationToken)
      let terminal: RawTerminal
      do {
        guard isatty(STDOUT_FILENO) == 1 else {
          throw KioskError("the kiosk draws on a terminal; standard output is not one")
        }
        terminal = try RawTerminal()
      } catch {
        throw fail("\(error)")
      }
      Interruption.install()
      let output = HeadphoneOutput(
        device: settings.headphoneDevice, sampleRate: settings.sampleRate,
        capDBFS: resources.calibration?.maximumDBFS ?? RelativeLevels.maximumDBFS)
      // Under systemd standard error is the journal; on a terminal it would scribble on the screen.
      let logsToStandardError = isatty(STDERR_FILENO) == 0
      var microphone: RoomMicrophone?
      if let wanted = settings.roomMicrophone, let room = resources.room {
        microphone = RoomMicrophone(device: wanted.device, offsetDB: room.offsetDB)
      }
      let session = KioskSession(
        resources: resources, store: store, boxes: { control?.boxes() ?? [] }, room: microphone)
      let services = KioskServices(
        output: output, control: control, store: store,
        log: { message in if logsToStandardError { note("kiosk: " + message) } })
      // SIGHUP means the terminal has gone: stop, as for SIGTERM.
      KioskApp.run(
        session: session, services: services, terminal: terminal,
        shouldStop: { Interruption.wasRequested || Interruption.takeHangup() })
      terminal.restore()
      output.close()
      microphone?.close()
      control?.flush()
    }

    private func printPINHash() throws {
      let pin = try readSecret("New staff PIN (4 to 12 digits): ")
      guard StaffPIN.isWellFormed(pin) else { throw fail("a PIN is 4 to 12 digits, nothing else") }
      if isatty(STDIN_FILENO) == 1 {
        guard try readSecret("Again: ") == pin else { throw fail("the two PINs differ; nothing changed") }
      }
      guard let hash = StaffPIN.hash(pin) else { throw fail("this system's crypt(3) cannot make a salted hash") }
      print("staff:\n  pin_hash: \"\(hash)\"")
    }
  }
}

/// Reads a line without echoing it when standard input is a terminal (a PIN), or plainly
/// from a pipe.
func readSecret(_ prompt: String) throws -> String {
  let isTerminal = isatty(STDIN_FILENO) == 1
  var saved = termios()
  if isTerminal {
    FileHandle.standardError.write(Data(prompt.utf8))
    tcgetattr(STDIN_FILENO, &saved)
    var quiet = saved
    quiet.c_lflag &= ~tcflag_t(ECHO)
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet)
  }
  defer {
    if isTerminal {
      tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
      FileHandle.standardError.write(Data("\n".utf8))
    }
  }
  guard let line = readLine() else { throw fail("no PIN was given") }
  return line.trimmingCharacters(in: .whitespaces)
}
