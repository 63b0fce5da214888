import ArgumentParser

@main
struct Birdsong: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "birdsong",
    abstract: "Hearing Birdsong: birdsong in chosen frequency bands, for hearing-loss awareness.",
    discussion: """
      Renders realistic birdsong and test tones confined to frequency bands, for bird boxes that
      show visitors which birds (and so which frequencies) they can still hear.
      """,
    // `birdsong --version`; scripts/package names the .deb after it.
    version: "0.4.0",
    subcommands: [
      Run.self, Render.self, KioskCommand.self, Calibrate.self, SpeciesList.self, Devices.self, Identify.self, Ctl.self,
      Check.self, Sessions.self, Config.self,
    ]
  )
}
