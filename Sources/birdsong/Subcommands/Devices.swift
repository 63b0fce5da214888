import ALSAOutput
import ArgumentParser

extension Birdsong {
  struct Devices: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List sound cards and ALSA playback devices, with channels and rates.")

    func run() {
      let cards = DeviceList.cards()
      print("Sound cards (use the stable hw: name in the config: it survives replugging):")
      if cards.isEmpty {
        print("  none found. Without a card, play to --device null, or to \"file:'/tmp/out.raw',raw\" to capture.")
      }
      for card in cards {
        print("  card \(card.index): \(card.name) [\(card.id)]")
        for device in card.devices {
          let channels = device.maxChannels.map { "up to \($0) channels" } ?? "channels unknown"
          let rates = device.rates.isEmpty ? "" : ", \(device.rates.map(String.init).joined(separator: "/")) Hz"
          let problem = device.problem.map { " (could not ask: \($0))" } ?? ""
          print("    \(device.stableName)  \(device.name): \(channels)\(rates)\(problem)")
        }
      }
      print("\nPlayback devices (what 'aplay -L' lists):")
      for pcm in DeviceList.pcmNames() {
        print("  \(pcm.name)" + (pcm.description.isEmpty ? "" : "  \(pcm.description)"))
      }
    }
  }
}
