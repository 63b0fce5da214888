import AllocationCounter
import AudioRuntime
import BirdsongAudio
import BirdsongSynthesis
import Foundation
import Installation
import InstallationService
import Kiosk

// Counts the render thread's heap allocations, in a process of its own (malloc is interposed
// here, not in the test runner): prints one "name count" line per check. Not part of the
// product; AllocationTests runs it.
//   allocation-probe CONFIG

/// Allocations made while `body` runs on this thread, after a warm-up of one-time set-up.
func allocations(_ body: () -> Void) -> Int {
  var warmUp = try! Stimulus(.warble, frequency: 1000, levelDBFS: -20, duration: 0.1, sampleRate: 48000)
  withUnsafeTemporaryAllocation(of: Float.self, capacity: 4800) { buffer in
    buffer.initialize(repeating: 0)
    warmUp.render(adding: buffer.baseAddress!, frames: 4800)
  }
  birdsong_allocations_start()
  body()
  return birdsong_allocations_stop()
}

let configPath = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "Config/installation.yaml"

// The counter itself: an allocation it must see.
let seen = allocations {
  let array = [Int](repeating: 1, count: Int.random(in: 100...200))
  precondition(array.count >= 100)
}
print("counter \(seen)")

// Every generator: all species singing densely, the three stimuli, the sweep, an outage's skip.
let rate = 48000.0
let mixer = Mixer(channels: 8, sampleRate: rate, capDBFS: -1)
for (index, bird) in SpeciesCatalogue.all.enumerated() {
  let composer = try SongComposer(species: bird, sampleRate: rate)
  mixer.add(BirdVoice(composer: composer, seed: UInt64(index), density: 8), channel: index % 8, gainDB: -6)
}
for (kind, channel) in [(Stimulus.Kind.pureTone, 0), (.warble, 3), (.noise, 6)] {
  let stimulus = try Stimulus(kind, frequency: 2000, levelDBFS: -30, duration: 2, sampleRate: rate)
  mixer.add(RepeatingStimulus(stimulus, every: 3, sampleRate: rate), channel: channel)
}
mixer.add(try SpeciesSweep(sampleRate: rate, seed: 2), channel: 7)
_ = mixer.nextBlock()
let generators = allocations {
  for block in 0..<10_000 {
    _ = mixer.nextBlock()
    if block == 5000 { mixer.skip(frames: 48000) }
  }
}
print("species \(SpeciesCatalogue.all.count)")
print("generators \(generators)")

// The hearing-loss filter: 10,000 blocks of the mixer's size through one channel's filter.
let hearingLoss = HearingLossFilter(sampleRate: rate) { $0 > 2000 ? 40 : 0 }
let filterBlock = UnsafeMutablePointer<Float>.allocate(capacity: Mixer.blockSize)
filterBlock.initialize(repeating: 0.1, count: Mixer.blockSize)
let filtering = allocations {
  for _ in 0..<10_000 { hearingLoss.process(filterBlock, count: Mixer.blockSize) }
}
print("hearing-loss \(filtering)")

// Commands: headphone tones and installation gains and songs.
let headphones = HeadphoneProgram(sampleRate: 48000, capDBFS: -25)
let tone = try Stimulus(.pureTone, frequency: 1000, levelDBFS: -40, duration: 1, sampleRate: 48000)
let config = try InstallationConfig.load(path: configPath)
let installation = InstallationProgram(engine: try InstallationEngine(config: config))
var toneCommands = (0..<200).map { index in
  HeadphoneProgram.Command(left: index % 3 == 2 ? nil : tone, right: index % 2 == 0 ? tone : nil)
}
var boxCommands: [InstallationProgram.Command] = (0..<200).map { index in
  index % 2 == 0 ? .gain(box: index % 8, Float(index % 5) / 4) : .sing(box: index % 8)
}
_ = headphones.mixer.nextBlock()
_ = installation.mixer.nextBlock()
let commands = allocations {
  for index in toneCommands.indices {
    headphones.apply(&toneCommands[index])
    _ = headphones.mixer.nextBlock()
    installation.apply(&boxCommands[index])
    _ = installation.mixer.nextBlock()
    installation.didRender()
  }
}
print("commands \(commands)")

/// A program that counts the render thread's allocations from its second block on.
final class CountingProgram: AudioProgram {
  typealias Command = InstallationProgram.Command
  let inner: InstallationProgram
  var mixer: Mixer { inner.mixer }
  var blocks = 0
  var counted = -1
  init(_ inner: InstallationProgram) { self.inner = inner }
  func apply(_ command: inout Command) { inner.apply(&command) }
  func didRender() {
    inner.didRender()
    blocks += 1
    if blocks == 2 { birdsong_allocations_start() }
    if blocks == 10_002 { counted = birdsong_allocations_stop() }
  }
}
let counting = CountingProgram(InstallationProgram(engine: try InstallationEngine(config: config)))
let runtime = AudioRuntime(
  program: counting, output: SinkOutput(DiscardSink(channels: 8)), options: .init(frames: 10_010 * Mixer.blockSize))
runtime.start()
runtime.wait()
print("loop \(counting.counted)")
