import ALSAOutput
import ArgumentParser
import BirdsongSynthesis
import ConfigFiles
import ControlProtocol
import Foundation
import Installation
import Kiosk

extension Birdsong {
  struct Config: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Work with the config files.", subcommands: [Check.self, NewToken.self])

    struct NewToken: ParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "new-token",
        abstract: "Make a token for the status page's buttons, and the hash that goes in the installation config.",
        discussion: """
          Prints a new random token, for staff to type on the status page (a phone keeps it),
          and the line for the installation config's http: section. Only the hash is stored.
          """)

      func run() throws {
        let token = PasswordHash.newToken()
        guard let hash = PasswordHash.make(token) else {
          throw fail("this system's crypt(3) cannot make a salted hash")
        }
        print("token (give it to staff; it is not stored anywhere): \(token)")
        print("for the installation config, under http:")
        print("  token_hash: \"\(hash)\"")
      }
    }

    struct Check: ParsableCommand {
      static let configuration = CommandConfiguration(
        abstract: "Validate the installation and kiosk configs, and the files they use, without playing anything.")

      @Option(help: ArgumentHelp("The installation config.", valueName: "file"))
      var config = InstallationConfig.defaultPath

      @Option(help: ArgumentHelp("The kiosk config ('none' to skip it).", valueName: "file"))
      var kiosk = KioskConfig.defaultPath

      func run() throws {
        let species = try requireCatalogue()
        print("species: OK: \(species.count) species from \(SpeciesCatalogue.defaultFolder)")
        let installation = try loadInstallation(config)
        if !installation.controlSocket.isEmpty {
          if let problem = PathReach.problem(creating: installation.controlSocket) {
            throw fail("\(config): control_socket: \(problem)")
          }
          do {
            _ = try ControlSocket.address(installation.controlSocket)
          } catch {
            throw fail("\(config): control_socket: \(error)")
          }
        }
        // A hardware device that is here can be asked how many outputs it has.
        let name =
          installation.device.hasPrefix("plug") ? String(installation.device.dropFirst(4)) : installation.device
        let hardware = DeviceList.cards().flatMap(\.devices).first { $0.stableName == name }
        if let maximum = hardware?.maxChannels, maximum < installation.channels {
          throw fail(
            "\(config): output.channels: the config uses \(installation.channels) channels but '\(installation.device)' "
              + "has \(maximum); use channels 1 to \(maximum) or choose another device")
        }
        // Calibration profiles beside the config, if any.
        let folder = URL(fileURLWithPath: config).deletingLastPathComponent().appendingPathComponent("calibration")
        let profiles = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
          .filter { $0.hasSuffix(".yaml") }.sorted()
        for name in profiles {
          let path = folder.appendingPathComponent(name).path
          do {
            // Two kinds live there: headphone profiles and the room microphone's calibration.
            if MicrophoneCalibration.isMicrophoneFile(path) {
              let offset = try MicrophoneCalibration.load(path: path)
              print("calibration/\(name): OK: room microphone, offset \(String(format: "%.1f", offset)) dB")
            } else {
              let profile = try CalibrationLoader.load(path: path)
              print("calibration/\(name): OK: \(profile.headphone), \(profile.points.count) frequencies")
            }
          } catch {
            throw fail("\(error)")
          }
        }
        try checkKiosk()
        print(
          "\(config): OK: \(installation.boxes.count) bird boxes on \(installation.channels) channels at "
            + "\(installation.sampleRate) Hz, device '\(installation.device)'")
      }

      /// The kiosk config and everything it names; warnings for what is not yet fit for visitors.
      private func checkKiosk() throws {
        guard kiosk != "none" else { return }
        guard FileManager.default.fileExists(atPath: kiosk) || kiosk != KioskConfig.defaultPath else { return }
        let resources: KioskResources
        do {
          resources = try KioskResources.load(try KioskConfig.load(path: kiosk))
        } catch {
          throw fail("\(error)")
        }
        for catalogue in resources.languages.dropFirst() {
          let missing = catalogue.missingKeys(comparedTo: resources.languages[0])
          print(
            "\(resources.config.localesFolder)/\(catalogue.code).yaml: OK: \(catalogue.name)"
              + (missing.isEmpty
                ? "" : "; \(missing.count) key(s) missing, shown in English: " + missing.joined(separator: ", ")))
        }
        let placeholders = resources.signposting.placeholders
        print(
          "\(resources.config.signpostingFile): OK: \(resources.signposting.region)"
            + (placeholders.isEmpty
              ? ""
              : "; replace these placeholders with real services before visitors see them: "
                + placeholders.joined(separator: ", ")))
        if let problem = PathReach.problem(creating: resources.config.databaseFile) {
          throw fail("\(kiosk): database: \(problem)")
        }
        var warnings = resources.config.notes
        for socket in resources.config.installations where !socket.hasPrefix("http://") {
          if !FileManager.default.fileExists(atPath: socket) {
            warnings.append("no installation is running on \(socket) now: the group check waits for one")
          }
        }
        if let hash = resources.config.pinHash {
          if StaffPIN.matches(KioskConfig.examplePIN, hash: hash) {
            warnings.append("the staff PIN is still the example 1234: set your own with 'birdsong kiosk --hash-pin'")
          }
        } else {
          warnings.append("no staff PIN: staff cannot open the menu or leave the kiosk")
        }
        if resources.calibration == nil { warnings.append("no calibration: levels and results are relative") }
        if let microphone = resources.config.roomMicrophone, let room = resources.room {
          print(
            "\(kiosk): room_microphone: '\(microphone.device)', offset \(String(format: "%.1f", room.offsetDB)) dB, "
              + "\(microphone.headphones.rawValue) headphones, testing down to \(Int(microphone.testDownTo)) dB HL: "
              + "limits " + room.limits.levels.map { String(Int($0.rounded())) }.joined(separator: ", ")
              + " dB SPL from 125 Hz to 8 kHz")
          if let problem = RoomMicrophone.problem(opening: microphone.device) {
            warnings.append(
              "the room microphone cannot record now (\(problem)): checks will say the room was not measured")
          }
        }
        let missing = resources.config.frequencies.filter {
          resources.calibration != nil && resources.calibration!.points[$0] == nil
        }
        if !missing.isEmpty {
          warnings.append(
            "the calibration has no \(missing.map { String(Int($0)) }.joined(separator: ", ")) Hz: those will be out of range"
          )
        }
        print(
          "\(kiosk): OK: \(resources.languages.count) languages, signposting for \(resources.signposting.region), "
            + "database \(resources.config.databaseFile)" + warnings.map { "\n  warning: " + $0 }.joined())
      }
    }
  }
}
