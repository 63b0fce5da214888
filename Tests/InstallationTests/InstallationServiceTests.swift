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
}
