import ALSAOutput
import ArgumentParser
import Foundation
import Installation
import InstallationService

extension Birdsong {
  struct Identify: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check the wiring: each bird box in turn pips its channel number, then sings.",
      discussion:
        "Box 3 pips three times in its band, then sings one song. Stop the service first: one program at a time can use a sound card."
    )

    @Option(help: ArgumentHelp("The installation config.", valueName: "file"))
    var config = InstallationConfig.defaultPath

    @Option(help: ArgumentHelp("The ALSA device, instead of the config's.", valueName: "pcm"))
    var device: String?

    @Option(help: ArgumentHelp("Only this box (by name or channel).", valueName: "name"))
    var box: String?

    func run() throws {
      Interruption.install()
      SoundServer.keepChannelsInOrder()  // before any device opens
      let installation = try loadInstallation(config)
      var boxes = installation.boxes
      if let box {
        boxes = boxes.filter { $0.name.lowercased() == box.lowercased() || String($0.channel + 1) == box }
        guard !boxes.isEmpty else {
          throw fail(
            "no box '\(box)'; the boxes are " + installation.boxes.map { "'\($0.name)'" }.joined(separator: ", "))
        }
      }
      let name = device ?? installation.device
      do {
        try BoxIdentifier.run(
          config: installation, boxes: boxes, device: name,
          announce: { box in
            print(
              "▶ box '\(box.name)': channel \(box.channel + 1) (\(box.channel + 1) pips), \(box.sound.label), \(box.band)"
            )
          },
          shouldStop: { Interruption.wasRequested })
      } catch {
        throw fail("\(error)")
      }
    }
  }
}
