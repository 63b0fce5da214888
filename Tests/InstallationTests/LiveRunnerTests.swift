import ALSAOutput
import BirdsongSynthesis
import Foundation
import Installation
import Logging
import TestSupport
import Testing

@Suite struct LiveRunnerTests {
  static let twoBoxes = """
    seed: 9
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

  func runner(_ yaml: String = twoBoxes, duration: Double?, devices: FaultyDevices, clock: SimulatedClock) throws
    -> LiveRunner
  {
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    return LiveRunner(
      config: try InstallationConfig.parse(yaml, file: "test.yaml"),
      options: LiveRunner.Options(device: "faulty", duration: duration), opener: devices.opener, clock: clock,
      logger: logger)
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
    let summary = try runner(duration: 8 * 3600, devices: devices, clock: clock).run()

    #expect(summary.underruns == 3)
    #expect(summary.suspends == 2)
    // Busy at start, then two vanishings: three times the device came back.
    #expect(summary.reconnects == 3)
    // Audio time covers the whole day: what was played plus what the schedule moved on while
    // the device was away, which is about as long as it was away (to a retry interval).
    #expect(summary.framesPlayed + summary.framesSkipped == 8 * hour)
    let awaySeconds = Double(summary.framesSkipped) / Double(rate)
    #expect(awaySeconds >= 40 + 125 && awaySeconds <= 40 + 125 + 3 * 3 + 6)
    // No busy loop while waiting: one attempt per retry interval, not thousands.
    #expect(devices.openAttempts <= 3 + (40 + 125) / 3 + 6)
    #expect(summary.songsPerBox.allSatisfy { $0.songs > 50 })
  }

  @Test func stopsWithAFadeWhenAsked() throws {
    let clock = SimulatedClock()
    let devices = FaultyDevices(plan: FaultPlan(), clock: clock)
    let runner = try runner(duration: nil, devices: devices, clock: clock)
    // The simulated clock makes pacing instant; stop after a few simulated seconds.
    let stopper = Thread {
      while clock.now() < 5 { usleep(1000) }
      runner.requestStop()
    }
    stopper.start()
    let summary = try runner.run()
    #expect(summary.framesPlayed >= 5 * 48000)
  }
}
