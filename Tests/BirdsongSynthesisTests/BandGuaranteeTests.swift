import BirdsongAudio
import BirdsongSynthesis
import Foundation
import Testing

/// The band guarantee: wherever a song is placed, energy beyond its band and a 500 Hz guard on
/// each side stays at least 60 dB below the total. Measured on rendered samples (Welch,
/// Blackman-Harris), for every species, at three sample rates.
@Suite struct BandGuaranteeTests {
  static let rates: [Double] = [44100, 48000, 96000]
  static let bands: [(Double, Double)?] = [
    nil,  // natural
    (250, 500), (500, 1000), (1000, 1200), (2000, 4000), (6000, 9000), (9000, 11000), (11000, 12000),
    (250, 12000),
  ]

  /// Renders `seconds` of a species in a band, mono.
  static func render(_ species: Species, band: FrequencyBand?, rate: Double, seconds: Double, seed: UInt64 = 3)
    throws -> [Float]
  {
    let composer = try SongComposer(species: species, band: band, sampleRate: rate)
    var voice = BirdVoice(composer: composer, seed: seed, firstSongWithin: 0.05...0.05)
    var samples = [Float](repeating: 0, count: Int(seconds * rate))
    samples.withUnsafeMutableBufferPointer { _ = voice.render(adding: $0.baseAddress!, frames: $0.count) }
    return samples
  }

  @Test("every species stays 60 dB inside its band plus guard", arguments: SpeciesCatalogue.all.map(\.id))
  func speciesStaysInBand(id: String) throws {
    let species = try #require(SpeciesCatalogue.species(named: id))
    var worst = (leakage: -Double.infinity, case: "")
    defer {
      // BIRDSONG_REPORT=1 swift test -c release --filter BandGuarantee prints the figures.
      if ProcessInfo.processInfo.environment["BIRDSONG_REPORT"] != nil {
        print(String(format: "band guarantee: %@ worst %.1f dB outside band+guard (%@)", id, worst.leakage, worst.case))
      }
    }
    for rate in Self.rates {
      for edges in Self.bands {
        let band = try edges.map { try FrequencyBand(low: $0.0, high: $0.1) } ?? species.naturalBand
        let samples = try Self.render(species, band: band, rate: rate, seconds: 6)
        let spectrum = PowerSpectrum(samples, sampleRate: rate, size: rate > 50000 ? 16384 : 8192)
        let leakage = spectrum.leakage(outside: band)
        #expect(leakage <= -60, "\(id) in \(band) at \(Int(rate)) Hz: \(leakage) dB outside")
        if leakage > worst.leakage { worst = (leakage, "\(band) at \(Int(rate)) Hz") }
      }
    }
  }
}
