import ALSAOutput
import ArgumentParser
import Foundation
import Installation
import Kiosk

extension Birdsong {
  struct Config: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Work with the config files.", subcommands: [Check.self])

    struct Check: ParsableCommand {
      static let configuration = CommandConfiguration(
        abstract: "Validate the installation config without playing anything.")

      @Option(help: ArgumentHelp("The installation config.", valueName: "file"))
      var config = InstallationConfig.defaultPath

      func run() throws {
        let installation = try loadInstallation(config)
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
            let profile = try CalibrationLoader.load(path: path)
            print("calibration/\(name): OK: \(profile.headphone), \(profile.points.count) frequencies")
          } catch {
            throw fail("\(error)")
          }
        }
        // The kiosk's languages and signposting, beside the config.
        let configFolder = URL(fileURLWithPath: config).deletingLastPathComponent().path
        do {
          let catalogues = try LocaleCatalog.loadAll(folder: configFolder + "/locales")
          for catalogue in catalogues.dropFirst() {
            let missing = catalogue.missingKeys(comparedTo: catalogues[0])
            print(
              "locales/\(catalogue.code).yaml: OK: \(catalogue.name)"
                + (missing.isEmpty
                  ? "" : "; \(missing.count) key(s) missing, shown in English: " + missing.joined(separator: ", ")))
          }
          let regions = ((try? FileManager.default.contentsOfDirectory(atPath: configFolder + "/signposting")) ?? [])
            .filter { $0.hasSuffix(".yaml") }.sorted()
          for region in regions {
            let signposting = try Signposting.load(path: configFolder + "/signposting/" + region)
            let placeholders = signposting.placeholders
            print(
              "signposting/\(region): OK: \(signposting.region)"
                + (placeholders.isEmpty
                  ? ""
                  : "; replace these placeholders with real services before visitors see them: "
                    + placeholders.joined(separator: ", ")))
          }
        } catch {
          throw fail("\(error)")
        }
        print(
          "\(config): OK: \(installation.boxes.count) bird boxes on \(installation.channels) channels at "
            + "\(installation.sampleRate) Hz, device '\(installation.device)'")
      }
    }
  }
}
