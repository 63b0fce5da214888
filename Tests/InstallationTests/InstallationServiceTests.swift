import ALSAOutput
import AudioRuntime
import BirdsongCore
import BirdsongSynthesis
import ControlProtocol
import Foundation
import Installation
import InstallationService
import Logging
import Synchronization
import TestSupport
import Testing

@Suite struct InstallationServiceTests {
  static let twoBoxes = """
    seed: 9
    control_socket: none
    output:
      channels: 2
    boxes:
      - name: Low
        channel: 1
        species: wood-pigeon
      - name: High
        channel: 2
        species: goldcrest
    """

  func service(_ yaml: String = twoBoxes, duration: Double?, devices: FaultyDevices, clock: SimulatedClock) throws
    -> InstallationService
  {
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    return InstallationService(
      config: try InstallationConfig.parse(yaml, file: "test.yaml"),
      options: InstallationService.Options(device: "faulty", duration: duration), opener: devices.opener,
      clock: clock, logger: logger)
  }

  @Test func aSimulatedDayOfFaultsFinishesOnSchedule() throws {
    let rate = 48000
    let hour = 3600 * rate
    let clock = SimulatedClock()
    // Faults at random points of the day (seeded, so a failure can be replayed).
    var random = SeededGenerator(seed: 8)
    func somewhere(in hours: ClosedRange<Double>) -> Int { Int(random.uniform(hours) * Double(hour)) }
    let plan = FaultPlan(
      underrunsAt: [somewhere(in: 0.1...2), somewhere(in: 2...4), somewhere(in: 4...7.9)],
      suspendsAt: [somewhere(in: 2.5...3.5), somewhere(in: 6.5...7.5)],
      vanishesAt: [(somewhere(in: 1...1.9), 40), (somewhere(in: 5...5.9), 125)],
      busyAtStart: 2)
    let devices = FaultyDevices(plan: plan, clock: clock)
    let summary = try service(duration: 8 * 3600, devices: devices, clock: clock).run()
    let counters = summary.counters

    #expect(counters.underruns == 3)
    #expect(counters.suspends == 2)
    // Busy at start, then two vanishings: three outages, and three times the device came back.
    #expect(counters.outages == 3)
    #expect(counters.reconnects == 3)
    // Audio time covers the whole day: what was played plus what the schedule moved on while
    // the device was away, which is about as long as it was away (to a retry interval).
    #expect(counters.framesPlayed + counters.framesSkipped >= 8 * hour)
    let awaySeconds = Double(counters.framesSkipped) / Double(rate)
    #expect(awaySeconds >= 40 + 125 && awaySeconds <= 40 + 125 + 2 * 3 + 1, "away \(awaySeconds) s")
    // No busy loop while waiting: back-off to one attempt every 3 s, not thousands.
    #expect(devices.openAttempts <= 3 + 2 * (6 + (40 + 125) / 3 + 2), "\(devices.openAttempts) attempts")
    #expect(summary.songsPerBox.allSatisfy { $0.songs > 50 })
  }

  @Test func outsideOpeningHoursTheBoxesAreSilentFromTheFirstBlock() throws {
    let hours = Self.twoBoxes + "\nschedule:\n  hours: \"09:00-17:00\"\n"
    for (minute, open) in [(20 * 60, false), (12 * 60, true)] {
      let clock = SimulatedClock(startMinute: minute)
      let devices = FaultyDevices(plan: FaultPlan(), clock: clock)
      _ = try service(hours, duration: 60, devices: devices, clock: clock).run()
      if open {
        #expect(devices.loudestSample > 0.05, "the boxes were silent during opening hours")
      } else {
        #expect(devices.loudestSample == 0, "a box sang at 20:00, outside 09:00-17:00")
      }
    }
  }

  @Test func stopsWhenAsked() throws {
    let clock = SimulatedClock()
    let devices = FaultyDevices(plan: FaultPlan(), clock: clock)
    let stop = Atomic(false)
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    let service = InstallationService(
      config: try InstallationConfig.parse(Self.twoBoxes, file: "test.yaml"),
      options: .init(device: "faulty", shouldStop: { stop.load(ordering: .relaxed) }), opener: devices.opener,
      clock: clock, logger: logger)
    // The simulated clock makes pacing instant; stop after 5 simulated seconds.
    let stopper = Thread {
      while clock.now() < 5 { usleep(1000) }
      stop.store(true, ordering: .relaxed)
    }
    stopper.start()
    let summary = try service.run()
    #expect(summary.counters.framesPlayed >= 5 * 48000)
  }

  /// systemd's side of sd_notify: a datagram socket that collects what the service says.
  final class NotifyListener {
    let path: String
    let descriptor: Int32

    init(folder: String) {
      path = folder + "/notify.sock"
      descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
      var address = try! ControlSocket.address(path)
      _ = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
        }
      }
    }

    deinit { close(descriptor) }

    /// Every message waiting now.
    func drain() -> [String] {
      var messages: [String] = []
      var buffer = [UInt8](repeating: 0, count: 4096)
      while true {
        let count = recv(descriptor, &buffer, buffer.count, 0)
        if count <= 0 { return messages }
        messages.append(String(decoding: buffer[0..<count], as: UTF8.self))
      }
    }
  }

  @Test func systemdHearsReadyAndAWatchdogThatGoesHungryWhenTheAudioThreadHangs() throws {
    let listener = NotifyListener(folder: temporaryFolder())
    let clock = SimulatedClock()
    let devices = FaultyDevices(plan: FaultPlan(hangsAt: 2 * 48000), clock: clock)
    let stop = Atomic(false)
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    // A watchdog of 0.1 s: fed every 0.05 s while the render thread turns.
    let notifier = ServiceNotifier(environment: ["NOTIFY_SOCKET": listener.path, "WATCHDOG_USEC": "100000"])
    #expect(notifier.watchdogInterval == 0.05)
    let service = InstallationService(
      config: try InstallationConfig.parse(Self.twoBoxes, file: "test.yaml"),
      options: .init(device: "faulty", shouldStop: { stop.load(ordering: .relaxed) }, notifier: notifier),
      opener: devices.opener, clock: clock, logger: logger)
    let runner = Thread { _ = try? service.run() }
    runner.start()

    func wait(upTo seconds: Double, for condition: () -> Bool) -> Bool {
      let end = Date().addingTimeInterval(seconds)
      while Date() < end {
        if condition() { return true }
        usleep(10_000)
      }
      return condition()
    }
    #expect(wait(upTo: 10) { devices.isHanging })
    usleep(300_000)
    let beforeHang = listener.drain()
    #expect(beforeHang.first?.hasPrefix("READY=1\nSTATUS=playing on 'faulty'") == true)
    #expect(beforeHang.contains("WATCHDOG=1"))
    // Hung in a write: no keep-alive for ten watchdog periods.
    usleep(1_000_000)
    #expect(!listener.drain().contains("WATCHDOG=1"))
    // The driver returns: the keep-alives resume.
    devices.release()
    #expect(wait(upTo: 5) { listener.drain().contains("WATCHDOG=1") })
    stop.store(true, ordering: .relaxed)
    #expect(wait(upTo: 5) { listener.drain().contains("STOPPING=1") })
  }
}
