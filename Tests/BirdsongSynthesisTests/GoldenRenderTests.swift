import BirdsongAudio
import BirdsongCore
import BirdsongSynthesis
import Foundation
import TestSupport
import Testing

/// Renders that must come out the same in this release and the next, bit for bit: a seed's
/// promise is the same sound, not only within one build. When a change to the synthesis is
/// meant to change the sound, run these, check the new sound (listen, look at the
/// spectrogram), then update the hash here and say so in the commit.
@Suite struct GoldenRenderTests {
  /// The samples' bit patterns, little-endian, fingerprinted as the seeded generator does.
  static func hash(_ samples: [Float]) -> UInt64 {
    SeededGenerator.fingerprint(
      bytes: samples.lazy.flatMap { sample in
        withUnsafeBytes(of: sample.bitPattern.littleEndian) { Array($0) }
      })
  }

  static func render(_ generator: any AudioGenerator, seconds: Double) -> [Float] {
    let mixer = Mixer(channels: 1, sampleRate: 48000, capDBFS: -1)
    mixer.add(generator, channel: 0)
    let frames = Int(seconds * 48000)
    return [Float](unsafeUninitializedCapacity: frames) { buffer, count in
      mixer.render(into: buffer.baseAddress!, frames: frames)
      count = frames
    }
  }

  /// The species file that uses every feature (its own copy: the shipped species are tuned
  /// now and then, and each tuning would move a hash that guards the engine).
  static func testBird() throws -> Species {
    let folder = temporaryFolder()
    try SpeciesFileTests.everything.write(toFile: folder + "/test-bird.yaml", atomically: true, encoding: .utf8)
    return try SpeciesCatalogue.load(folder: folder)[0]
  }

  static let expected: [String: UInt64] = [
    "tone": 0xa9f3_e5cc_c3e2_98e5,
    "warble": 0x309f_7cb5_220d_8f45,
    "noise": 0x306d_610e_45d2_fd49,
    "song": 0xc447_7354_264d_a005,
    "song placed in 500-1000 Hz": 0xab90_2a74_0995_5f94,
    "16-bit WAV": 0xebf2_dfbf_6990_8c92,
    "24-bit WAV": 0x1c0b_a85c_bf96_245c,
  ]

  @Test func rendersAreTheSameAsInTheLastRelease() throws {
    var actual: [String: UInt64] = [:]
    for (name, kind) in [("tone", Stimulus.Kind.pureTone), ("warble", .warble), ("noise", .noise)] {
      let stimulus = try Stimulus(kind, frequency: 1000, levelDBFS: -20, duration: 2, sampleRate: 48000, seed: 7)
      actual[name] = Self.hash(Self.render(stimulus, seconds: 2))
    }
    let bird = try Self.testBird()
    let composer = try SongComposer(species: bird, sampleRate: 48000)
    actual["song"] = Self.hash(Self.render(BirdVoice(composer: composer, seed: 11), seconds: 10))
    let placed = try SongComposer(species: bird, band: try FrequencyBand(low: 500, high: 1000), sampleRate: 48000)
    actual["song placed in 500-1000 Hz"] = Self.hash(Self.render(BirdVoice(composer: placed, seed: 11), seconds: 10))
    // The encoded bytes too: rounding and dither are part of what a file holds.
    for format in [SampleFormat.pcm16, .pcm24] {
      let path = temporaryFolder() + "/golden.wav"
      let writer = try WAVWriter(path: path, sampleRate: 48000, channels: 1, format: format)
      let warble = try Stimulus(.warble, frequency: 3000, levelDBFS: -3, duration: 2, sampleRate: 48000)
      let samples = Self.render(warble, seconds: 2)
      try samples.withUnsafeBufferPointer { try writer.write($0) }
      try writer.finish()
      let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
      actual["\(format.bitsPerSample)-bit WAV"] = SeededGenerator.fingerprint(bytes: bytes)
    }
    for (name, hash) in actual.sorted(by: { $0.key < $1.key }) {
      #expect(
        hash == Self.expected[name],
        "\(name): \(String(hash, radix: 16)); if the sound was meant to change, update the expected hash")
    }
  }
}
