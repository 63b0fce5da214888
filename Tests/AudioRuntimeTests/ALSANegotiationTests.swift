import ALSAOutput
import AudioRuntime
import BirdsongAudio
import BirdsongSynthesis
import CALSA
import Foundation
import TestSupport
import Testing

/// Format, channel and rate negotiation, and the sample encodings, on simulated cards.
@Suite struct ALSANegotiationTests {
  let eight = PCMRequest(channels: 8, sampleRate: 48000)

  @Test(arguments: [
    ([SND_PCM_FORMAT_FLOAT_LE, SND_PCM_FORMAT_S16_LE], SampleFormat.float32),
    ([SND_PCM_FORMAT_S16_LE, SND_PCM_FORMAT_S32_LE], .pcm32),
    ([SND_PCM_FORMAT_S24_3LE, SND_PCM_FORMAT_S16_LE], .pcm24),
    ([SND_PCM_FORMAT_S16_LE], .pcm16),
  ])
  func takesTheBestFormatTheCardOffers(_ formats: [snd_pcm_format_t], _ expected: SampleFormat) throws {
    let card = SimulatedALSA(.init(formats: formats))
    let pcm = try SystemPCM(name: "sim", request: eight, alsa: card)
    #expect(pcm.configuration.format == expected)
    #expect(pcm.configuration.channels == 8 && pcm.configuration.sampleRate == 48000)
    pcm.close()
    #expect(card.closes == 1)
  }

  @Test func aCardWithNoFormatWeWriteIsRefusedInWordsAndClosed() {
    let card = SimulatedALSA(.init(formats: [SND_PCM_FORMAT_U8]))
    #expect {
      try SystemPCM(name: "sim", request: eight, alsa: card)
    } throws: { error in
      "\(error)".contains("none of the sample formats") && "\(error)".contains("plughw")
    }
    #expect(card.opens == 1 && card.closes == 1, "a refused device was left open")
  }

  @Test func tooFewChannelsAndAnotherRateAreRefusedWithTheWayOut() {
    let stereo = SimulatedALSA(.init(maxChannels: 2))
    #expect {
      try SystemPCM(name: "sim", request: eight, alsa: stereo)
    } throws: { error in
      "\(error)".contains("plays at most 2 channel(s), but the installation needs 8")
    }
    let cd = SimulatedALSA(.init(rates: [44100]))
    #expect {
      try SystemPCM(name: "sim", request: eight, alsa: cd)
    } throws: { error in
      "\(error)".contains("cannot play at 48000 Hz (nearest: 44100 Hz)") && "\(error)".contains("sample_rate: 44100")
    }
  }

  @Test func openFailuresSayWhatKindTheyAre() {
    for (code, kind) in [(-EBUSY, ALSAError.Kind.busy), (-ENODEV, .noDevice), (-EIO, .ioError)] {
      let card = SimulatedALSA(.init(openResult: { code }))
      #expect {
        try SystemPCM(name: "sim", request: eight, alsa: card)
      } throws: { error in
        (error as? ALSAError)?.kind == kind
      }
    }
    #expect(ALSAError("snd_pcm_open", code: -EBUSY, device: "hw:1").summary.contains("another program"))
  }

  @Test(arguments: SampleFormat.allCases)
  func theEncoderSilencesNaNAndClampsOverloads(_ format: SampleFormat) {
    var encoder = SampleEncoder(format: format, seed: 3)
    let input: [Float] = [.nan, 2, -2, .infinity, -.infinity, 0.5]
    var bytes = [UInt8](repeating: 0, count: encoder.bytesNeeded(for: input.count))
    bytes.withUnsafeMutableBytes { encoder.encode(input, count: input.count, into: $0.baseAddress!) }
    let decoded = decode(Array(bytes.prefix(input.count * format.bytesPerSample)), format)
    let step: Float = format == .pcm16 ? 2.0 / 32768 : 1.0 / 8_388_608
    #expect(abs(decoded[0]) <= step, "NaN became \(decoded[0])")
    #expect(decoded[1] >= 1 - step && decoded[1] <= 1 && decoded[3] >= 1 - step && decoded[3] <= 1)
    #expect(decoded[2] == -1 || abs(decoded[2] + 1) <= step)
    #expect(abs(decoded[4] + 1) <= step && abs(decoded[5] - 0.5) <= step)
  }

  /// Two identical mixers: a 997 Hz tone on channel 1, a quieter 3 kHz one on channel 2.
  func mixer() throws -> Mixer {
    let mixer = Mixer(channels: 2, sampleRate: 48000, capDBFS: -1)
    mixer.add(try Stimulus(.pureTone, frequency: 997, levelDBFS: -3, duration: 1, sampleRate: 48000), channel: 0)
    mixer.add(try Stimulus(.pureTone, frequency: 3000, levelDBFS: -40, duration: 1, sampleRate: 48000), channel: 1)
    return mixer
  }

  /// Decodes what the card was given, the way a WAV reader decodes a file.
  func decode(_ bytes: [UInt8], _ format: SampleFormat) -> [Float] {
    bytes.withUnsafeBytes { raw in
      stride(from: 0, to: raw.count, by: format.bytesPerSample).map { at in
        switch format {
        case .pcm16: Float(raw.loadUnaligned(fromByteOffset: at, as: Int16.self)) / 32768
        case .pcm24:
          Float(
            Int32(bitPattern: UInt32(raw[at]) << 8 | UInt32(raw[at + 1]) << 16 | UInt32(raw[at + 2]) << 24) >> 8)
            / 8_388_608
        case .pcm32: Float(raw.loadUnaligned(fromByteOffset: at, as: Int32.self)) / 2_147_483_648
        case .float32: raw.loadUnaligned(fromByteOffset: at, as: Float.self)
        }
      }
    }
  }

  @Test(arguments: [SampleFormat.pcm16, .pcm24, .pcm32, .float32])
  func aCardGetsTheSamplesAWAVRenderHas(_ format: SampleFormat) throws {
    let alsaFormat = SystemPCMFormats.alsa(format)
    let card = SimulatedALSA(.init(formats: [alsaFormat]))
    let frames = 24000
    let runtime = AudioRuntime(
      program: MixerProgram(try mixer()),
      output: DeviceOutput(
        name: "sim", request: PCMRequest(channels: 2, sampleRate: 48000), opener: SystemPCM.opener(through: card)),
      options: .init(frames: frames))
    #expect(runtime.run())
    let path = temporaryFolder() + "/same.wav"
    let writer = try WAVWriter(path: path, sampleRate: 48000, channels: 2, format: format)
    try AudioRuntime.render(try mixer(), frames: frames, to: [writer])
    let file = try WAVReader(path: path).readAll()
    let device = decode(card.written, format)
    #expect(device.count == frames * 2)
    #expect(device == file, "the \(format.alsaName) stream differs from the \(format.rawValue) WAV render")
    // And it is the tone, not silence or noise: within one step of the float render.
    let reference = MemorySink(channels: 2)
    try AudioRuntime.render(try mixer(), frames: frames, to: [reference])
    let step: Float = format == .pcm16 ? 2.0 / 32768 : 1.0 / 8_388_608
    #expect(zip(device, reference.samples).allSatisfy { abs($0 - $1) <= step })
  }
}

/// The ALSA name of each sample format, for building simulated cards.
enum SystemPCMFormats {
  static func alsa(_ format: SampleFormat) -> snd_pcm_format_t {
    switch format {
    case .pcm16: SND_PCM_FORMAT_S16_LE
    case .pcm24: SND_PCM_FORMAT_S24_3LE
    case .pcm32: SND_PCM_FORMAT_S32_LE
    case .float32: SND_PCM_FORMAT_FLOAT_LE
    }
  }
}
