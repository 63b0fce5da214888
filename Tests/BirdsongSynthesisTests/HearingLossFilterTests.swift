import BirdsongAudio
import BirdsongSynthesis
import Foundation
import HearingCheck
import Testing

/// The hearing-loss simulation: a loss of audibility, as exact as the audiogram says.
@Suite struct HearingLossFilterTests {
  static let rate = 48000.0

  static func tone(_ frequency: Double, seconds: Double = 1) -> [Float] {
    (0..<Int(seconds * rate)).map { Float(0.5 * sin(2 * Double.pi * frequency * Double($0) / rate)) }
  }

  /// RMS level in dB of the middle half (away from the ends).
  static func level(_ samples: [Float]) -> Double {
    let middle = samples[(samples.count / 4)..<(samples.count * 3 / 4)]
    return 10 * log10(middle.reduce(0) { $0 + Double($1) * Double($1) } / Double(middle.count))
  }

  @Test(arguments: [3000.0, 4000, 6000, 9000])
  func aToneWhereTheLossIs60DBComesOut60DBQuieter(frequency: Double) throws {
    let hearing = try HearingProfile.parse("500:0,1000:0,2000:60,4000:60,8000:60")
    let original = Self.tone(frequency)
    let heard = HearingLossFilter.filtered(original, sampleRate: Self.rate, attenuation: hearing.attenuation(at:))
    let drop = Self.level(original) - Self.level(heard)
    #expect(abs(drop - 60) <= 1, "\(frequency) Hz: \(drop) dB quieter")
  }

  @Test func betweenAudiogramPointsTheLossFollowsTheLineOnALogFrequencyAxis() throws {
    let hearing = try HearingProfile.parse("1000:0,4000:40")
    #expect(abs(hearing.level(at: 2000) - 20) < 1e-9)
    let original = Self.tone(2000)
    let heard = HearingLossFilter.filtered(original, sampleRate: Self.rate, attenuation: hearing.attenuation(at:))
    #expect(abs(Self.level(original) - Self.level(heard) - 20) <= 0.5)
    let low = HearingLossFilter.filtered(Self.tone(500), sampleRate: Self.rate, attenuation: hearing.attenuation(at:))
    #expect(abs(Self.level(Self.tone(500)) - Self.level(low)) <= 0.1, "below the audiogram the loss is its first point")
  }

  @Test func anAllZeroAudiogramLeavesTheSoundAsItWas() throws {
    let hearing = try HearingProfile.parse("250:0,1000:0,8000:0")
    var random = SystemRandomNumberGenerator()
    let original = (0..<48000).map { _ in Float.random(in: -0.5...0.5, using: &random) }
    let heard = HearingLossFilter.filtered(original, sampleRate: Self.rate, attenuation: hearing.attenuation(at:))
    #expect(heard.count == original.count)
    let worst = zip(original, heard).map { abs($0 - $1) }.max() ?? 1
    #expect(worst < 1e-4, "an all-zero audiogram changed a sample by \(worst)")
  }

  @Test func aSongInItsBandKeepsTheBandGuaranteeWhenHeardAt70() throws {
    let mixer = Mixer(channels: 1, sampleRate: Self.rate, capDBFS: -1)
    let goldcrest = try SpeciesCatalogue.lookup("goldcrest")
    let composer = try SongComposer(species: goldcrest, sampleRate: Self.rate)
    mixer.add(BirdVoice(composer: composer, seed: 3, density: 8), channel: 0)
    var song: [Float] = []
    while song.count < 10 * 48000 { song += mixer.nextBlock().map { $0 } }
    let heard = HearingLossFilter.filtered(
      song, sampleRate: Self.rate, attenuation: try HearingProfile.age(70, female: nil).attenuation(at:))
    let leakage = PowerSpectrum(heard, sampleRate: Self.rate).leakage(outside: composer.band)
    #expect(leakage <= -60, "energy outside the band: \(leakage) dB")
    #expect(Self.level(heard) < Self.level(song) - 10, "a 70-year-old hears a goldcrest far fainter")
  }

  @Test func agesOutsideTheStandardAndBadAudiogramsAreRefused() {
    #expect(throws: HearingProfileError.self) { try HearingProfile.age(17, female: true) }
    #expect(throws: HearingProfileError.self) { try HearingProfile.age(81, female: nil) }
    for text in ["1000", "1000:x", "50:20", "1000:130", "1000:10,1000:20", ""] {
      #expect(throws: HearingProfileError.self, "\(text)") { try HearingProfile.parse(text) }
    }
  }

  @Test func audiogramFrequenciesMayBeWrittenInKilohertz() throws {
    let hearing = try HearingProfile.parse("500:10, 1k:15, 4kHz:50, 8000hz:60")
    #expect(hearing.points.map(\.frequency) == [500, 1000, 4000, 8000])
    #expect(hearing.level(at: 4000) == 50)
  }

  @Test func theMedianLossGrowsWithAgeAndPitch() throws {
    let at40 = try HearingProfile.age(40, female: nil)
    let at70 = try HearingProfile.age(70, female: nil)
    #expect(at70.level(at: 4000) > at40.level(at: 4000) + 15)
    #expect(at70.level(at: 8000) > at70.level(at: 1000) + 20)
    #expect(
      try HearingProfile.age(70, female: false).level(at: 4000) > HearingProfile.age(70, female: true).level(at: 4000))
  }
}
