import ALSAOutput
import ArgumentParser
import Foundation
import HearingCheck
import Installation
import InstallationService
import Logging

extension Birdsong {
  struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Play the installation on a sound card: every bird box on its own channel.",
      discussion: """
        Plays until stopped (Ctrl-C or SIGTERM fade out and exit), or for --duration of audio.
        Devices that do not pace themselves (null, file:) play a --duration as fast as they
        take it, and otherwise follow the wall clock. A device that is missing or unplugged is
        retried every few seconds; the schedule carries on, on time, when it returns.

        Examples:
          birdsong run
          birdsong run --device hw:CARD=UMC1820,DEV=0
          birdsong run --preview                 # all boxes on a laptop's two speakers
          birdsong run --device null --duration 8h
          birdsong run --device "file:'/tmp/boxes.raw',raw" --duration 1m
        """)

    @Option(help: ArgumentHelp("The installation config.", valueName: "file"))
    var config = InstallationConfig.defaultPath

    @Option(help: ArgumentHelp("The ALSA device, instead of the config's (see 'birdsong devices').", valueName: "pcm"))
    var device: String?

    @Option(help: "Play this much audio, then stop: 30s, 10m, 8h. Default: until stopped.")
    var duration: String?

    @Option(help: "Seed for every random choice, instead of the config's.")
    var seed: UInt64?

    @Option(
      help: ArgumentHelp(
        "The control socket, instead of the config's control_socket; 'none' for no socket.", valueName: "path"))
    var controlSocket: String?

    @Flag(help: "Wait for a missing device instead of stopping (for the service: the card may come later).")
    var waitForDevice = false

    @Option(
      help: ArgumentHelp(
        "Ask for real-time scheduling (SCHED_FIFO, 1-99) for the audio thread; the log says whether it was granted.",
        valueName: "priority"))
    var realtimePriority: Int?

    @Flag(
      help: "Mix every box to stereo, each panned to its own place: hear the installation on a laptop or headphones.")
    var preview = false

    @OptionGroup(title: "As others hear it")
    var hearingOptions: HearingOptions

    @Option(help: "How much to log: debug (every song), info, notice, warning, error.")
    var logLevel: String = "info"

    func run() throws {
      Interruption.install()
      SoundServer.keepChannelsInOrder()  // before any device opens
      guard let level = Logger.Level(rawValue: logLevel.lowercased()) else {
        throw fail("--log-level must be one of debug, info, notice, warning, error; not '\(logLevel)'")
      }
      let seconds = try parseDuration(duration)
      let hearing = try hearingOptions.profile()
      if hearing != nil, !preview {
        throw fail("--heard-at-age and --heard-with go with --preview: the boxes themselves sing for real ears")
      }
      if let priority = realtimePriority, !(1...99).contains(priority) {
        throw fail("--realtime-priority must be 1 to 99 (SCHED_FIFO); not \(priority). The service uses 20.")
      }
      var installation = try loadInstallation(config)
      if let controlSocket { installation.controlSocket = controlSocket == "none" ? "" : controlSocket }
      let deviceName = device ?? installation.device
      LoggingSystem.bootstrap(StreamLogHandler.standardError)  // one line each: journald keeps them
      var logger = Logger(label: "birdsong")
      logger.logLevel = level

      if !waitForDevice {
        // Say at once, and plainly, when waiting would not help: no sound card at all, or a
        // device that cannot do what the config asks. A card that is busy or unplugged is
        // waited for, like the service does.
        do {
          var request = installation.pcmRequest
          if preview { request.channels = 2 }
          try SystemPCM(name: deviceName, request: request).close()
        } catch let error as ALSAError where !DeviceList.cards().isEmpty && (error.isBusy || error.isDeviceMissing) {
          // the runner retries, with one log line
        } catch {
          let noCards = DeviceList.cards().isEmpty
          throw fail(
            "\((error as? ALSAError)?.summary ?? "\(error)")." + (noCards ? " This machine has no sound card." : "")
              + " Ways out: 'birdsong devices' lists what there is; --device null (or \"file:'/tmp/out.raw',raw\") plays"
              + " without a card; 'birdsong render --installation \(config) -o day.wav' writes a WAV file;"
              + " --wait-for-device waits for the card to appear.")
        }
      }

      var options = InstallationService.Options(
        device: deviceName, duration: seconds, seed: seed, shouldStop: { Interruption.wasRequested },
        hangup: { Interruption.takeHangup() }, realtimePriority: realtimePriority,
        preview: preview, heardAs: hearing.map { profile in { @Sendable in profile.attenuation(at: $0) } })
      if let hearing { options.heardAsDescription = hearing.description }
      let service = InstallationService(config: installation, options: options, logger: logger)
      do {
        _ = try service.run()
      } catch {
        throw fail("\(error)")
      }
    }
  }
}
