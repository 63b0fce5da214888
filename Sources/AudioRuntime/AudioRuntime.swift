import BirdsongSynthesis
import Foundation
import Synchronization

/// The one render loop every output goes through: bird boxes and headphones on ALSA, WAV
/// files, memory, nothing. `birdsong run` and `birdsong render` are this loop with different
/// outputs, so the same program gives the same samples on both.
///
/// The render thread renders and writes: program -> mixer -> safety stage -> output, block by
/// block. While it plays it allocates, locks, logs and throws nothing. Commands reach it
/// through a lock-free queue, and go back through another one to be freed on the control
/// side; counters leave it as atomics. When the output fails, it is closed and opened again
/// with back-off (0.1 s, doubling to 3 s), however it failed, including a device that opens
/// and then fails at once; after the outage the schedule moves on by the time that was lost
/// without synthesising it.
public final class AudioRuntime<Program: AudioProgram>: @unchecked Sendable {
  public enum Command {
    /// A program command (a gain, a song, a tone).
    case program(Program.Command)
    /// Fades the current program out (20 ms) and plays this one from the next block.
    case replace(Program)
    /// Fades out and ends.
    case stop
  }

  public struct Backoff: Sendable {
    public var first: Double
    public var longest: Double
    /// Seconds of audio an output must take before the back-off starts again from `first`.
    public var healthy: Double

    public init(first: Double = 0.1, longest: Double = 3, healthy: Double = 1) {
      self.first = first
      self.longest = longest
      self.healthy = healthy
    }
  }

  public struct Options: Sendable {
    /// Frames to play, then stop (the fade ends before the last one); nil: until stopped.
    public var frames: Int?
    /// Keep an output that does not pace itself (null, file) to the wall clock.
    public var paceToWallClock: Bool
    /// How to retry a failed output; nil ends the run at the first failure (a file).
    public var retry: Backoff?
    public var fadeSeconds: Double
    /// SCHED_FIFO priority for the render thread (1-99), asked for when it starts; nil keeps
    /// normal scheduling. Granted only where the user may (root, or LimitRTPRIO in the unit).
    public var realtimePriority: Int?

    public init(
      frames: Int? = nil, paceToWallClock: Bool = false, retry: Backoff? = nil, fadeSeconds: Double = 0.02,
      realtimePriority: Int? = nil
    ) {
      self.frames = frames
      self.paceToWallClock = paceToWallClock
      self.retry = retry
      self.fadeSeconds = fadeSeconds
      self.realtimePriority = realtimePriority
    }
  }

  public let counters = RuntimeCounters()
  public let options: Options
  public let output: any AudioOutput
  private let clock: any RuntimeClock
  private var program: Program
  private let commands = SPSCQueue<Command>(capacity: 256)
  private let retired = SPSCQueue<Command>(capacity: 256)
  /// 0: play on; 1: fade out and end; 2: end now and abandon the output (an interrupted render).
  private let stopRequested = Atomic<Int>(0)
  /// Why the output last failed. Written only while no audio flows, so a lock is fine.
  private let failureText = Mutex<String?>(nil)
  /// What the output said it opened, for the log. Written only while no audio flows.
  private let openedText = Mutex<String?>(nil)
  private let ended = DispatchSemaphore(value: 0)
  private var endedByFailure = false

  public init(program: Program, output: any AudioOutput, clock: any RuntimeClock = SystemClock(), options: Options) {
    precondition(output.channels == program.mixer.channels, "the output and the program differ in channels")
    self.program = program
    self.output = output
    self.clock = clock
    self.options = options
  }

  // MARK: The control side

  /// Queues a command for the render thread; false when the queue is full (the render thread
  /// is not keeping up). Control thread only.
  @discardableResult
  public func send(_ command: Command) -> Bool {
    collectRetired()
    return commands.push(command)
  }

  /// Asks the run to fade out and end: safe from any thread, and from a signal handler's flag.
  /// With `abandon`, it ends at once and the output is abandoned (a file is not put in place).
  public func requestStop(abandon: Bool = false) {
    let wanted = abandon ? 2 : 1
    var current = stopRequested.load(ordering: .relaxed)
    while current < wanted {
      let (exchanged, found) = stopRequested.compareExchange(
        expected: current, desired: wanted, ordering: .relaxed)
      if exchanged { break }
      current = found
    }
  }

  /// True when the run ended because it was abandoned.
  public var wasAbandoned: Bool { stopRequested.load(ordering: .relaxed) == 2 }

  /// Frees what the render thread has handed back. Control thread only.
  public func collectRetired() {
    while retired.pop() != nil {}
  }

  /// Why the output last failed, while it is away; nil once it plays again.
  public var failure: String? {
    counters.playing.load(ordering: .relaxed) ? nil : failureText.withLock { $0 }
  }

  /// What the output opened last (device, format, period), once it has.
  public var openedDescription: String? { openedText.withLock { $0 } }

  /// Runs the render loop on a thread of its own (named "audio").
  public func start() {
    let thread = Thread { [self] in
      if let priority = options.realtimePriority { askForRealtime(priority) }
      loop()
      ended.signal()
    }
    thread.name = "audio"
    thread.start()
  }

  /// Waits for the render thread started by `start` to end.
  public func wait() {
    ended.wait()
    ended.signal()
    collectRetired()
  }

  /// Waits up to `seconds` of real time (not the runtime's clock: a simulated clock must only
  /// move with the render thread) for the render thread to end; true when it has.
  public func waitForEnd(upTo seconds: Double) -> Bool {
    guard ended.wait(timeout: .now() + seconds) == .success else { return false }
    ended.signal()
    return true
  }

  /// Runs the render loop on this thread until it ends; returns false when the output failed
  /// and the options say not to retry.
  @discardableResult
  public func run() -> Bool {
    loop()
    collectRetired()
    return !endedByFailure
  }

  /// Runs the render loop on its own thread while this one watches: `watch` sees the counters
  /// every `interval` seconds (a progress bar, a signal's flag) and returns what to do.
  /// Returns false when the output failed and the options say not to retry.
  @discardableResult
  public func play(every interval: Double = 0.05, watching watch: (RuntimeCounters) -> Watch) -> Bool {
    start()
    while !waitForEnd(upTo: interval) {
      switch watch(counters) {
      case .carryOn: break
      case .stop: requestStop()
      case .abandon: requestStop(abandon: true)
      }
    }
    wait()
    return !endedByFailure
  }

  public enum Watch: Sendable {
    case carryOn, stop, abandon
  }

  /// The program playing at the end (after `wait` or `run`).
  public var finalProgram: Program { program }

  // MARK: The render thread

  /// Asks for SCHED_FIFO at `priority` for this thread, and says in `counters.realtime` whether
  /// it was granted: audio that must not drop out under load is what real-time scheduling is for.
  private func askForRealtime(_ priority: Int) {
    var parameters = sched_param()
    parameters.sched_priority = Int32(clamping: priority)
    let result = pthread_setschedparam(pthread_self(), SCHED_FIFO, &parameters)
    counters.realtime.store(result == 0 ? priority : -Int(result), ordering: .relaxed)
  }

  private func loop() {
    let fade = options.fadeSeconds
    let rate = program.mixer.sampleRate
    /// Audio frames played by programs before the current one.
    var timeOffset = 0
    if let total = options.frames { program.mixer.scheduleFadeOut(endingBefore: total, over: fade) }
    var stopping = false
    var replacement: Program?
    var isOpen = false
    var nextAttempt = -Double.infinity
    var delay = options.retry?.first ?? 0
    var lostAt: Double?
    var played = 0
    var playedAtOpen = 0
    var pacer = WallClockPacer()
    let healthyFrames = Int((options.retry?.healthy ?? 0) * rate)

    func remaining() -> Int { options.frames.map { $0 - timeOffset - program.mixer.time } ?? .max }
    /// True from a failure until the output has taken `healthy` seconds of audio again.
    var inOutage = false
    /// True from the first block an open output takes until it fails.
    var isPlaying = false
    func outage(_ text: String) {
      failureText.withLock { $0 = text }
      isPlaying = false
      counters.playing.store(false, ordering: .relaxed)
      if lostAt == nil { lostAt = clock.now() }
      if !inOutage {
        inOutage = true
        counters.outages.bump()
      }
      if let retry = options.retry {
        nextAttempt = clock.now() + delay
        delay = min(max(delay * 2, retry.first), retry.longest)
      } else {
        endedByFailure = true
      }
    }

    while true {
      counters.heartbeats.bump()
      while let command = commands.pop() {
        switch command {
        case .program(var command):
          // Commands sent after a replacement are meant for the new program.
          (replacement ?? program).apply(&command)
          retire(.program(command))
        case .replace(let next):
          if let waiting = replacement { retire(.replace(waiting)) }
          replacement = next
          program.mixer.scheduleFadeOut(at: program.mixer.time, over: fade)
        case .stop:
          stopping = true
          program.mixer.scheduleFadeOut(at: program.mixer.time, over: fade)
        }
      }
      switch stopRequested.load(ordering: .relaxed) {
      case 0: break
      case 1:
        if !stopping { program.mixer.scheduleFadeOut(at: program.mixer.time, over: fade) }
        stopping = true
      default:
        if isOpen { output.abandon() }
        isOpen = false
        stopping = true
      }
      let silent = !isOpen || program.mixer.safety.isSilent
      if let next = replacement, silent {
        timeOffset += program.mixer.time
        retire(.replace(program))
        program = next
        replacement = nil
        if let total = options.frames {
          program.mixer.scheduleFadeOut(endingBefore: total - timeOffset, over: fade)
        }
        counters.swaps.bump()
      }
      if (stopping && silent) || remaining() <= 0 || endedByFailure { break }

      if !isOpen {
        let now = clock.now()
        if now < nextAttempt {
          clock.sleep(min(0.1, nextAttempt - now))  // commands and stops are seen within 100 ms
          continue
        }
        do {
          try output.open()
        } catch {
          outage("\(error)")
          continue
        }
        isOpen = true
        openedText.withLock { $0 = output.openedDescription }
        counters.opens.bump()
        playedAtOpen = played
        pacer.restart()
        if let since = lostAt {
          // The schedule keeps time: move on by as long as the output was away.
          let room = remaining()
          let before = program.mixer.time
          program.mixer.skip(frames: min(Int((clock.now() - since) * rate), room))
          counters.framesSkipped.bump(by: min(program.mixer.time - before, room))  // whole blocks
          counters.audioFrames.store(timeOffset + program.mixer.time, ordering: .relaxed)
          lostAt = nil
        }
        continue
      }

      let frames = min(Mixer.blockSize, remaining())
      let block = program.mixer.nextBlock()
      switch output.write(block.baseAddress!, frames: frames) {
      case .written: break
      case .recoveredUnderrun: counters.underruns.bump()
      case .recoveredSuspend: counters.suspends.bump()
      case .failed:
        counters.framesSkipped.bump(by: frames)  // the block that did not get out
        counters.audioFrames.store(timeOffset + program.mixer.time, ordering: .relaxed)
        isOpen = false
        output.abandon()
        outage(output.failure)
        continue
      }
      played += frames
      if !isPlaying {
        isPlaying = true
        counters.playing.store(true, ordering: .relaxed)
      }
      if inOutage, played - playedAtOpen >= healthyFrames {
        // Taking audio for a while (not just opening) ends an outage: the next failure
        // starts the back-off from the beginning again.
        inOutage = false
        counters.reconnects.bump()
        delay = options.retry?.first ?? 0
      }
      counters.framesPlayed.bump(by: frames)
      counters.audioFrames.store(timeOffset + program.mixer.time, ordering: .relaxed)
      program.didRender()
      if options.paceToWallClock, !output.paces {
        pacer.hold(framesPlayed: played, sampleRate: rate, clock: clock)
      }
    }
    counters.playing.store(false, ordering: .relaxed)
    if !inOutage { failureText.withLock { $0 = nil } }  // a failure that was recovered from is over
    if let waiting = replacement { retire(.replace(waiting)) }
    guard isOpen else { return }
    do {
      try output.close()
    } catch {
      failureText.withLock { $0 = "\(error)" }
      endedByFailure = true
      output.abandon()
    }
  }

  /// Hands a used command back to the control thread, which frees what it holds. Should the
  /// control side fall 256 commands behind, the value is freed here instead.
  private func retire(_ command: Command) {
    _ = retired.push(command)
  }
}
