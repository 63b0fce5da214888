import ALSAOutput
import BirdsongSynthesis
import Foundation
import Logging
import Synchronization

/// Plays an installation on a sound device, on the audio clock, unattended: it recovers from
/// underruns and suspends, waits for a device that is missing or gone and carries on, on
/// schedule, when it returns, and stops with a short fade.
public final class LiveRunner: Sendable {
  public struct Options: Sendable {
    public var device: String
    /// Seconds of audio to play; nil plays until stopped.
    public var duration: Double?
    public var seed: UInt64?
    /// Seconds between attempts to open a missing device.
    public var retryInterval: Double
    /// Polled on every block: true ends the run with a fade (SIGINT, SIGTERM).
    public var shouldStop: @Sendable () -> Bool
    /// Polled on every block: true once per SIGHUP.
    public var hangup: @Sendable () -> Bool

    public init(
      device: String, duration: Double? = nil, seed: UInt64? = nil, retryInterval: Double = 3,
      shouldStop: @escaping @Sendable () -> Bool = { false }, hangup: @escaping @Sendable () -> Bool = { false }
    ) {
      self.device = device
      self.duration = duration
      self.seed = seed
      self.retryInterval = retryInterval
      self.shouldStop = shouldStop
      self.hangup = hangup
    }
  }

  public struct Summary: Sendable {
    public var framesPlayed = 0
    /// Frames the schedule moved on while no device was there.
    public var framesSkipped = 0
    public var underruns = 0
    public var suspends = 0
    public var reconnects = 0
    public var songsPerBox: [(box: String, songs: Int)] = []
  }

  public static let stopFade = 0.02

  public let config: InstallationConfig
  public let options: Options
  private let opener: PCMOpener
  private let clock: any RunClock
  private let logger: Logger
  private let stopRequested = Atomic<Bool>(false)

  public init(
    config: InstallationConfig, options: Options, opener: @escaping PCMOpener = SystemPCM.open,
    clock: any RunClock = SystemClock(), logger: Logger
  ) {
    self.config = config
    self.options = options
    self.opener = opener
    self.clock = clock
    self.logger = logger
  }

  /// Asks the run to fade out and end; safe from any thread (and a signal handler's flag).
  public func requestStop() {
    stopRequested.store(true, ordering: .relaxed)
  }

  private var isStopping: Bool { stopRequested.load(ordering: .relaxed) || options.shouldStop() }

  public func run() throws -> Summary {
    var config = self.config
    var engine = try InstallationEngine(config: config, seed: options.seed)
    var mixer = engine.mixer
    /// Audio frames played by engines before the current one (a SIGHUP reload starts anew).
    var timeOffset = 0
    let rate = Double(config.sampleRate)
    let total = options.duration.map { Int(($0 * rate).rounded()) }
    if let total { mixer.scheduleFadeOut(endingBefore: total, over: Self.stopFade) }
    let request = config.pcmRequest
    var summary = Summary()
    var playback: ALSAPlayback?
    var lostAt: Double?
    var lastUnderrunLog = -Double.infinity
    var unloggedUnderruns = 0
    var nextHourlySummary = Int(rate * 3600)
    var pacer = WallClockPacer()
    var lastHousekeeping = -Double.infinity
    var songsLogged = Array(repeating: 0, count: config.boxes.count)
    let debugSongs = logger.logLevel <= .debug

    let length = options.duration.map { "for \(AudioDuration.describe($0)) of audio" } ?? "until stopped"
    logger.info(
      "starting: \(config.boxes.count) bird boxes from \(config.file), seed \(options.seed ?? config.seed), device '\(options.device)', \(length)"
    )
    for box in config.boxes {
      logger.info(
        "box '\(box.name)': channel \(box.channel + 1), \(box.sound.label), \(box.band), \(box.gainDB) dB")
    }

    func remaining() -> Int { total.map { $0 - timeOffset - mixer.time } ?? Int.max }
    func audioSeconds() -> Double { Double(timeOffset + mixer.time) / rate }

    var control = BoxControl(config: config)
    var server: ControlServer?
    if !config.controlSocket.isEmpty {
      do {
        server = try ControlServer(path: config.controlSocket)
        logger.info("listening for control commands on \(config.controlSocket) ('birdsong ctl help')")
      } catch {
        logger.warning("no control socket: \(error)")
      }
    }
    func status() -> String {
      let place = playback.map { "playing on '\($0.configuration.device)'" } ?? "waiting for '\(options.device)'"
      let boxes = engine.songsPerBox.enumerated().map { index, box in
        "\(box.box) \(control.state(ofBox: index, now: clock.now())) (\(box.songs) songs)"
      }
      return "\(place), \(AudioDuration.describe(audioSeconds())) of audio; " + boxes.joined(separator: ", ")
    }

    while !isStopping, remaining() > 0 {
      // Commands and opening hours are looked at every 50 ms of wall-clock time, not on
      // every block: a fast run on a null device goes through thousands of blocks a second.
      let now = clock.now()
      if now - lastHousekeeping >= 0.05 {
        lastHousekeeping = now
        server?.poll(now: now) { line in
          let reply = control.handle(line, now: now, status: status)
          logger.info("control: \(line) -> \(reply)")
          return reply
        }
        let open = config.isOpen(atMinute: Self.localMinute())
        if open == control.closed {
          control.closed = !open
          logger.notice(
            "\(open ? "opening hours begin: the birds sing" : "outside opening hours: the birds are quiet")")
        }
        control.apply(to: mixer, now: now)
      }
      if options.hangup() {
        // Reload: a valid config takes over after a 20 ms fade of the old one; a broken one
        // is refused and the installation carries on as it was.
        do {
          let fresh = try InstallationConfig.load(path: config.file)
          if fresh.channels != config.channels || fresh.sampleRate != config.sampleRate || fresh.device != config.device
          {
            logger.warning(
              "SIGHUP: the new config changes the device, channels or sample rate, which needs a restart (systemctl restart birdsong); carrying on with the old one"
            )
          } else {
            let next = try InstallationEngine(config: fresh, seed: options.seed)
            if let output = playback {
              mixer.scheduleFadeOut(at: mixer.time, over: Self.stopFade)
              while !mixer.safety.isSilent, remaining() > 0 {
                let frames = min(Mixer.blockSize, remaining())
                _ = output.play(mixer.nextBlock().baseAddress!, frames: frames)
                summary.framesPlayed += frames
              }
            }
            timeOffset += mixer.time
            (config, engine, mixer) = (fresh, next, next.mixer)
            control = BoxControl(config: fresh)
            songsLogged = Array(repeating: 0, count: fresh.boxes.count)
            if let total { mixer.scheduleFadeOut(endingBefore: total - timeOffset, over: Self.stopFade) }
            logger.notice("SIGHUP: reloaded \(fresh.file): \(fresh.boxes.count) bird boxes")
          }
        } catch {
          logger.error("SIGHUP: the config has a mistake, so the installation carries on with the old one: \(error)")
        }
      }
      if playback == nil {
        do {
          let device = try opener(options.device, request)
          playback = ALSAPlayback(device: device)
          logger.info("playing on \(device.configuration)")
          if let since = lostAt {
            // Keep the schedule on time: move it on by as long as the device was away.
            summary.framesSkipped += Self.advance(mixer, by: Int((clock.now() - since) * rate), limit: remaining())
            summary.reconnects += 1
            logger.notice(
              "the device is back after \(AudioDuration.describe(clock.now() - since)); the schedule carries on")
          }
          lostAt = nil
          pacer.restart()
        } catch {
          if lostAt == nil {
            lostAt = clock.now()
            logger.error("\(error); trying again every \(Int(options.retryInterval)) s")
          }
          wait(options.retryInterval)
          continue
        }
      }
      guard let output = playback else { continue }

      let frames = min(Mixer.blockSize, remaining())
      let block = mixer.nextBlock()
      switch output.play(block.baseAddress!, frames: frames) {
      case .played, .recoveredSuspend:
        break
      case .recoveredUnderrun:
        unloggedUnderruns += 1
        if clock.now() - lastUnderrunLog > 60 {
          logger.warning("underrun: the device ran dry and was restarted (\(unloggedUnderruns) since the last report)")
          lastUnderrunLog = clock.now()
          unloggedUnderruns = 0
        }
      case .lost(let code):
        logger.error(
          "lost the sound device '\(options.device)' (\(ALSAError("snd_pcm_writei", code: code, device: options.device))); waiting for it to return"
        )
        summary.underruns += output.underruns
        summary.suspends += output.suspends
        summary.framesSkipped += frames  // the block that did not get out
        output.device.close()
        playback = nil
        lostAt = clock.now()
        continue
      }
      summary.framesPlayed += frames
      if debugSongs {
        let counts = engine.songsPerBox
        for (index, box) in counts.enumerated() where box.songs > songsLogged[index] {
          logger.debug(
            "box '\(box.box)' sings (song \(box.songs)) at \(AudioDuration.describe(audioSeconds()))")
        }
        songsLogged = counts.map(\.songs)
      }

      // A device that does not pace itself (null, file) follows the wall clock instead,
      // unless a duration asks for the audio as fast as it can go.
      if total == nil, !output.configuration.paces {
        pacer.hold(framesPlayed: summary.framesPlayed, sampleRate: rate, clock: clock)
      }
      if timeOffset + mixer.time >= nextHourlySummary {
        nextHourlySummary += Int(rate * 3600)
        logHourly(engine, output, summary)
      }
    }

    if let output = playback {
      if isStopping {
        // Fade out from the next block (well within 50 ms), play the fade, then stop.
        mixer.scheduleFadeOut(at: mixer.time, over: Self.stopFade)
        while !mixer.safety.isSilent {
          let block = mixer.nextBlock()
          _ = output.play(block.baseAddress!, frames: Mixer.blockSize)
          summary.framesPlayed += Mixer.blockSize
        }
      }
      summary.underruns += output.underruns
      summary.suspends += output.suspends
      output.stop()
    }
    summary.songsPerBox = engine.songsPerBox
    let songs = summary.songsPerBox.map { "\($0.box) \($0.songs)" }.joined(separator: ", ")
    logger.info(
      "stopped after \(AudioDuration.describe(audioSeconds())) of audio: \(summary.underruns) underrun(s), \(summary.reconnects) reconnect(s); songs: \(songs)"
    )
    return summary
  }

  /// Renders and throws away about `frames` frames (whole blocks, at most `limit` frames'
  /// worth): the schedule moves on without sound. Returns the frames it moved on.
  static func advance(_ mixer: Mixer, by frames: Int, limit: Int) -> Int {
    var moved = 0
    while moved + Mixer.blockSize / 2 < frames, moved < limit {
      _ = mixer.nextBlock()
      moved += Mixer.blockSize
    }
    return min(moved, limit)
  }

  /// Sleeps in short slices, so that a stop request is not kept waiting.
  private func wait(_ seconds: Double) {
    let end = clock.now() + seconds
    while !isStopping, clock.now() < end { clock.sleep(min(0.1, end - clock.now())) }
  }

  private func logHourly(_ engine: InstallationEngine, _ output: ALSAPlayback, _ summary: Summary) {
    let songs = engine.songsPerBox.map { "\($0.box) \($0.songs)" }.joined(separator: ", ")
    logger.info(
      "hourly: songs \(songs); underruns \(summary.underruns + output.underruns), reconnects \(summary.reconnects)")
  }

  /// Minutes after local midnight, now.
  static func localMinute() -> Int {
    var now = time(nil)
    var parts = tm()
    localtime_r(&now, &parts)
    return Int(parts.tm_hour) * 60 + Int(parts.tm_min)
  }

}
