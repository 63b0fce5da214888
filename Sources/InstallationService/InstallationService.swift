import ALSAOutput
import AudioRuntime
import BirdsongCore
import BirdsongSynthesis
import ControlProtocol
import Foundation
import Installation
import Logging
import StatusServer

/// `birdsong run`: the installation played on a sound device, unattended. The render thread
/// (the audio runtime) plays the engine; this, the control thread, does everything else:
/// the control socket, opening hours, reloads on SIGHUP (building the new engine here, off the
/// audio thread), and the log, which hears of outages and underruns through counters.
public final class InstallationService: Sendable {
  public struct Options: Sendable {
    public var device: String
    /// Seconds of audio to play; nil plays until stopped.
    public var duration: Double?
    public var seed: UInt64?
    public var retry: AudioRuntime<InstallationProgram>.Backoff
    /// Polled every 50 ms: true ends the run with a fade (SIGINT, SIGTERM).
    public var shouldStop: @Sendable () -> Bool
    /// Polled every 50 ms: true once per SIGHUP.
    public var hangup: @Sendable () -> Bool
    /// SCHED_FIFO priority the render thread asks for; nil: normal scheduling.
    public var realtimePriority: Int?
    /// systemd's notification socket, when it started us (READY, STATUS, WATCHDOG).
    public var notifier: ServiceNotifier
    /// Every box mixed to stereo, each panned to its own place (`StereoPreview`).
    public var preview: Bool
    /// Played as a listener with this loss (dB at a frequency) would hear it (`HearingLossOutput`),
    /// with whose hearing it is, for the log.
    public var heardAs: (@Sendable (Double) -> Double)?
    public var heardAsDescription = "a hearing loss"

    public init(
      device: String, duration: Double? = nil, seed: UInt64? = nil,
      retry: AudioRuntime<InstallationProgram>.Backoff = .init(),
      shouldStop: @escaping @Sendable () -> Bool = { false }, hangup: @escaping @Sendable () -> Bool = { false },
      realtimePriority: Int? = nil, notifier: ServiceNotifier = ServiceNotifier(), preview: Bool = false,
      heardAs: (@Sendable (Double) -> Double)? = nil
    ) {
      self.heardAs = heardAs
      self.device = device
      self.duration = duration
      self.seed = seed
      self.retry = retry
      self.shouldStop = shouldStop
      self.hangup = hangup
      self.realtimePriority = realtimePriority
      self.notifier = notifier
      self.preview = preview
    }
  }

  public struct Summary: Sendable {
    public var counters: RuntimeCounters.Snapshot
    public var songsPerBox: [(box: String, songs: Int)]
  }

  /// How often the control thread looks at commands, the clock and the counters.
  public static let housekeeping = 0.05

  public let config: InstallationConfig
  public let options: Options
  private let opener: PCMOpener
  private let clock: any RuntimeClock
  private let logger: Logger

  public init(
    config: InstallationConfig, options: Options, opener: @escaping PCMOpener = SystemPCM.open,
    clock: any RuntimeClock = SystemClock(), logger: Logger
  ) {
    self.config = config
    self.options = options
    self.opener = opener
    self.clock = clock
    self.logger = logger
  }

  public func run() throws -> Summary {
    var config = self.config
    let rate = Double(config.sampleRate)
    let frames = try options.duration.map { seconds in
      guard seconds * rate < Double(Int.max / 2) else {
        throw ControlError("the duration is too long to play: at most \(Int(Double(Int.max / 2) / rate)) s")
      }
      return Int((seconds * rate).rounded())
    }
    var program = InstallationProgram(
      engine: try InstallationEngine(config: config, seed: options.seed), meters: config.http != nil)
    var output: any AudioOutput
    if options.preview {
      var request = config.pcmRequest
      request.channels = 2
      output = DeviceOutput(name: options.device, request: request, opener: opener)
    } else {
      output = DeviceOutput(name: options.device, request: config.pcmRequest, opener: opener)
    }
    // What reaches the ears: after the stereo mix of a preview.
    if let heardAs = options.heardAs {
      output = HearingLossOutput(
        wrapping: output, sampleRate: rate, attenuation: heardAs, hearing: options.heardAsDescription)
    }
    if options.preview { output = StereoPreview(wrapping: output, channels: config.channels) }
    let runtime = AudioRuntime(
      program: program, output: output,
      clock: clock,
      options: .init(
        frames: frames, paceToWallClock: frames == nil, retry: options.retry, fadeSeconds: 0.02,
        realtimePriority: options.realtimePriority))
    let server = try openControlServer(config.controlSocket)
    let board = StatusBoard()
    let statusServer = openStatusServer(config.http, board: board)
    defer { statusServer?.close() }

    let length = options.duration.map { "for \(AudioDuration.describe($0)) of audio" } ?? "until stopped"
    logger.info(
      "starting: \(config.boxes.count) bird boxes from \(config.file), seed \(options.seed ?? config.seed), device '\(options.device)', \(length)"
    )
    for box in config.boxes {
      logger.info(
        "box '\(box.name)': channel \(box.channel + 1), \(box.sound.label), \(box.band), \(box.gainDB) dB")
    }

    var control = BoxControl(config: config)
    var log = EventLog(logger: logger, device: options.device, retry: options.retry, rate: rate)
    var supervisor = Supervision(notifier: options.notifier)
    func audioSeconds() -> Double { Double(runtime.counters.audioFrames.load(ordering: .relaxed)) / rate }
    func status() -> String {
      let place =
        runtime.counters.playing.load(ordering: .relaxed)
        ? "playing on '\(options.device)'" : "waiting for '\(options.device)'"
      let now = clock.now()
      let boxes = program.songsPerBox.enumerated().map { index, box in
        "\(box.box) \(control.state(ofBox: index, now: now)) (\(box.songs) songs)"
      }
      return "\(place), \(AudioDuration.describe(audioSeconds())) of audio; " + boxes.joined(separator: ", ")
    }
    let started = clock.now()
    var page = StatusPublisher(board: board)
    func steer() {
      let now = clock.now()
      server?.poll(now: now) { line in
        let reply = control.handle(line, now: now, status: status)
        logger.info("control: \(line) -> \(reply.prefix(200))")
        return reply
      }
      for (line, answer) in board.takeCommands() {
        let reply = control.handle(line, now: now, status: status)
        logger.info("control (status page): \(line) -> \(reply.prefix(200))")
        answer(reply)
      }
      let open = config.isOpen(at: clock.localTime())
      if open == control.closed {
        control.closed = !open
        logger.notice(
          "\(open ? "opening hours begin: the birds sing" : "outside opening hours: the birds are quiet")")
      }
      let frame = max(runtime.counters.audioFrames.load(ordering: .relaxed), 0)
      for command in control.commands(now: now, audioFrame: frame, isSinging: program.isSinging) {
        if !runtime.send(.program(command)) { logger.warning("the audio thread is not taking commands; dropped one") }
      }
    }

    // Opening hours, quiet and paused boxes hold from the first block, without a glide.
    control.closed = !config.isOpen(at: clock.localTime())
    if control.closed { logger.notice("outside opening hours: the birds are quiet") }
    program.prime(control.commands(now: clock.now(), audioFrame: 0, isSinging: { _ in false }))
    steer()
    runtime.start()
    while !runtime.waitForEnd(upTo: Self.housekeeping) {
      if options.shouldStop() {
        supervisor.stopping()
        runtime.requestStop()
      }
      if options.hangup(), let fresh = reload(config) {
        let next = InstallationProgram(engine: fresh.engine, meters: fresh.config.http != nil)
        let nextControl = BoxControl(config: fresh.config, carryingOver: control)
        next.prime(nextControl.commands(now: clock.now(), audioFrame: 0, isSinging: { _ in false }))
        if runtime.send(.replace(next)) {
          (config, program, control) = (fresh.config, next, nextControl)
        } else {
          logger.warning("SIGHUP: the audio thread is not taking commands; carrying on with the old config")
        }
      }
      steer()
      runtime.collectRetired()  // an engine replaced at a reload is freed here, soon after
      log.update(runtime, now: clock.now())
      supervisor.update(runtime, status: status)
      if statusServer != nil {
        page.update(
          runtime: runtime, program: program, control: control, config: config, device: options.device,
          now: clock.now(), uptime: clock.now() - started, hour: clock.localTime().minute / 60)
      }
    }
    runtime.wait()
    log.update(runtime, now: clock.now())

    let summary = Summary(counters: runtime.counters.snapshot, songsPerBox: runtime.finalProgram.songsPerBox)
    let songs = summary.songsPerBox.map { "\($0.box) \($0.songs)" }.joined(separator: ", ")
    logger.info(
      "stopped after \(AudioDuration.describe(audioSeconds())) of audio: \(summary.counters.underruns) underrun(s), \(summary.counters.reconnects) reconnect(s); songs: \(songs)"
    )
    return summary
  }

  /// A reload: a valid config takes over after a 20 ms fade of the old one; a broken one is
  /// refused and the installation carries on as it was.
  private func reload(_ config: InstallationConfig) -> (config: InstallationConfig, engine: InstallationEngine)? {
    do {
      let fresh = try InstallationConfig.load(path: config.file)
      guard fresh.channels == config.channels, fresh.sampleRate == config.sampleRate, fresh.device == config.device
      else {
        logger.warning(
          "SIGHUP: the new config changes the device, channels or sample rate, which needs a restart (systemctl restart birdsong); carrying on with the old one"
        )
        return nil
      }
      if fresh.http != config.http {
        logger.warning("SIGHUP: the http: section changed; the status page keeps the old one until a restart")
      }
      let engine = try InstallationEngine(config: fresh, seed: options.seed)
      logger.notice("SIGHUP: reloaded \(fresh.file): \(fresh.boxes.count) bird boxes; quiet and paused boxes stay so")
      return (fresh, engine)
    } catch {
      logger.error("SIGHUP: the config has a mistake, so the installation carries on with the old one: \(error)")
      return nil
    }
  }

  /// The status page, if the config asks for one. A port that cannot be had costs the page,
  /// not the birds.
  private func openStatusServer(_ settings: HTTPSettings?, board: StatusBoard) -> HTTPServer? {
    guard let settings else { return nil }
    let routes = StatusRoutes(board: board, tokenHash: settings.tokenHash)
    do {
      let server = try HTTPServer(host: settings.host, port: settings.port) { request, send in
        routes.respond(request, send)
      }
      let host = settings.host.contains(":") ? "[\(settings.host)]" : settings.host
      let commands = settings.tokenHash == nil ? "; no token_hash, so it takes no commands" : ""
      logger.info("status page on http://\(host):\(server.port)/ (metrics at /metrics)\(commands)")
      return server
    } catch {
      logger.error(
        "no status page: cannot listen on \(settings.host):\(settings.port) (\(error)); is another program using the port? Change http.listen"
      )
      return nil
    }
  }

  /// The control socket, if the config asks for one. Another installation holding it is a
  /// reason to stop; any other trouble with it only costs the socket.
  private func openControlServer(_ path: String) throws -> ControlServer? {
    guard !path.isEmpty else { return nil }
    do {
      let server = try ControlServer(path: path)
      logger.info("listening for control commands on \(path) ('birdsong ctl help')")
      return server
    } catch let error as ControlServer.InUse {
      throw error
    } catch {
      logger.warning("no control socket: \(error)")
      return nil
    }
  }
}

extension InstallationProgram {
  /// Whether box `index` is singing, as last published by the render thread.
  func isSinging(_ index: Int) -> Bool { boxes[index].singing.load(ordering: .relaxed) }
}

/// What systemd hears: READY once the device plays (or, waiting for a missing device, once the
/// first attempt has failed, so that boot does not wait on a card that may never come), a
/// STATUS line every 10 s, and a watchdog keep-alive only while the render thread turns.
/// It keeps real time (systemd's watchdog does), not the runtime's clock.
struct Supervision {
  let notifier: ServiceNotifier
  private var stopped = false
  private var ready = false
  private var lastStatus = -Double.infinity
  private var lastFeed = -Double.infinity
  private var heartbeatsAtFeed = -1

  init(notifier: ServiceNotifier) {
    self.notifier = notifier
  }

  /// Says STOPPING once, however often the stop is asked for.
  mutating func stopping() {
    if !stopped { notifier.stopping() }
    stopped = true
  }

  mutating func update<Program>(_ runtime: AudioRuntime<Program>, status: () -> String) {
    guard notifier.isActive else { return }
    let now = ProcessInfo.processInfo.systemUptime
    let playing = runtime.counters.playing.load(ordering: .relaxed)
    if !ready, playing || runtime.failure != nil {
      ready = true
      lastStatus = now
      notifier.ready(status: playing ? status() : "waiting for the sound device: \(runtime.failure ?? "")")
    } else if ready, now - lastStatus >= 10 {
      lastStatus = now
      notifier.status(playing ? status() : "waiting for the sound device: \(runtime.failure ?? "")")
    }
    // A stuck render thread stops the heartbeats, the watchdog goes hungry and systemd
    // restarts the service.
    if let interval = notifier.watchdogInterval, now - lastFeed >= interval {
      let beats = runtime.counters.heartbeats.load(ordering: .relaxed)
      if beats != heartbeatsAtFeed {
        notifier.watchdog()
        heartbeatsAtFeed = beats
        lastFeed = now
      }
    }
  }
}

/// Turns the runtime's counters into log lines: one when an outage begins, one a minute while
/// it lasts, one when it ends; underruns at most once a minute; an hourly summary.
struct EventLog {
  let logger: Logger
  let device: String
  let retry: AudioRuntime<InstallationProgram>.Backoff
  let rate: Double
  private var seen = RuntimeCounters.Snapshot.zero
  private var outageSince: Double?
  private var lastReminder = 0.0
  private var underrunsReported = 0
  private var lastUnderrunReport = -Double.infinity
  private var nextHourly: Int
  private var announcedDevice: String?
  private var realtimeSaid = false

  init(logger: Logger, device: String, retry: AudioRuntime<InstallationProgram>.Backoff, rate: Double) {
    self.logger = logger
    self.device = device
    self.retry = retry
    self.rate = rate
    nextHourly = Int(rate * 3600)
  }

  /// - Parameter wall: the clock's time now (outages are timed on it: audio stands still).
  mutating func update<Program>(_ runtime: AudioRuntime<Program>, now wall: Double) {
    let now = runtime.counters.snapshot
    let audio = Double(now.audioFrames) / rate
    if now.outages > seen.outages {
      outageSince = wall
      lastReminder = wall
      logger.error(
        "\(runtime.failure ?? "the sound device '\(device)' failed"); trying again after \(retry.first) s, then less often (up to every \(retry.longest) s)"
      )
    } else if let since = outageSince, !now.playing, wall - lastReminder >= 60 {
      lastReminder = wall
      logger.warning(
        "still no sound from '\(device)' after \(AudioDuration.describe(wall - since)): \(runtime.failure ?? "failing")"
      )
    }
    let realtime = runtime.counters.realtime.load(ordering: .relaxed)
    if !realtimeSaid, realtime != 0 {
      realtimeSaid = true
      if realtime > 0 {
        logger.info("the audio thread has real-time priority \(realtime) (SCHED_FIFO)")
      } else {
        logger.notice(
          "the audio thread has no real-time priority (\(String(cString: strerror(Int32(-realtime))))); it plays on at normal priority. Allow it with LimitRTPRIO= in the service unit"
        )
      }
    }
    if now.opens > seen.opens, let opened = runtime.openedDescription, opened != announcedDevice {
      announcedDevice = opened
      logger.info("opened \(opened)")
    }
    if now.reconnects > seen.reconnects, let since = outageSince {
      logger.notice(
        "the sound device is back after \(AudioDuration.describe(wall - since)); the schedule moved on without the missed audio"
      )
      outageSince = nil
    }
    if now.underruns > underrunsReported, wall - lastUnderrunReport >= 60 {
      logger.warning(
        "underrun: the device ran dry and was restarted (\(now.underruns - underrunsReported) since the last report)")
      underrunsReported = now.underruns
      lastUnderrunReport = wall
    }
    if now.audioFrames >= nextHourly {
      let hour = Int(rate * 3600)
      nextHourly = (now.audioFrames / hour + 1) * hour  // one line, even after hours of outage
      logger.info(
        "hourly: \(AudioDuration.describe(audio)) of audio; underruns \(now.underruns), outages \(now.outages), reconnects \(now.reconnects)"
      )
    }
    seen = now
  }
}
