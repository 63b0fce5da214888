import BirdsongAudio
import Foundation
import TestSupport
import Testing

/// The installation through PipeWire, as on a Linux box where a sound server owns the card:
/// a private, headless PipeWire (its own runtime folder and session bus) with an 8-channel
/// null sink; `birdsong run` plays eight boxes, each a tone of its own, through PipeWire's
/// ALSA plugin, and pw-record captures the sink's monitor. Box N must arrive on channel N.
@Suite struct PipeWireTests {
  static let available = ["pipewire", "wireplumber", "pw-cli", "pw-record", "dbus-daemon"].allSatisfy {
    FileManager.default.isExecutableFile(atPath: "/usr/bin/" + $0)
  }

  /// A PipeWire session of our own, stopped when this goes away.
  final class Session {
    let folder = temporaryFolder()
    var environment: [String: String]
    var processes: [Process] = []

    init() throws {
      let runtime = folder + "/run"
      try FileManager.default.createDirectory(
        atPath: runtime, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
      environment = ProcessInfo.processInfo.environment.merging([
        "XDG_RUNTIME_DIR": runtime, "DBUS_SESSION_BUS_ADDRESS": "unix:path=\(runtime)/bus",
        "XDG_CONFIG_HOME": folder + "/config",
      ]) { $1 }
      environment["PIPEWIRE_ALSA"] = nil
      try start("/usr/bin/dbus-daemon", ["--session", "--address=unix:path=\(runtime)/bus", "--nofork"])
      try wait { FileManager.default.fileExists(atPath: runtime + "/bus") }
      try start("/usr/bin/pipewire", [])
      try wait { FileManager.default.fileExists(atPath: runtime + "/pipewire-0") }
      try start("/usr/bin/wireplumber", [])
      let sink = try tool(
        "/usr/bin/pw-cli",
        [
          "create-node", "adapter",
          "{ factory.name=support.null-audio-sink node.name=boxes media.class=Audio/Sink object.linger=true "
            + "audio.channels=8 audio.position=[AUX0 AUX1 AUX2 AUX3 AUX4 AUX5 AUX6 AUX7] }",
        ])
      try #require(sink.status == 0, "pw-cli: \(sink.output)")
      try wait { ((try? self.tool("/usr/bin/pw-cli", ["ls", "Node"]).output) ?? "").contains("node.name = \"boxes\"") }
    }

    deinit {
      // SIGKILL: wireplumber may linger on SIGTERM, and nothing of this session is kept.
      for process in processes.reversed() where process.isRunning {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
      }
    }

    @discardableResult
    func start(_ program: String, _ arguments: [String], output: String? = nil) throws -> Process {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: program)
      process.arguments = arguments
      process.environment = environment
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      processes.append(process)
      return process
    }

    func tool(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
      try run(program, arguments, environment: environment)
    }

    func wait(_ condition: () -> Bool) throws {
      for _ in 0..<100 where !condition() { usleep(50_000) }
      try #require(condition(), "PipeWire did not come up")
    }
  }

  @Test(.enabled(if: available))
  func eightBoxesArriveInOrderThroughPipeWire() throws {
    let session = try Session()
    // Box N plays a steady tone of N x 500 Hz (2 s every 3 s).
    var config = "seed: 1\ncontrol_socket: none\noutput:\n  channels: 8\nboxes:\n"
    for box in 1...8 {
      config +=
        "  - name: B\(box)\n    channel: \(box)\n    stimulus: tone \(box * 500)\n    level_dbfs: -20\n    every: 3\n"
    }
    try config.write(toFile: session.folder + "/tones.yaml", atomically: true, encoding: .utf8)
    let capture = session.folder + "/capture.wav"
    let recorder = try session.start(
      "/usr/bin/pw-record",
      [
        "-P", "{ stream.capture.sink=true }", "--target", "boxes", "--channels", "8", "--channel-map",
        "AUX0,AUX1,AUX2,AUX3,AUX4,AUX5,AUX6,AUX7", "--rate", "48000", "--format", "f32", capture,
      ])
    usleep(500_000)
    let played = try session.tool(
      birdsongBinary,
      ["run", "--config", session.folder + "/tones.yaml", "--device", "pipewire:NODE=boxes", "--duration", "4s"])
    #expect(played.status == 0, "\(played.output)")
    #expect(played.output.contains("8 channels"))
    usleep(300_000)
    recorder.interrupt()
    recorder.waitUntilExit()
    // sox rewrites pw-record's file as a plain float WAV for our reader.
    let clean = session.folder + "/clean.wav"
    #expect(try run("/usr/bin/sox", [capture, "-e", "floating-point", "-b", "32", clean]).status == 0)
    let reader = try WAVReader(path: clean)
    #expect(reader.channels == 8)
    let samples = try reader.readAll()
    #expect(samples.count > 8 * 48000 * 2, "less than 2 s captured")
    for channel in 0..<8 {
      let signal = stride(from: channel, to: samples.count, by: 8).map { samples[$0] }
      let spectrum = PowerSpectrum(signal, sampleRate: 48000)
      func energy(_ hz: Double) -> Double {
        spectrum.bins.indices.filter { abs(spectrum.frequency(ofBin: $0) - hz) < 30 }.map { spectrum.bins[$0] }
          .reduce(0, +)
      }
      let tones = (1...8).map { energy(Double($0 * 500)) }
      let total = tones.reduce(0, +)
      #expect(
        total > 0 && tones[channel] / total > 0.95, "channel \(channel + 1): \(tones.map { $0 / max(total, 1e-30) })")
    }
  }
}
