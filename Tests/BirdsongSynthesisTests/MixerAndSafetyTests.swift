import BirdsongCore
import BirdsongSynthesis
import Foundation
import Testing

/// A generator that plays fixed samples, for driving the mixer with hostile input.
struct Samples: AudioGenerator {
  var values: [Float]
  var position = 0

  mutating func render(adding buffer: UnsafeMutablePointer<Float>, frames: Int) -> Bool {
    for i in 0..<frames where position + i < values.count { buffer[i] += values[position + i] }
    position += frames
    return true
  }
}

@Suite struct MixerAndSafetyTests {
  func mix(_ mixer: Mixer, frames: Int) -> [Float] {
    var out = [Float](repeating: 0, count: frames * mixer.channels)
    out.withUnsafeMutableBufferPointer { mixer.render(into: $0.baseAddress!, frames: frames) }
    return out
  }

  @Test func nothingGetsPastTheCapWhateverTheInputAndGain() {
    var random = SeededGenerator(seed: 99)
    for trial in 0..<200 {
      let cap = -random.uniform(0...40)
      let mixer = Mixer(channels: 3, sampleRate: 48000, capDBFS: cap)
      for channel in 0..<3 {
        let values: [Float] = (0..<3000).map { i in
          switch random.integer(0...40) {
          case 0: .nan
          case 1: .infinity
          case 2: -.infinity
          default: Float(random.uniform(-1...1) * pow(10, random.uniform(-2...4)) * (i % 97 == 0 ? 1000 : 1))
          }
        }
        mixer.add(Samples(values: values), channel: channel, gainDB: random.uniform(-20...60))
      }
      let limit = Float(pow(10, cap / 20))
      let out = mix(mixer, frames: 3000)
      let worst = out.map { $0.isFinite ? abs($0) : .infinity }.max()!
      #expect(worst <= limit, "trial \(trial): \(worst) over a cap of \(limit)")
    }
  }

  @Test func routesEachInputToItsChannelWithItsGainInDecibels() {
    let mixer = Mixer(channels: 4, sampleRate: 48000, capDBFS: 0)
    mixer.add(Samples(values: Array(repeating: 0.5, count: 4096)), channel: 2, gainDB: -6.0206)
    let out = mix(mixer, frames: 4096)
    // After the start-up fade (10 ms), channel 2 carries 0.25; the others are silent.
    for frame in 1000..<4096 {
      #expect(abs(out[frame * 4 + 2] - 0.25) < 1e-4)
      #expect(out[frame * 4] == 0 && out[frame * 4 + 1] == 0 && out[frame * 4 + 3] == 0)
    }
    #expect(abs(out[2]) < 1e-4)  // the fade in starts from silence
  }

  @Test func gainChangesGlideInsteadOfJumping() {
    let mixer = Mixer(channels: 1, sampleRate: 48000, capDBFS: 0)
    let index = mixer.add(Samples(values: Array(repeating: 0.5, count: 8192)), channel: 0)
    _ = mix(mixer, frames: 2048)
    mixer.setGain(0, forInput: index)
    let out = mix(mixer, frames: 4096)
    var largestStep: Float = 0
    for i in 1..<out.count { largestStep = max(largestStep, abs(out[i] - out[i - 1])) }
    #expect(largestStep < 0.01)
    #expect(out.last == 0)
  }

  @Test func fadeOutEndsInSilenceOnTime() {
    let mixer = Mixer(channels: 2, sampleRate: 48000, capDBFS: 0)
    mixer.add(Samples(values: Array(repeating: 0.5, count: 48000)), channel: 0)
    mixer.scheduleFadeOut(at: 8192, over: 0.02)
    let out = mix(mixer, frames: 12288)
    #expect(out[8191 * 2] > 0.49)
    let fadeEnd = 8192 + 960
    #expect(out[((fadeEnd + 1) * 2)...].allSatisfy { $0 == 0 })
    #expect(out[(8192 + 480) * 2] > 0.1 && out[(8192 + 480) * 2] < 0.4)
  }
}

@Suite struct MixerGainTests {
  /// Sounds (a steady 0.5) in the blocks listed, silent in the others.
  struct Bursts: AudioGenerator {
    let blocks: Set<Int>
    var block = 0
    mutating func render(adding buffer: UnsafeMutablePointer<Float>, frames: Int) -> Bool {
      defer { block += 1 }
      guard blocks.contains(block) else { return false }
      for i in 0..<frames { buffer[i] += 0.5 }
      return true
    }
  }

  @Test func aGainChangedDuringSilenceHoldsFromTheNextSound() {
    let mixer = Mixer(channels: 1, sampleRate: 48000, capDBFS: -1)
    mixer.add(Bursts(blocks: [0, 3]), channel: 0)
    #expect(mixer.nextBlock().contains { $0 != 0 })
    _ = mixer.nextBlock()
    mixer.setGain(0, forInput: 0)  // paused between two sounds
    _ = mixer.nextBlock()
    let next = mixer.nextBlock()
    #expect(next.allSatisfy { $0 == 0 }, "the next sound glided in from the old gain: \(next.map(abs).max()!)")
  }
}
