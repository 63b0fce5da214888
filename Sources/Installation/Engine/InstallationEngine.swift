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
      let composer = try SongComposer(species: box.species, band: box.band, sampleRate: rate)
      // Each box draws from its own stream, named after the box: editing one box never
      // changes what another sings. The first songs spread over the first period.
      let period = 60 / (box.species.song.songsPerMinute.lowerBound * max(box.density, 0.01))
      var stream = SeededGenerator(seed: seed, stream: box.name)
      let voice = BirdVoice(
        composer: composer, seed: stream.next(), density: box.density,
        firstSongWithin: 0.5...max(0.5, min(period, 30)))
      mixer.add(voice, channel: box.channel, gainDB: box.gainDB)
    }
  }

  /// Songs each box has started so far.
  public var songsPerBox: [(box: String, songs: Int)] {
    zip(config.boxes, mixer.inputs).map { ($0.name, ($1.generator as? BirdVoice)?.songsStarted ?? 0) }
  }
}
