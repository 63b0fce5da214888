import AllocationCounter
import AudioRuntime
import BirdsongAudio
import BirdsongSynthesis
import Foundation
import Installation
import InstallationService
import Kiosk
import TestSupport
import Testing

/// The render thread allocates nothing: every generator, the mixer and safety stage, the
/// programs' commands and the runtime's loop, counted by an interposed malloc.
@Suite(.serialized) struct AllocationTests {
  /// Allocations made while `body` runs on this thread.
  func allocations(_ body: () -> Void) -> Int {
    // One-time set-up (the shared sine table, type metadata) is not the steady state.
    var warmUp = try! Stimulus(.warble, frequency: 1000, levelDBFS: -20, duration: 0.1, sampleRate: 48000)
    withUnsafeTemporaryAllocation(of: Float.self, capacity: 4800) { buffer in
      buffer.initialize(repeating: 0)
      warmUp.render(adding: buffer.baseAddress!, frames: 4800)
    }
    birdsong_allocations_start()
    body()
    return birdsong_allocations_stop()
  }

  @Test func theCounterSeesAnAllocation() {
    let count = allocations {
      let array = [Int](repeating: 1, count: Int.random(in: 100...200))
      #expect(array.count >= 100)
    }
    #expect(count >= 1, "the allocation counter does not count")
  }

  @Test func everyGeneratorRendersTenThousandBlocksWithoutAllocating() throws {
    let rate = 48000.0
    let species = SpeciesCatalogue.all
    #expect(species.count == 20)
    let mixer = Mixer(channels: 8, sampleRate: rate, capDBFS: -1)
    for (index, bird) in species.enumerated() {
      let composer = try SongComposer(species: bird, sampleRate: rate)
      // Dense singing, so that every bird sings many songs in the 10,000 blocks.
      mixer.add(
        BirdVoice(composer: composer, seed: UInt64(index), density: 8), channel: index % 8, gainDB: -6)
    }
    for (kind, channel) in [(Stimulus.Kind.pureTone, 0), (.warble, 3), (.noise, 6)] {
      let stimulus = try Stimulus(kind, frequency: 2000, levelDBFS: -30, duration: 2, sampleRate: rate)
      mixer.add(RepeatingStimulus(stimulus, every: 3, sampleRate: rate), channel: channel)
    }
    mixer.add(try SpeciesSweep(sampleRate: rate, seed: 2), channel: 7)
    _ = mixer.nextBlock()  // first-use set-up (metadata, tables) is not the steady state
    let count = allocations {
      for block in 0..<10_000 {
        _ = mixer.nextBlock()
        if block == 5000 { mixer.skip(frames: 48000) }  // an outage's skip, too
      }
    }
    #expect(count == 0, "\(count) allocations in 10,000 blocks")
  }

  @Test func commandsAreAppliedWithoutAllocating() throws {
    let headphones = HeadphoneProgram(sampleRate: 48000, capDBFS: -25)
    let tone = try Stimulus(.pureTone, frequency: 1000, levelDBFS: -40, duration: 1, sampleRate: 48000)
    let config = try InstallationConfig.load(path: packageRoot() + "/Config/installation.yaml")
    let installation = InstallationProgram(engine: try InstallationEngine(config: config))
    // Every command carries its own stimuli, made here, as HeadphoneOutput makes them.
    var commands = (0..<200).map { index in
      HeadphoneProgram.Command(left: index % 3 == 2 ? nil : tone, right: index % 2 == 0 ? tone : nil)
    }
    var boxCommands: [InstallationProgram.Command] = (0..<200).map { index in
      index % 2 == 0 ? .gain(box: index % 8, Float(index % 5) / 4) : .sing(box: index % 8)
    }
    _ = headphones.mixer.nextBlock()
    _ = installation.mixer.nextBlock()
    let count = allocations {
      for index in commands.indices {
        headphones.apply(&commands[index])
        _ = headphones.mixer.nextBlock()
        installation.apply(&boxCommands[index])
        _ = installation.mixer.nextBlock()
        installation.didRender()
      }
    }
    #expect(count == 0, "\(count) allocations applying 400 commands")
  }

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

  @Test func theRuntimeLoopAllocatesNothingWhilePlaying() throws {
    let config = try InstallationConfig.load(path: packageRoot() + "/Config/installation.yaml")
    let program = CountingProgram(InstallationProgram(engine: try InstallationEngine(config: config)))
    let runtime = AudioRuntime(
      program: program, output: SinkOutput(DiscardSink(channels: 8)),
      options: .init(frames: 10_010 * Mixer.blockSize))
    runtime.start()
    runtime.wait()
    #expect(program.counted == 0, "the render loop allocated \(program.counted) times in 10,000 blocks")
  }
}
