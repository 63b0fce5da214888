import BirdsongCore
import BirdsongSynthesis

/// The installation as one multichannel source: a bird voice per box on its own channel,
/// each with its own seeded schedule, mixed and capped by a `Mixer`.
///
/// `birdsong render --installation` and `birdsong run` both play this, so the same config and
/// seed give the same samples on a WAV file and on a sound card.
public final class InstallationEngine {
  public let config: InstallationConfig
  public let mixer: Mixer

  public init(config: InstallationConfig, seed: UInt64? = nil) throws(SynthesisError) {
    self.config = config
    let seed = seed ?? config.seed
    let rate = Double(config.sampleRate)
    mixer = Mixer(channels: config.channels, sampleRate: rate, capDBFS: config.outputCapDBFS)
    for box in config.boxes {
      // Each box draws from its own stream, named after the box: editing one box never
      // changes what another sings.
      var stream = SeededGenerator(seed: seed, stream: box.name)
      mixer.add(
        try Self.voice(for: box, seed: stream.next(), sampleRate: rate), channel: box.channel, gainDB: box.gainDB)
    }
  }

  /// What a box plays: a bird singing on its schedule, or a stimulus again and again. The
  /// first song comes within the first period (up to 30 s), so boxes do not all start together;
  /// `firstAfter` fixes the moment instead.
  public static func voice(
    for box: InstallationConfig.Box, seed: UInt64, sampleRate rate: Double, firstAfter: Double? = nil
  ) throws(SynthesisError) -> any AudioGenerator {
    switch box.sound {
    case .species(let species):
      let composer = try SongComposer(species: species, band: box.band, sampleRate: rate)
      let period = 60 / (species.song.songsPerMinute.lowerBound * max(box.density, 0.01))
      return BirdVoice(
        composer: composer, seed: seed, density: box.density,
        firstSongWithin: firstAfter.map { $0...$0 } ?? 0.5...max(0.5, min(period, 30)))
    case .stimulus(let kind, let frequency, let level, let every):
      let stimulus = try Stimulus(
        kind, frequency: frequency, levelDBFS: level, duration: 2, sampleRate: rate, seed: seed)
      return RepeatingStimulus(
        stimulus, every: every / max(box.density, 0.01), sampleRate: rate, firstAfter: firstAfter ?? 0.5)
    }
  }
}
