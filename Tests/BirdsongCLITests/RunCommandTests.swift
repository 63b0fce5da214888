import BirdsongAudio
import Foundation
import TestSupport
import Testing

/// `birdsong run` on real ALSA devices that need no sound card: null, and file: captures.
@Suite struct RunCommandTests {
  func rawFloats(_ path: String) throws -> [Float] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
  }

  @Test func aCapturedRunIsTheOfflineRenderSampleForSample() throws {
    let folder = temporaryFolder()
    let raw = folder + "/boxes.raw"
    let played = try birdsong([
      "run", "--device", "file:'\(raw)',raw", "--duration", "30s", "--seed", "4", "--control-socket", "none",
    ])
    #expect(played.status == 0, "\(played.stderr)")
    #expect(played.stderr.contains("FLOAT_LE"))
    let rendered = try birdsong([
      "render", "--installation", "Config/installation.yaml", "--duration", "30s", "--seed", "4", "--format", "float",
      "-o", folder + "/boxes.wav",
    ])
    #expect(rendered.status == 0, "\(rendered.stderr)")
    let live = try rawFloats(raw)
    let offline = try WAVReader(path: folder + "/boxes.wav").readAll()
    #expect(live.count == 30 * 48000 * 8)
    #expect(live.count == offline.count)
    #expect(offline.contains { $0 != 0 })
    #expect(zip(live, offline).allSatisfy { $0 == $1 }, "the live capture differs from the offline render")
  }

  @Test func aPreviewIsTheInstallationInStereoLiveAndOffline() throws {
    let folder = temporaryFolder()
    let raw = folder + "/preview.raw"
    let played = try birdsong([
      "run", "--preview", "--device", "file:'\(raw)',raw", "--duration", "20s", "--seed", "4",
      "--control-socket", "none",
    ])
    #expect(played.status == 0, "\(played.stderr)")
    #expect(played.stderr.contains("2 channels") && played.stderr.contains("stereo preview of 8 channels"))
    let rendered = try birdsong([
      "render", "--installation", "Config/installation.yaml", "--preview", "--duration", "20s", "--seed", "4",
      "--format", "float", "-o", folder + "/preview.wav",
    ])
    #expect(rendered.status == 0, "\(rendered.stderr)")
    let live = try rawFloats(raw)
    let reader = try WAVReader(path: folder + "/preview.wav")
    #expect(reader.channels == 2)
    let offline = try reader.readAll()
    #expect(live.count == 20 * 48000 * 2 && live.count == offline.count)
    #expect(zip(live, offline).allSatisfy { $0 == $1 }, "the live preview differs from the offline one")
    // The low boxes (first channels) lean left, the high ones (last channels) right: the
    // wood pigeon's 400-600 Hz is louder on the left, the top box's 9-11 kHz on the right.
    let left = PowerSpectrum(stride(from: 0, to: offline.count, by: 2).map { offline[$0] }, sampleRate: 48000)
    let right = PowerSpectrum(stride(from: 1, to: offline.count, by: 2).map { offline[$0] }, sampleRate: 48000)
    func energy(_ spectrum: PowerSpectrum, _ band: ClosedRange<Double>) -> Double {
      spectrum.bins.indices.filter { band.contains(spectrum.frequency(ofBin: $0)) }.map { spectrum.bins[$0] }
        .reduce(0, +)
    }
    #expect(energy(left, 400...600) > 4 * energy(right, 400...600))
    #expect(energy(right, 9000...11000) > 4 * energy(left, 9000...11000))
    // Eight boxes together never pass the config's cap (-3 dBFS).
    #expect(offline.allSatisfy { abs($0) <= Float(pow(10, -3.0 / 20)) + 1e-6 })
  }

  @Test func sigtermFadesOutAndExitsCleanly() throws {
    let folder = temporaryFolder()
    let config = folder + "/reel.yaml"
    // A grasshopper warbler reels for seconds on end: it is singing when the signal comes.
    try """
    output:
      channels: 1
    boxes:
      - name: Reel
        channel: 1
        species: grasshopper-warbler
        density: 20
    """.write(toFile: config, atomically: true, encoding: .utf8)
    let raw = folder + "/stop.raw"
    let process = Process()
    process.executableURL = URL(fileURLWithPath: birdsongBinary)
    process.arguments = [
      "run", "--config", config, "--device", "file:'\(raw)',raw", "--log-level", "warning", "--control-socket", "none",
    ]
    process.standardError = Pipe()
    try process.run()
    // Its first reel starts within 2 s (density 20) and lasts at least 6 s.
    usleep(3_500_000)
    process.terminate()  // SIGTERM
    for _ in 0..<50 where process.isRunning { usleep(100_000) }
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      Issue.record("birdsong run was still going 5 s after SIGTERM")
    }
    process.waitUntilExit()
    #expect(process.terminationReason == .exit && process.terminationStatus == 0)

    let samples = try rawFloats(raw)
    let seconds = Double(samples.count) / 48000
    #expect(seconds > 2 && seconds < 5, "played \(seconds) s")
    let last = try #require(samples.lastIndex { $0 != 0 })
    // The sound was going when it stopped, and it ended in a fade (20 ms = 960 frames), not a cut.
    let beforeFade = samples[(last - 3000)..<(last - 1000)].map(abs).max()!
    // A cut would stop at full level; the 20 ms fade (like a syllable's own release) leaves
    // its last 50 samples near silence.
    let fadeTail = samples[(last - 50)...last].map(abs).max()!
    #expect(beforeFade > 0.05)
    #expect(fadeTail < beforeFade * 0.1)
    #expect(samples.count - last < 48000 / 10, "silence went on for too long after the fade")
  }

  @Test func withoutASoundCardItSaysSoAndNamesTheWayOut() throws {
    let result = try birdsong(["run", "--device", "hw:CARD=NoSuchCard,DEV=0"])
    #expect(result.status != 0)
    #expect(result.stderr.contains("birdsong devices") && result.stderr.contains("--device null"))
    #expect(result.stderr.split(separator: "\n").count == 1)
  }

  @Test func devicesListsThePlaybackDevices() throws {
    let result = try birdsong(["devices"])
    #expect(result.status == 0)
    #expect(result.stdout.contains("null"))
  }

  @Test func configCheckAcceptsTheShippedConfigAndNamesMistakes() throws {
    let good = try birdsong(["config", "check"])
    #expect(good.status == 0 && good.stdout.contains("OK"))
    let folder = temporaryFolder()
    let shipped = try String(contentsOfFile: packageRoot() + "/Config/installation.yaml", encoding: .utf8)
    try shipped.replacingOccurrences(of: "channel: 8", with: "channel: 7")
      .write(toFile: folder + "/bad.yaml", atomically: true, encoding: .utf8)
    let bad = try birdsong(["config", "check", "--config", folder + "/bad.yaml"])
    #expect(bad.status != 0)
    #expect(bad.stderr.contains("bad.yaml:") && bad.stderr.contains("channel 7 is already used by box 'Pines'"))
    // A socket under a file can never be made.
    try "x".write(toFile: folder + "/plain", atomically: true, encoding: .utf8)
    try shipped.replacingOccurrences(
      of: "control_socket: /run/birdsong/control.sock", with: "control_socket: \(folder)/plain/c.sock"
    )
    .write(toFile: folder + "/socket.yaml", atomically: true, encoding: .utf8)
    let socket = try birdsong(["config", "check", "--config", folder + "/socket.yaml", "--kiosk", "none"])
    #expect(socket.status != 0)
    #expect(socket.stderr.contains("control_socket: '\(folder)/plain' is a file"), "\(socket.stderr)")
  }
}

@Suite struct ControlSocketTests {
  @Test func staffCanControlARunningInstallationThroughItsSocket() throws {
    let folder = temporaryFolder()
    let socket = folder + "/control.sock"
    let shipped = try String(contentsOfFile: packageRoot() + "/Config/installation.yaml", encoding: .utf8)
    try shipped.replacingOccurrences(
      of: "control_socket: /run/birdsong/control.sock", with: "control_socket: \(socket)"
    )
    .write(toFile: folder + "/c.yaml", atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: birdsongBinary)
    process.arguments = ["run", "--config", folder + "/c.yaml", "--device", "null", "--log-level", "warning"]
    process.standardError = Pipe()
    try process.run()
    defer {
      if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
    for _ in 0..<50 where !FileManager.default.fileExists(atPath: socket) { usleep(100_000) }

    var status = stat()
    #expect(stat(socket, &status) == 0 && status.st_mode & 0o777 == 0o600, "the socket is not owner-only")
    func ctl(_ words: String...) throws -> RunResult { try birdsong(["ctl", "--socket", socket] + words) }

    #expect(try ctl("status").stdout.contains("playing on 'null'"))
    #expect(try ctl("pause", "Gate").stdout.hasPrefix("ok"))
    #expect(try ctl("status").stdout.contains("Gate paused"))
    #expect(try ctl("resume").stdout.hasPrefix("ok"))
    #expect(try ctl("quiet", "2").stdout.hasPrefix("ok: quiet for 2 s"))
    #expect(try ctl("status").stdout.contains("Oak quiet"))
    usleep(2_500_000)
    #expect(try ctl("status").stdout.contains("Oak on"), "the quiet spell did not end by itself")
    #expect(try ctl("sing", "Hedge").stdout.hasPrefix("ok"))
    #expect(try ctl("identify", "Holly").stdout.hasPrefix("ok: 'Holly' (channel 4) sings alone"))
    #expect(try ctl("status").stdout.contains("Oak quiet"), "identify did not quiet the other boxes")
    #expect(try ctl("sweep").stdout.hasPrefix("ok: sweeping 8 boxes"))
    let bad = try ctl("fly", "away")
    #expect(bad.status != 0 && bad.stdout.hasPrefix("error: unknown command 'fly'"))
    #expect(try ctl("quiet", "soon").stdout.hasPrefix("error"))
    // Garbage on the socket gets an error reply, and the installation keeps going.
    #expect(try ctl("\u{1}\u{2}", "%%").stdout.hasPrefix("error"))
    #expect(try ctl("status").stdout.contains("playing"))

    process.terminate()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    #expect(!FileManager.default.fileExists(atPath: socket), "the socket was left behind")
  }
}

@Suite struct IdentifyTests {
  @Test func eachBoxSoundsOnItsOwnChannelOnly() throws {
    let raw = temporaryFolder() + "/identify.raw"
    let result = try birdsong(["identify", "--device", "file:'\(raw)',raw", "--box", "Holly"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("box 'Holly': channel 4"))
    let data = try Data(contentsOf: URL(fileURLWithPath: raw))
    let samples = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    let peaks = (0..<8).map { channel in stride(from: channel, to: samples.count, by: 8).map { abs(samples[$0]) }.max()!
    }
    #expect(peaks[3] > 0.1)
    #expect(peaks.enumerated().allSatisfy { $0.offset == 3 || $0.element == 0 })
  }
}

@Suite struct ReloadTests {
  @Test func sighupAppliesAGoodConfigAndRefusesABrokenOne() throws {
    let folder = temporaryFolder()
    let config = folder + "/r.yaml"
    let socket = folder + "/r.sock"
    func write(_ boxName: String, species: String = "robin") throws {
      try """
      control_socket: \(socket)
      output:
        channels: 2
      boxes:
        - name: \(boxName)
          channel: 1
          species: \(species)
      """.write(toFile: config, atomically: true, encoding: .utf8)
    }
    try write("Before")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: birdsongBinary)
    process.arguments = ["run", "--config", config, "--device", "null"]
    let log = Pipe()
    process.standardError = log
    try process.run()
    defer {
      if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
    for _ in 0..<50 where !FileManager.default.fileExists(atPath: socket) { usleep(100_000) }
    #expect(try birdsong(["ctl", "--socket", socket, "status"]).stdout.contains("Before"))

    #expect(try birdsong(["ctl", "--socket", socket, "quiet", "120"]).stdout.hasPrefix("ok"))
    try write("After")
    kill(process.processIdentifier, SIGHUP)
    usleep(1_000_000)
    // The new config plays, and the quiet spell asked for before the reload still holds.
    let reloaded = try birdsong(["ctl", "--socket", socket, "status"]).stdout
    #expect(reloaded.contains("After quiet"), "\(reloaded)")

    try write("Broken", species: "dodo")
    kill(process.processIdentifier, SIGHUP)
    usleep(1_000_000)
    #expect(process.isRunning)
    #expect(try birdsong(["ctl", "--socket", socket, "status"]).stdout.contains("After"))

    process.terminate()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    let text = String(decoding: log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(text.contains("reloaded"))
    #expect(text.contains("carries on with the old one") && text.contains("dodo"))
  }
}

@Suite struct WaitForDeviceTests {
  @Test func waitsQuietlyForAMissingCardAndStillStopsAtOnce() throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: birdsongBinary)
    let socket = temporaryFolder() + "/wait.sock"
    process.arguments = [
      "run", "--device", "hw:CARD=NoSuchCard,DEV=0", "--wait-for-device", "--control-socket", socket,
    ]
    let log = Pipe()
    process.standardError = log
    try process.run()
    usleep(1_500_000)
    #expect(process.isRunning)
    // Staff can still talk to it while it waits, and get an answer at once.
    let asked = Date()
    let status = try birdsong(["ctl", "--socket", socket, "status"])
    #expect(status.stdout.contains("waiting for 'hw:CARD=NoSuchCard,DEV=0'"), "\(status.stdout)\(status.stderr)")
    #expect(Date().timeIntervalSince(asked) < 0.5, "the control socket answered only after a wait")
    process.terminate()
    for _ in 0..<30 where process.isRunning { usleep(50_000) }
    #expect(!process.isRunning, "still waiting 1.5 s after SIGTERM")
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    let text = String(decoding: log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let retries = text.components(separatedBy: "trying again after").count - 1
    #expect(retries == 1, "the missing device should be reported once, not \(retries) times")
  }
}

/// Faults a venue meets, on the real program.
@Suite struct FieldFaultTests {
  func startRun(_ config: String, stderr: Any) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: birdsongBinary)
    process.arguments = ["run", "--config", config, "--device", "null", "--log-level", "debug"]
    process.standardError = stderr
    try process.run()
    return process
  }

  func twoBoxConfig(socket: String) throws -> String {
    let config = temporaryFolder() + "/f.yaml"
    try """
    control_socket: \(socket)
    output:
      channels: 2
    boxes:
      - {name: Low, channel: 1, species: wood-pigeon, density: 20}
      - {name: High, channel: 2, species: goldcrest, density: 20}
    """.write(toFile: config, atomically: true, encoding: .utf8)
    return config
  }

  @Test func aSecondRunOnTheSameSocketIsRefusedAndTheFirstCarriesOn() throws {
    let socket = temporaryFolder() + "/one.sock"
    let config = try twoBoxConfig(socket: socket)
    let first = try startRun(config, stderr: FileHandle.nullDevice)
    defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
    for _ in 0..<50 where !FileManager.default.fileExists(atPath: socket) { usleep(100_000) }

    let second = try birdsong(["run", "--config", config, "--device", "null", "--duration", "5s"])
    #expect(second.status != 0)
    #expect(second.stderr.contains("another 'birdsong run' (process \(first.processIdentifier))"), "\(second.stderr)")
    // The first one's socket is still there and still answers.
    #expect(try birdsong(["ctl", "--socket", socket, "status"]).stdout.contains("playing"))
    first.terminate()
    first.waitUntilExit()
    #expect(first.terminationStatus == 0)
  }

  @Test func aLostLogReaderDoesNotStopTheBirds() throws {
    let socket = temporaryFolder() + "/pipe.sock"
    let config = try twoBoxConfig(socket: socket)
    let log = Pipe()
    let process = try startRun(config, stderr: log)
    defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    for _ in 0..<50 where !FileManager.default.fileExists(atPath: socket) { usleep(100_000) }
    // The reader goes away: every log line from now on meets a closed pipe.
    try log.fileHandleForReading.close()
    for _ in 0..<5 { _ = try birdsong(["ctl", "--socket", socket, "sing", "High"]) }
    usleep(1_500_000)
    #expect(process.isRunning, "a closed standard error stopped the installation")
    #expect(try birdsong(["ctl", "--socket", socket, "status"]).stdout.contains("playing"))
    kill(process.processIdentifier, SIGUSR1)  // documented as doing nothing
    usleep(200_000)
    #expect(process.isRunning, "SIGUSR1 stopped the installation")
    process.terminate()
    process.waitUntilExit()
    #expect(process.terminationReason == .exit && process.terminationStatus == 0)
  }

  /// CPU seconds a process has used so far (/proc/PID/stat: utime + stime, in clock ticks).
  func cpuSeconds(_ pid: Int32) throws -> Double {
    let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
    let fields = stat[stat.lastIndex(of: ")")!...].split(separator: " ")
    return (Double(fields[12])! + Double(fields[13])!) / Double(sysconf(Int32(_SC_CLK_TCK)))
  }

  @Test func aDeviceThatOpensButCannotBeWrittenIsRetriedCalmly() throws {
    // /dev/full behind ALSA's file plugin: the device opens, then every write fails (ENOSPC
    // underneath, EIO from alsa-lib), as a full disk or a failing USB card does.
    let process = Process()
    process.executableURL = URL(fileURLWithPath: birdsongBinary)
    process.arguments = ["run", "--device", "file:'/dev/full',raw", "--control-socket", "none"]
    process.currentDirectoryURL = URL(fileURLWithPath: packageRoot())
    let log = Pipe()
    process.standardError = log
    try process.run()
    defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    usleep(1_500_000)
    let before = try cpuSeconds(process.processIdentifier)
    usleep(5_000_000)
    let used = try cpuSeconds(process.processIdentifier) - before
    #expect(used <= 0.05, "used \(used) s of CPU in 5 s while the device failed (more than 1 %)")
    process.terminate()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    let text = String(decoding: log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let failures = text.split(separator: "\n").filter { $0.contains("stopped taking audio") }
    #expect(failures.count == 1, "\(failures.count) lines for one outage:\n\(text)")
  }

  @Test func aRenderCanKeepTheOpeningHours() throws {
    let folder = temporaryFolder()
    let shipped = try String(contentsOfFile: packageRoot() + "/Config/installation.yaml", encoding: .utf8)
    try shipped.replacingOccurrences(of: "  # hours: 09:00-17:30", with: "  hours: 09:00-17:00")
      .write(toFile: folder + "/hours.yaml", atomically: true, encoding: .utf8)
    let rendered = try birdsong([
      "render", "--installation", folder + "/hours.yaml", "--start", "16:59", "--duration", "90s", "--format", "float",
      "-o", folder + "/closing.wav",
    ])
    #expect(rendered.status == 0, "\(rendered.stderr)")
    let samples = try WAVReader(path: folder + "/closing.wav").readAll()
    let frame = 8 * 48000
    let before = samples[0..<(60 * frame)].map(abs).max()!
    let after = samples[(61 * frame)...].map(abs).max()!
    #expect(before > 0.05, "the boxes were silent before closing time")
    #expect(after == 0, "a box sang after 17:00")
    let refused = try birdsong(["render", "--tone", "1000", "--start", "10:00", "-o", "/dev/null"])
    #expect(refused.status != 0 && refused.stderr.contains("--start goes with --installation"))
  }

  @Test func aDurationPastWhatCanBePlayedGetsOneClearError() throws {
    for command in [["run", "--device", "null"], ["render", "--tone", "1000", "-o", "/dev/null"]] {
      let result = try birdsong(command + ["--duration", "1e15"])
      #expect(result.status != 0 && result.status != 132 && result.status != 4, "crashed: \(result.status)")
      #expect(result.stderr.contains("longer than the longest allowed"), "\(result.stderr)")
      #expect(result.stderr.split(separator: "\n").count == 1)
    }
  }
}

@Suite struct ControlPeerTests {
  /// A socket another user made first (here: owned by nobody, answered by us as root) is not
  /// talked to: `ctl` checks who owns it and who answers before it sends anything.
  @Test func ctlRefusesASocketSomeoneElseOwns() throws {
    guard getuid() == 0 else { return }  // making a socket owned by another user needs root
    let folder = temporaryFolder()
    chmod(folder, 0o755)
    let path = folder + "/impostor.sock"
    let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(listener) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      raw.copyBytes(from: Array(path.utf8))
      raw[path.utf8.count] = 0
    }
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
    #expect(bound == 0 && listen(listener, 4) == 0)
    #expect(chown(path, 65534, 65534) == 0)  // nobody
    let result = try birdsong(["ctl", "--socket", path, "status"])
    #expect(result.status != 0)
    #expect(result.stderr.contains("refusing to talk to"), "\(result.stderr)")
  }
}
