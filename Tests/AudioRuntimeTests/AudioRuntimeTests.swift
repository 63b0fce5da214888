import ALSAOutput
import AudioRuntime
import BirdsongAudio
import BirdsongSynthesis
import CALSA
import Foundation
import Synchronization
import TestSupport
import Testing

/// A sound card that fails as a script says, simulated at the alsa-lib calls: it opens (or
/// refuses, as an unplugged card does) and its writes fail with EIO (a flaky USB card, a full
/// disk behind `file:`) until the simulated clock reaches `healthyAt`.
final class ScriptedDevices: Sendable {
  let clock: SimulatedClock
  let healthyAt: Double
  let refuseOpen: Bool
  private let opens = Mutex<[Double]>([])

  init(clock: SimulatedClock, healthyAt: Double, refuseOpen: Bool) {
    self.clock = clock
    self.healthyAt = healthyAt
    self.refuseOpen = refuseOpen
  }

  /// When each attempt to open was made (simulated seconds).
  var openTimes: [Double] { opens.withLock { $0 } }

  var opener: PCMOpener {
    let card = SimulatedALSA(
      .init(
        formats: [SND_PCM_FORMAT_S16_LE],
        openResult: { [self] in
          let now = clock.now()
          opens.withLock { $0.append(now) }
          return refuseOpen && now < healthyAt ? -ENODEV : 0
        },
        writeResult: { [self] in !refuseOpen && clock.now() < healthyAt ? -EIO : 0 }))
    return SystemPCM.opener(through: card)
  }
}

/// A steady tone that counts what it was asked to render and to skip.
struct CountingTone: AudioGenerator {
  var rendered = 0
  var skipped = 0
  var phase = 0.0

  mutating func render(adding buffer: UnsafeMutablePointer<Float>, frames: Int) -> Bool {
    for i in 0..<frames {
      buffer[i] += Float(0.1 * sin(2 * Double.pi * phase))
      phase += 440.0 / 48000
    }
    rendered += frames
    return true
  }

  mutating func skip(frames: Int) { skipped += frames }
}

@Suite struct AudioRuntimeTests {
  func toneMixer() -> Mixer {
    let mixer = Mixer(channels: 2, sampleRate: 48000, capDBFS: -1)
    mixer.add(CountingTone(), channel: 0)
    return mixer
  }

  @Test func theQueueKeepsOrderAcrossThreadsAndRefusesWhenFull() {
    let small = SPSCQueue<Int>(capacity: 4)
    #expect((0..<4).allSatisfy { small.push($0) })
    #expect(!small.push(4), "a full queue took one more")
    #expect(small.pop() == 0)

    let queue = SPSCQueue<Int>(capacity: 64)
    let count = 200_000
    let producer = Thread {
      for value in 0..<count {
        while !queue.push(value) {}
      }
    }
    producer.start()
    var expected = 0
    while expected < count {
      if let value = queue.pop() {
        if value != expected { break }
        expected += 1
      }
    }
    #expect(expected == count, "values arrived out of order at \(expected)")
  }

  @Test func aDeviceThatOpensButFailsIsRetriedWithBackOffNotInALoop() throws {
    let clock = SimulatedClock()
    let devices = ScriptedDevices(clock: clock, healthyAt: 60, refuseOpen: false)
    let runtime = AudioRuntime(
      program: MixerProgram(toneMixer()),
      output: DeviceOutput(name: "flaky", request: PCMRequest(channels: 2, sampleRate: 48000), opener: devices.opener),
      clock: clock, options: .init(frames: 90 * 48000, retry: .init()))
    #expect(runtime.run())
    let counters = runtime.counters.snapshot
    let times = devices.openTimes
    let gaps = zip(times, times.dropFirst()).map { $1 - $0 }
    // 0.1, 0.2, 0.4, ... up to 3 s: about 25 attempts in a minute, not tens of thousands.
    #expect(times.count >= 20 && times.count <= 30, "\(times.count) attempts to open in 60 s")
    #expect(abs(gaps[0] - 0.1) < 0.01 && abs(gaps[1] - 0.2) < 0.01 && abs(gaps[2] - 0.4) < 0.01, "\(gaps.prefix(4))")
    #expect(gaps.allSatisfy { $0 <= 3.01 }, "waited longer than 3 s between attempts")
    #expect(zip(gaps, gaps.dropFirst()).allSatisfy { $1 >= $0 - 0.01 }, "the back-off shrank while still failing")
    // One outage, however many attempts it took, and one return.
    #expect(counters.outages == 1)
    #expect(counters.reconnects == 1)
    #expect(runtime.failure == nil)
    // The whole run is accounted for: played, or skipped while the device failed.
    #expect(counters.framesPlayed + counters.framesSkipped >= 90 * 48000)
    #expect(counters.framesSkipped >= 60 * 48000 && counters.framesSkipped <= 64 * 48000)
  }

  @Test func missedAudioIsSkippedNotSynthesised() throws {
    let clock = SimulatedClock()
    // An unplugged card: opening fails for the first 30 s.
    let devices = ScriptedDevices(clock: clock, healthyAt: 30, refuseOpen: true)
    let mixer = toneMixer()
    let runtime = AudioRuntime(
      program: MixerProgram(mixer),
      output: DeviceOutput(name: "usb", request: PCMRequest(channels: 2, sampleRate: 48000), opener: devices.opener),
      clock: clock, options: .init(frames: 40 * 48000, retry: .init()))
    #expect(runtime.run())
    let counters = runtime.counters.snapshot
    let tone = try #require(mixer.inputs[0].generator as? CountingTone)
    // The 30 s away were skipped by the generator, never rendered.
    #expect(tone.skipped >= 30 * 48000 && tone.skipped <= 33 * 48000, "skipped \(tone.skipped)")
    #expect(tone.rendered <= counters.framesPlayed + Mixer.blockSize)
    #expect(counters.framesSkipped + counters.framesPlayed >= 40 * 48000)
    #expect(counters.outages == 1 && counters.reconnects == 1)
  }

  @Test(arguments: [false, true])
  func aFailedFileEndsTheRenderAndSaysWhy(writerThread: Bool) throws {
    let folder = temporaryFolder()
    // A WAV writer whose file system refuses: the folder is made read-only after opening.
    let writer = try WAVWriter(path: folder + "/out.wav", sampleRate: 48000, channels: 2, format: .pcm16)
    final class FullDisk: AudioSink {
      let channels = 2
      var writes = 0
      func write(_ samples: UnsafeBufferPointer<Float>) throws {
        writes += 1
        if writes > 10 { throw WAVError.writeFailed(path: "disk", reason: "No space left on device") }
      }
      func finish() throws {}
    }
    let full = FullDisk()
    let runtime = AudioRuntime(
      program: MixerProgram(toneMixer()), output: SinkOutput([writer, full], writerThread: writerThread),
      options: .init(frames: 10 * 48000))
    #expect(!runtime.run())
    #expect(runtime.failure?.contains("No space left") == true)
    #expect(!FileManager.default.fileExists(atPath: folder + "/out.wav"), "a half-written file was put in place")
  }

  @Test func aWriterThreadWritesExactlyWhatTheRenderThreadMade() throws {
    let direct = MemorySink(channels: 2)
    let threaded = MemorySink(channels: 2)
    for (sink, writerThread) in [(direct, false), (threaded, true)] {
      let runtime = AudioRuntime(
        program: MixerProgram(toneMixer()), output: SinkOutput([sink], writerThread: writerThread),
        options: .init(frames: 300_001))  // not a whole number of slots or blocks
      #expect(runtime.run())
    }
    #expect(threaded.samples.count == 600_002)
    #expect(threaded.samples == direct.samples)
  }

  @Test func aStopFadesOutInsteadOfCutting() throws {
    let sink = MemorySink(channels: 2)
    let runtime = AudioRuntime(
      program: MixerProgram(toneMixer()), output: SinkOutput(sink), options: .init(paceToWallClock: true))
    runtime.start()
    while runtime.counters.framesPlayed.load(ordering: .relaxed) < 9600 { usleep(1000) }
    runtime.requestStop()
    runtime.wait()
    // The tone never stops by itself, so whatever ends it is the runtime's stop.
    let left = sink.channel(0)
    let end = left.count
    #expect(end > 9600 && end < 48000, "stopped after \(end) frames")
    let before = left[(end - 3000)..<(end - 1100)].map(abs).max()!
    let last = left[(end - 48)...].map(abs).max()!
    #expect(before > 0.09, "the tone was not sounding before the stop")
    #expect(last < before * 0.05, "the end was cut, not faded (\(last) vs \(before))")
    let slope = Float(0.1 * 2 * Double.pi * 440 / 48000) * 1.05
    #expect(zip(left, left.dropFirst()).allSatisfy { abs($1 - $0) <= slope })
  }

  @Test func replacingTheProgramFadesOutAndInInsteadOfCutting() throws {
    func sine(_ frequency: Double) -> Mixer {
      let mixer = Mixer(channels: 1, sampleRate: 48000, capDBFS: -1)
      mixer.add(
        try! Stimulus(.pureTone, frequency: frequency, levelDBFS: -6, duration: 10, sampleRate: 48000), channel: 0)
      return mixer
    }
    let sink = MemorySink(channels: 1)
    let runtime = AudioRuntime(
      program: MixerProgram(sine(1000)), output: SinkOutput(sink),
      options: .init(frames: 48000, paceToWallClock: true))
    runtime.start()
    while runtime.counters.framesPlayed.load(ordering: .relaxed) < 12000 { usleep(1000) }
    runtime.send(.replace(MixerProgram(sine(3000))))
    runtime.wait()
    let samples = sink.samples
    #expect(samples.count == 48000)
    #expect(runtime.counters.swaps.load(ordering: .relaxed) == 1)
    // The fastest a -6 dBFS sine at 3 kHz moves in one sample; a cut would jump by up to 1.
    let slope = Float(0.5 * 2 * Double.pi * 3000 / 48000) * 1.05
    let steps = zip(samples, samples.dropFirst()).map { abs($1 - $0) }
    #expect(steps.max()! <= slope, "a step of \(steps.max()!) (a click)")
    // Both programs were heard.
    let first = PowerSpectrum(Array(samples[2048..<10240]), sampleRate: 48000, size: 8192)
    let last = PowerSpectrum(Array(samples[36000..<44192]), sampleRate: 48000, size: 8192)
    #expect(abs(first.peakFrequency - 1000) < 10 && abs(last.peakFrequency - 3000) < 10)
  }
}

@Suite struct ToneVoiceTests {
  /// Plays `first`, then after 0.3 s either silences it or replaces it with `second`.
  func render(_ first: Double, then second: Double?) throws -> [Float] {
    let voice = ToneVoice(sampleRate: 48000)
    let mixer = Mixer(channels: 1, sampleRate: 48000, capDBFS: -1)
    mixer.add(voice, channel: 0)
    var slot: Stimulus? = try Stimulus(.pureTone, frequency: first, levelDBFS: -6, duration: 5, sampleRate: 48000)
    voice.play(swapping: &slot)
    #expect(slot == nil)
    let before = UnsafeMutablePointer<Float>.allocate(capacity: 14400)
    defer { before.deallocate() }
    mixer.render(into: before, frames: 14400)  // 0.3 s
    var next: Stimulus? = try second.map {
      try Stimulus(.pureTone, frequency: $0, levelDBFS: -6, duration: 5, sampleRate: 48000)
    }
    if next != nil { voice.play(swapping: &next) } else { voice.silence(swapping: &next) }
    let after = UnsafeMutablePointer<Float>.allocate(capacity: 24000)
    defer { after.deallocate() }
    mixer.render(into: after, frames: 24000)
    return Array(UnsafeBufferPointer(start: after, count: 24000))
  }

  @Test func silencingAToneEndsInAReleaseNotAClick() throws {
    let after = try render(1000, then: nil)
    // Heard until the next block boundary, then gone within the 20 ms release.
    let last = try #require(after.lastIndex { $0 != 0 })
    #expect(last < Mixer.blockSize + 960 + 1, "still sounding \(last) frames after the stop")
    let slope = Float(0.5 * 2 * Double.pi * 1000 / 48000) * 1.05
    #expect(zip(after, after.dropFirst()).allSatisfy { abs($1 - $0) <= slope })
    // Nothing broadband: energy outside 500-1500 Hz stays 60 dB below the tone.
    let spectrum = PowerSpectrum(Array(after[0..<4096]), sampleRate: 48000, size: 4096)
    #expect(spectrum.leakage(outside: try FrequencyBand(low: 999, high: 1001)) <= -60)
  }

  @Test func replacingAToneReleasesTheOldOneFirst() throws {
    let after = try render(1000, then: 4000)
    let slope = Float(0.5 * 2 * Double.pi * 4000 / 48000) * 1.05
    #expect(zip(after, after.dropFirst()).allSatisfy { abs($1 - $0) <= slope })
    let spectrum = PowerSpectrum(Array(after[0..<4096]), sampleRate: 48000, size: 4096)
    // The old tone's release and the new tone's onset, both inside their bands.
    let both = spectrum.leakage(outside: try FrequencyBand(low: 1000, high: 4000))
    #expect(both <= -60, "\(both) dB outside 500-4500 Hz")
    let late = PowerSpectrum(Array(after[12000..<20192]), sampleRate: 48000, size: 8192)
    #expect(abs(late.peakFrequency - 4000) < 10)
  }
}
