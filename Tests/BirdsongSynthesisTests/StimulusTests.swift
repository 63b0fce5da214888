import BirdsongAudio
import BirdsongSynthesis
import Foundation
import Testing

@Suite struct StimulusTests {
  func render(_ stimulus: Stimulus) -> [Float] {
    var stimulus = stimulus
    var samples = [Float](repeating: 0, count: stimulus.length)
    samples.withUnsafeMutableBufferPointer { _ = stimulus.render(adding: $0.baseAddress!, frames: $0.count) }
    return samples
  }

  func decibels(_ x: Double) -> Double { 20 * log10(x) }

  @Test(arguments: [-3.0, -20, -47.5])
  func pureToneHasTheExactPeakLevel(level: Double) throws {
    let samples = render(try Stimulus(.pureTone, frequency: 1000, levelDBFS: level, duration: 1, sampleRate: 48000))
    let peak = Double(samples.map(abs).max()!)
    #expect(abs(decibels(peak) - level) < 0.01)
    let steady = samples[2000..<46000].map { Double($0) * Double($0) }
    let rms = (steady.reduce(0, +) / Double(steady.count)).squareRoot()
    #expect(abs(decibels(rms * 2.0.squareRoot()) - level) < 0.01)  // AES17: a sine's RMS + 3 dB
  }

  @Test func toneRampsAreRaisedCosinesOfTheGivenLength() throws {
    let samples = render(
      try Stimulus(.pureTone, frequency: 1000, levelDBFS: 0, duration: 0.5, ramp: 0.02, sampleRate: 48000))
    #expect(samples[0] == 0)
    // Within the first 10 ms the envelope is below half; after 20 ms the tone is at full level.
    let early = samples[0..<400].map(abs).max()!
    let middle = samples[960..<2000].map(abs).max()!
    #expect(early < 0.5)
    #expect(middle > 0.999)
    #expect(abs(samples.last!) < 0.001)
  }

  @Test func toneIsAtItsFrequencyAndNowhereElse() throws {
    let samples = render(try Stimulus(.pureTone, frequency: 4000, levelDBFS: -10, duration: 2, sampleRate: 48000))
    let spectrum = PowerSpectrum(samples, sampleRate: 48000)
    #expect(abs(spectrum.peakFrequency - 4000) < 10)
    #expect(spectrum.leakage(outside: try FrequencyBand(low: 3999, high: 4001)) < -80)
  }

  @Test func warbleSweepsAroundItsFrequency() throws {
    let samples = render(try Stimulus(.warble, frequency: 2000, levelDBFS: -10, duration: 2, sampleRate: 48000))
    let spectrum = PowerSpectrum(samples, sampleRate: 48000)
    let band = Stimulus.band(.warble, 2000)
    #expect(spectrum.leakage(outside: band) < -60)
    // Energy spreads across the +-5 % swing, not a single line.
    let inner = try FrequencyBand(low: 1990, high: 2010)
    #expect(spectrum.leakage(outside: inner, guard: 0) > -10)
  }

  @Test func noiseHasItsLevelAsRMSAndFillsOneThirdOctave() throws {
    let samples = render(try Stimulus(.noise, frequency: 4000, levelDBFS: -20, duration: 4, sampleRate: 48000))
    let steady = samples[4800..<(samples.count - 4800)].map { Double($0) * Double($0) }
    let rms = (steady.reduce(0, +) / Double(steady.count)).squareRoot()
    #expect(abs(decibels(rms * 2.0.squareRoot()) - -20) < 0.5)
    let spectrum = PowerSpectrum(samples, sampleRate: 48000)
    #expect(spectrum.leakage(outside: Stimulus.band(.noise, 4000)) < -60)
  }

  @Test func refusesLevelsAndBandsItCannotPlay() {
    #expect(throws: SynthesisError.self) {
      try Stimulus(.pureTone, frequency: 1000, levelDBFS: 3, duration: 1, sampleRate: 48000)
    }
    #expect(throws: SynthesisError.self) {
      try Stimulus(.noise, frequency: 1000, levelDBFS: -6, duration: 1, sampleRate: 48000)
    }
    #expect(throws: SynthesisError.self) {
      try Stimulus(.pureTone, frequency: 23700, levelDBFS: -10, duration: 1, sampleRate: 48000)
    }
    #expect(throws: SynthesisError.self) {
      try Stimulus(.pureTone, frequency: 1000, levelDBFS: -10, duration: 0.01, sampleRate: 48000)
    }
  }
}
