import BirdsongAudio
import BirdsongSynthesis
import Foundation
import TestSupport
import Testing

@Suite struct AnalysisTests {
  @Test func fftFindsASineInTheRightBin() {
    let size = 1024
    let fft = FFT(size: size)
    let power = fft.powerSpectrum((0..<size).map { sin(2 * Double.pi * 37 * Double($0) / Double(size)) })
    let peak = power.indices.max { power[$0] < power[$1] }
    #expect(peak == 37)
    #expect(abs(power[37] - Double(size * size) / 4) < 1e-6)
  }

  @Test func leakageMeasuresEnergyOutsideTheBandAndGuard() throws {
    // Two tones 40 dB apart: one inside the band, one far outside it.
    let samples: [Float] = (0..<48000).map { n in
      let t = Double(n) / 48000
      return Float(sin(2 * Double.pi * 1000 * t) + 0.01 * sin(2 * Double.pi * 5000 * t))
    }
    let leakage = PowerSpectrum(samples, sampleRate: 48000).leakage(outside: try FrequencyBand(low: 900, high: 1100))
    #expect(abs(leakage - -40) < 0.1)
  }

  @Test func spectrogramIsAValidPNGOfTheExpectedSize() throws {
    let analyser = Spectrogram(channels: 2, sampleRate: 48000, totalFrames: 48000, columns: 300)
    let samples: [Float] = (0..<96000).map { Float(sin(Double($0 / 2) * 0.5)) * 0.5 }
    try samples.withUnsafeBufferPointer { try analyser.write($0) }
    let png = analyser.png(panels: [
      .init(title: "A", band: try FrequencyBand(low: 3000, high: 5000)), .init(title: "B", band: nil),
    ])
    #expect(Array(png[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }
    #expect(width == 56 + 300 + 16)
    let path = temporaryFolder() + "/s.png"
    try AtomicFile.write(png, to: path)
    #expect(FileManager.default.fileExists(atPath: path))
  }
}

@Suite struct OctaveBandTests {
  @Test func aSineReadsItsLevelInItsOwnBandAndLittleInTheOthers() {
    let meter = OctaveBandMeter(sampleRate: 48000)
    // 1 kHz at amplitude 0.1: mean square 0.005, -23.0 dB.
    let sine = (0..<16384).map { Float(0.1 * sin(2 * Double.pi * 1000 * Double($0) / 48000)) }
    let levels = meter.levels(sine)
    #expect(abs(levels[3] - -23.01) < 0.3, "\(levels)")
    for band in [0, 1, 5, 6] { #expect(levels[band] < -23 - 60, "band \(band): \(levels[band])") }
  }

  @Test func whiteNoiseSpreadsByBandwidthAndTheAverageIsSteady() {
    var generator = SystemRandomNumberGenerator()
    let noise = (0..<96000).map { _ in Float.random(in: -0.5...0.5, using: &generator) }
    let levels = OctaveBandMeter(sampleRate: 48000).averageLevels(noise)
    // Uniform noise in ±0.5 has a mean square of 1/12; an octave band holds (√2 - 1/√2) fc of 24 kHz.
    for (band, centre) in OctaveBandMeter.centres.enumerated() {
      let expected = 10 * log10(1.0 / 12 * centre / 2.squareRoot() / 24000)
      #expect(abs(levels[band] - expected) < 1, "\(centre) Hz: \(levels[band]) dB, expected \(expected)")
    }
  }
}
