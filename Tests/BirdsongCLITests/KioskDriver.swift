import Foundation
import TestSupport

/// Drives `birdsong kiosk` in a tmux session of its own, as a person at the keyboard would
/// (send-keys, capture-pane), with the headphones on a `file:` device that `TonalListener`
/// listens to.
final class KioskDriver {
  let folder: String
  let socketName: String
  let audioFile: String
  let database: String
  let configFile: String
  static let pin = "2468"

  /// The room microphone's feed, when the kiosk has one.
  private(set) var room: RoomFeed?

  /// - Parameters:
  ///   - settings: extra lines for the kiosk config (idle_timeout, frequencies, ...).
  ///   - roomLevel: with a room microphone, the room's starting level (dB SPL); nil for none.
  init(settings: String = "", width: Int = 100, height: Int = 32, roomLevel: Double? = nil) throws {
    folder = temporaryFolder()
    socketName = "kiosk-test-\(UInt32.random(in: 0 ... .max))"
    audioFile = folder + "/headphones.raw"
    database = folder + "/sessions.sqlite"
    configFile = folder + "/kiosk.yaml"
    let root = packageRoot()
    // A profile where 0 dB HL is -80 dBFS at every frequency: levels are easy to read back.
    var profile = "headphone: test\nstandard: test\nreference_level_dbfs: -20\nmaximum_db_spl: 110\nfrequencies:\n"
    for frequency in [500, 1000, 2000, 4000, 6000, 8000] {
      profile += "  \(frequency): {retspl: 10, measured_db_spl: 70}\n"
    }
    try profile.write(toFile: folder + "/calibration.yaml", atomically: true, encoding: .utf8)
    // The shipped signposting with the call-back service filled in, as a venue would; its
    // local placeholders stay (the screen must not show them).
    let signposting = try String(contentsOfFile: root + "/Config/signposting/england.yaml", encoding: .utf8)
      .replacingOccurrences(
        of: "service: \"PLACEHOLDER - the audiology service that follows up\"",
        with: "service: \"Test Audiology\"")
    try signposting.write(toFile: folder + "/signposting.yaml", atomically: true, encoding: .utf8)
    let hash = try Self.pinHash()
    var microphone = ""
    var environment = ""
    if let roomLevel {
      // The microphone is ALSA's file plugin fed from a file this test writes as time passes,
      // defined where a venue would define its own devices (~/.asoundrc).
      let feed = RoomFeed(path: folder + "/room.raw", level: roomLevel)
      room = feed
      try feed.defineDevice(named: "roommic", inHome: folder)
      try "device: roommic\noffset_db: \(RoomFeed.offsetDB)\n".write(
        toFile: folder + "/microphone.yaml", atomically: true, encoding: .utf8)
      microphone = """
        room_microphone:
          device: roommic
          calibration: \(folder)/microphone.yaml
          headphones: supra-aural
          test_down_to: 15
        """
      environment = "HOME='\(folder)' "
    }
    let config = """
      language: en
      locales: \(root)/Config/locales
      signposting: \(folder)/signposting.yaml
      calibration: \(folder)/calibration.yaml
      database: \(database)
      headphones:
        device: "file:'\(audioFile)',raw"
        sample_rate: 48000
      staff:
        pin_hash: "\(hash)"
      \(settings)
      \(microphone)
      """
    try config.write(toFile: configFile, atomically: true, encoding: .utf8)
    let command =
      environment
      + "'\(birdsongBinary)' kiosk --config '\(configFile)'; echo KIOSK-EXIT=$?; stty -a | tr '\\n' ' '; echo; echo KIOSK-DONE; sleep 600"
    // The server tmux starts would hold a pipe open for ever: its output goes nowhere.
    try tmux(["new-session", "-d", "-x", "\(width)", "-y", "\(height)", command], capture: false)
  }

  deinit {
    _ = try? tmux(["kill-server"])
    room?.stop()
  }

  static func pinHash() throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: birdsongBinary)
    process.arguments = ["kiosk", "--hash-pin"]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    input.fileHandleForWriting.write(Data("\(pin)\n".utf8))
    try input.fileHandleForWriting.close()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard let start = text.range(of: "pin_hash: \"")?.upperBound, let end = text[start...].firstIndex(of: "\"") else {
      throw DriverError("no PIN hash in: \(text)")
    }
    return String(text[start..<end])
  }

  /// Runs a tmux command on this test's own server. The command that starts the server goes
  /// through `spawnDetached`: the server lives on, and must not hold any pipe of ours open.
  @discardableResult
  func tmux(_ arguments: [String], capture: Bool = true) throws -> String {
    let command = ["-L", socketName, "-f", "/dev/null"] + arguments
    guard capture else { return String(try spawnDetached(["/usr/bin/tmux"] + command)) }
    return try run("/usr/bin/tmux", command).output
  }

  /// Keys by tmux name: "Enter", "Space", "Left", "C-c", "Escape", or plain characters.
  func press(_ keys: String...) throws {
    try tmux(["send-keys", "-t", "0"] + keys)
    Thread.sleep(forTimeInterval: 0.15)
  }

  /// Types text literally.
  func type(_ text: String) throws {
    try tmux(["send-keys", "-t", "0", "-l", text])
    Thread.sleep(forTimeInterval: 0.15)
  }

  func screen() throws -> String {
    try tmux(["capture-pane", "-p", "-J", "-t", "0"])
  }

  /// Waits until the screen shows `text`; returns the screen then, or throws with what it showed.
  @discardableResult
  func waitFor(_ text: String, timeout: Double = 10) throws -> String {
    let deadline = Date().addingTimeInterval(timeout)
    var shown = ""
    while Date() < deadline {
      shown = try screen()
      if shown.contains(text) { return shown }
      Thread.sleep(forTimeInterval: 0.1)
    }
    throw DriverError("'\(text)' did not appear within \(timeout) s; the screen:\n\(shown)")
  }

  /// Presses OK until the screen shows `text` (paging through long screens).
  @discardableResult
  func pageUntil(_ text: String, pages: Int = 6) throws -> String {
    for _ in 0..<pages {
      let shown = try screen()
      if shown.contains(text) { return shown }
      try press("Enter")
      Thread.sleep(forTimeInterval: 0.3)
    }
    return try waitFor(text, timeout: 2)
  }

  /// The kiosk's process, found by its config path.
  func kioskPID() throws -> Int32? {
    let (_, output) = try run("/usr/bin/pgrep", ["-f", "kiosk --config \(configFile)"])
    return output.split(separator: "\n").first.flatMap { Int32($0) }
  }
}

/// Runs a program with no descriptors of ours but /dev/null, and waits for it.
func spawnDetached(_ arguments: [String]) throws -> Int32 {
  var actions = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  for descriptor in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] {
    posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", O_RDWR, 0)
  }
  // bash closes whatever else it inherited, then becomes the program.
  let closeAll = "for f in /proc/$$/fd/*; do n=${f##*/}; [ \"$n\" -gt 2 ] && eval \"exec $n>&-\"; done; exec \"$@\""
  let shell = ["/bin/bash", "-c", closeAll, "spawn"] + arguments
  let argv = shell.map { strdup($0) } + [nil]
  defer { argv.forEach { free($0) } }
  // A clean slate of signals, as a login terminal would have: test runners block some, and
  // blocked signals would be inherited by tmux and everything it runs.
  var attributes = posix_spawnattr_t()
  posix_spawnattr_init(&attributes)
  defer { posix_spawnattr_destroy(&attributes) }
  var none = sigset_t()
  sigemptyset(&none)
  posix_spawnattr_setsigmask(&attributes, &none)
  var all = sigset_t()
  sigfillset(&all)
  posix_spawnattr_setsigdefault(&attributes, &all)
  posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
  var pid = pid_t()
  let result = posix_spawn(&pid, shell[0], &actions, &attributes, argv, environ)
  guard result == 0 else { throw DriverError("cannot start \(arguments[0]): \(String(cString: strerror(result)))") }
  var status: Int32 = 0
  while waitpid(pid, &status, 0) < 0, errno == EINTR {}
  return status
}

struct DriverError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// A listener with fixed thresholds per ear, who hears through the kiosk's real audio: it
/// reads the headphone capture as the kiosk writes it (float, stereo, 48 kHz; left is the
/// first channel) and presses Space when a tone on an ear is over that ear's threshold.
final class TonalListener: @unchecked Sendable {
  private let driver: KioskDriver
  private let thresholds: [Float]  // peak amplitude per channel: left, right
  private let lock = NSLock()
  private var stopped = false
  private var answering = false
  private var lastSound: [Double] = [0, 0]  // when each channel last carried sound
  private(set) var presses = 0
  private let finished = DispatchSemaphore(value: 0)

  /// Thresholds in dBFS (peak) per ear.
  init(driver: KioskDriver, leftDBFS: Double, rightDBFS: Double) {
    self.driver = driver
    thresholds = [Float(pow(10, leftDBFS / 20)), Float(pow(10, rightDBFS / 20))]
    Thread { [self] in listen() }.start()
  }

  /// Start or stop pressing Space for tones it hears.
  func answer(_ on: Bool) { lock.withLock { answering = on } }

  /// Whether channel `channel` carried sound, and the other did not, in the last `within` seconds.
  func heardOnly(channel: Int, within: Double = 1.5) -> Bool {
    lock.withLock {
      let now = Date().timeIntervalSince1970
      return now - lastSound[channel] < within && now - lastSound[1 - channel] > 3
    }
  }

  /// True when neither channel has carried sound for `seconds`.
  func silent(for seconds: Double) -> Bool {
    lock.withLock {
      let now = Date().timeIntervalSince1970
      return now - max(lastSound[0], lastSound[1]) >= seconds
    }
  }

  func waitForSound(onlyOn channel: Int, timeout: Double = 6) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      if heardOnly(channel: channel) { return true }
      Thread.sleep(forTimeInterval: 0.05)
    }
    return false
  }

  func stop() {
    lock.withLock { stopped = true }
    finished.wait()
  }

  private func listen() {
    defer { finished.signal() }
    var offset: UInt64 = 0
    var inTone = false
    var quietBlocks = 0
    let blockFrames = 480
    let blockBytes = blockFrames * 8
    while !lock.withLock({ stopped }) {
      guard let handle = FileHandle(forReadingAtPath: driver.audioFile) else {
        Thread.sleep(forTimeInterval: 0.05)
        continue
      }
      try? handle.seek(toOffset: offset)
      let data = (try? handle.readToEnd()) ?? Data()
      try? handle.close()
      let whole = data.count / blockBytes * blockBytes
      offset += UInt64(whole)
      data.prefix(whole).withUnsafeBytes { raw in
        let samples = raw.bindMemory(to: Float.self)
        for block in 0..<(whole / blockBytes) {
          var peaks: [Float] = [0, 0]
          for frame in 0..<blockFrames {
            for channel in 0..<2 {
              peaks[channel] = max(peaks[channel], abs(samples[(block * blockFrames + frame) * 2 + channel]))
            }
          }
          let now = Date().timeIntervalSince1970
          lock.withLock {
            for channel in 0..<2 where peaks[channel] > 1e-6 { lastSound[channel] = now }
          }
          // Ramps make the first blocks quiet: a tone is heard once any block of it is over threshold.
          let audible = peaks[0] > thresholds[0] || peaks[1] > thresholds[1]
          if audible, !inTone {
            inTone = true
            if lock.withLock({ answering }) {
              presses += 1
              Thread.sleep(forTimeInterval: 0.25)  // a human's reaction time
              try? driver.press("Space")
            }
          }
          quietBlocks = peaks[0] < 1e-6 && peaks[1] < 1e-6 ? quietBlocks + 1 : 0
          if quietBlocks >= 10 { inTone = false }
        }
      }
      Thread.sleep(forTimeInterval: 0.03)
    }
  }
}

/// The sound at the kiosk's room microphone: white noise at a level the test sets, written
/// (float, mono, 48 kHz, as the kiosk's capture reads the file device) a little ahead of real
/// time, so that the room can get loud and quiet again while the kiosk listens.
final class RoomFeed: @unchecked Sendable {
  /// The microphone's calibration: a reading of 0 dB full scale is this many dB SPL.
  static let offsetDB = 100.0
  let path: String
  private let lock = NSLock()
  private var level: Double
  private var stopped = false
  private let finished = DispatchSemaphore(value: 0)

  init(path: String, level: Double) {
    self.path = path
    self.level = level
    _ = FileManager.default.createFile(atPath: path, contents: nil)
    Thread { [self] in write() }.start()
  }

  /// Defines an ALSA capture device fed from this file (the file plugin's `infile`) in
  /// `home`/.asoundrc, where ALSA looks when HOME is `home`.
  func defineDevice(named name: String, inHome home: String) throws {
    try """
    pcm.\(name) {
      type file
      slave.pcm null
      file "/dev/null"
      infile "\(path)"
      format "raw"
    }

    """.write(toFile: home + "/.asoundrc", atomically: true, encoding: .utf8)
  }

  /// The room's level from now on, dB SPL (over the whole band).
  func set(level: Double) { lock.withLock { self.level = level } }

  func stop() {
    guard
      lock.withLock({ () -> Bool in
        defer { stopped = true }
        return !stopped
      })
    else { return }
    finished.wait()
  }

  private func write() {
    defer { finished.signal() }
    guard let handle = FileHandle(forWritingAtPath: path) else { return }
    defer { try? handle.close() }
    let started = Date()
    var written = 0.0
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    while !lock.withLock({ stopped }) {
      // Keep a second ahead of the reader; chunks of 50 ms.
      if written - Date().timeIntervalSince(started) > 1 {
        Thread.sleep(forTimeInterval: 0.02)
        continue
      }
      // White noise, uniform in ±a, has an rms of a/√3.
      let rms = pow(10, (lock.withLock { level } - Self.offsetDB) / 20)
      let amplitude = Float(rms * 3.0.squareRoot())
      var samples = [Float](repeating: 0, count: 2400)
      for index in samples.indices {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        samples[index] = amplitude * (Float(state >> 40) / Float(1 << 24) * 2 - 1)
      }
      samples.withUnsafeBytes { handle.write(Data($0)) }
      written += 0.05
    }
  }
}
