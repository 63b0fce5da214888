import BirdsongAudio
import BirdsongSynthesis
import ConfigFiles
import Foundation
import TestSupport
import Testing

/// Species files: what the format can say, and the errors a mistake gets.
@Suite struct SpeciesFileTests {
  /// A species using every feature of the format: timed pitch and level breakpoints, a
  /// vibrato buzz, noise, partials, two voices, named phrases, repeats and alternatives.
  static let everything = """
    name: Test bird
    scientific: Avis probata
    band: 2000-6000
    summary: every feature at once
    sources: [made up for the tests]
    structure: {song_seconds: 0.5-3, notes_per_second: 2-30}
    songs_per_minute: 20-30
    syllables:
      sweep:
        duration: 0.05
        pitch: [[0, 5000], [0.2, 3000], [1, 3200]]
        envelope: [[0, 0], [0.3, 1], [0.6, 0.5], [1, 0]]
      buzz:
        duration: 0.2
        pitch: [3000, 3300]
        vibrato: {rate: 120, depth: 1}
        noise: {width: 300, mix: 0.6}
      low-voice:
        duration: 0.3
        pitch: [2200, 2500]
        harmonics: [0.2]
      high-voice:
        duration: 0.25
        pitch: [4500, 4000]
    phrases:
      trill: {repeat: 4-6, tempo: 0.95, transpose: -0.2, phrase: [sweep, {rest: 0.02}]}
    song:
      - trill
      - {rest: 0.05-0.1}
      - one_of: [[buzz], [trill, buzz]]
      - together: [[low-voice], [high-voice]]
    """

  /// Writes files into a fresh folder and loads it as a catalogue.
  func load(_ files: [String: String]) throws(ConfigError) -> [Species] {
    let folder = temporaryFolder()
    for (name, text) in files { try! text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8) }
    return try SpeciesCatalogue.load(folder: folder)
  }

  /// The error a file gets, or a failed test if it loads.
  func error(_ text: String, name: String = "test-bird.yaml") -> ConfigError? {
    do {
      _ = try load([name: text])
      Issue.record("the file loaded")
      return nil
    } catch {
      return error
    }
  }

  @Test func aFileUsingEveryFeatureLoadsAndSingsBothVoicesAtOnce() throws {
    let bird = try #require(try load(["test-bird.yaml": Self.everything]).first)
    #expect(bird.id == "test-bird" && bird.commonName == "Test bird")
    let notes = try SongComposer(species: bird, sampleRate: 48000).sketch(seed: 1)
    let last = notes.suffix(2)
    #expect(last.first?.lowerBound == last.last?.lowerBound, "the two voices do not start together")
    #expect(notes.count >= 4 + 1 + 2)
  }

  @Test("every feature stays inside the band and its guard", arguments: [(2000.0, 6000.0), (250, 500), (9000, 11000)])
  func everyFeatureStaysInBand(edges: (Double, Double)) throws {
    let bird = try #require(try load(["test-bird.yaml": Self.everything]).first)
    let band = try FrequencyBand(low: edges.0, high: edges.1)
    for rate in BandGuaranteeTests.rates {
      let samples = try BandGuaranteeTests.render(bird, band: band, rate: rate, seconds: 6)
      let leakage = PowerSpectrum(samples, sampleRate: rate, size: rate > 50000 ? 16384 : 8192).leakage(outside: band)
      #expect(leakage <= -60, "\(band) at \(Int(rate)) Hz: \(leakage) dB outside")
    }
  }

  @Test func aNameThatIsNotDefinedIsReportedWithItsLineAndTheNearestName() throws {
    let text = Self.everything.replacingOccurrences(of: "  - trill\n", with: "  - tril\n")
    let found = try #require(error(text))
    #expect(found.line == 28)
    #expect(found.field == "song[1]")
    #expect(found.message.contains("'tril'") && found.message.contains("did you mean 'trill'"))
  }

  @Test func aSongThatLeavesItsBandIsRefusedWithTheReachItHas() throws {
    let found = try #require(error(Self.everything.replacingOccurrences(of: "[[0, 5000]", with: "[[0, 7000]")))
    #expect(found.field == "band")
    #expect(found.message.contains("outside the band"))
  }

  @Test func anEnvelopeThatWouldClickIsRefused() throws {
    let text = Self.everything.replacingOccurrences(of: "[[0, 0], [0.3, 1]", with: "[[0, 0], [0.05, 1]")
    let found = try #require(error(text))
    #expect(found.field == "syllables.sweep.envelope")
    #expect(found.message.contains("may not be faster than 8 ms"))
  }

  @Test func aPhraseThatContainsItselfIsRefused() throws {
    let text = Self.everything.replacingOccurrences(of: "phrase: [sweep, {rest: 0.02}]", with: "phrase: [trill]")
    #expect(try #require(error(text)).message.contains("contains itself (trill > trill)"))
  }

  @Test func mistakesNameTheFieldAndTheFix() throws {
    let cases: [(String, String, String)] = [
      ("    vibrato: {rate: 120, depth: 1}", "    vibrato: {rate: 120, dpth: 1}", "did you mean 'depth'"),
      ("duration: 0.05", "duration: fast", "'fast' is not a number"),
      ("repeat: 4-6", "repeat: 6-4", "low first"),
      ("repeat: 4-6", "repeat: 0", "repeat at least once"),
      ("[[0, 5000], [0.2, 3000], [1, 3200]]", "[[0, 5000], [0.2, 3000], [0.9, 3200]]", "last one's 1"),
      ("structure: {song_seconds: 0.5-3, notes_per_second: 2-30}\n", "", "there is no 'structure'"),
      ("scientific: Avis probata", "scientific: Avis", "write genus and species"),
      ("duration: 0.05", "duration: 0.01", "from 0.016 to 5 s"),
      ("{rate: 120, depth: 1}", "{rate: 120, depth: 1}\n    tremolo: {rate: 400, depth: 0.5}", "at most 500 Hz"),
      ("together: [[low-voice], [high-voice]]", "together: [[low-voice]]", "two voices to sing together"),
      ("repeat: 4-6, tempo: 0.95", "repeat: 4-60, tempo: 0.95", "by more than 8 times"),
      ("repeat: 4-6, tempo: 0.95", "repeat: 1500-2000, tempo: 1", "the most a song may hold is 2048"),
      (
        "phrase: [sweep, {rest: 0.02}]",
        "phrase: [{repeat: 2000, phrase: [{repeat: 2000, phrase: [{repeat: 2000, phrase: [{repeat: 2000, "
          + "phrase: [{repeat: 2000, phrase: [{repeat: 2000, phrase: [sweep]}]}]}]}]}]}]",
        "the most a song may hold is 2048"
      ),
      ("[[0, 5000], [0.2, 3000]", "[[0, 6500], [0.2, 3000]", "outside the band, in 'sweep'"),
    ]
    for (old, new, expected) in cases {
      #expect(Self.everything.contains(old), "the case '\(old)' no longer applies")
      let found = try #require(error(Self.everything.replacingOccurrences(of: old, with: new)))
      #expect(found.description.contains(expected), "\(found)")
      #expect(found.description.hasPrefix(found.file), "\(found)")
    }
    #expect(try #require(error(Self.everything, name: "Test Bird.yaml")).message.contains("lower-case letters"))
  }

  static let twoTypes = """
    name: Test bird
    scientific: Avis probata
    band: 2000-6000
    summary: two song types and a crescendo
    sources: [made up for the tests]
    structure: {song_seconds: 0.1-3, notes_per_second: 1-30}
    songs_per_minute: 30
    jitter: {timing: 0}
    syllables:
      low: {duration: 0.1, pitch: [3000], level: 0.25}
      high: {duration: 0.1, pitch: [5000], level: 0.25}
    song_types:
      - [{repeat: 3, gain: 6, phrase: [low, {rest: 0.1}]}]
      - [high]
    songs_per_type: 3
    """

  @Test func aBirdKeepsToOneSongTypeForItsRunOfSongs() throws {
    let bird = try #require(try load(["test-bird.yaml": Self.twoTypes]).first)
    var voice = BirdVoice(composer: try SongComposer(species: bird, sampleRate: 48000), seed: 4)
    var types: [Int] = []
    var block = [Float](repeating: 0, count: 4800)
    while types.count < 30 {
      let before = voice.songsStarted
      block.withUnsafeMutableBufferPointer { _ = voice.render(adding: $0.baseAddress!, frames: $0.count) }
      if voice.songsStarted > before { types.append(voice.songType) }
    }
    // Runs of exactly three songs of one type; both types sung.
    let runs = types.dropLast(3).reduce(into: [(type: Int, count: Int)]()) { runs, type in
      if runs.last?.type == type { runs[runs.count - 1].count += 1 } else { runs.append((type, 1)) }
    }
    #expect(Set(types) == [0, 1])
    #expect(runs.dropFirst().dropLast().allSatisfy { $0.count % 3 == 0 }, "\(types)")
  }

  @Test func aRepeatWithGainGetsLouderEachTime() throws {
    let text = Self.twoTypes.replacingOccurrences(of: "  - [high]\n", with: "  - [low]\n")
    let bird = try #require(try load(["test-bird.yaml": text]).first)
    var voice = BirdVoice(
      composer: try SongComposer(species: bird, sampleRate: 48000), seed: 1, firstSongWithin: 0...0)
    var samples = [Float](repeating: 0, count: 48000)
    samples.withUnsafeMutableBufferPointer { _ = voice.render(adding: $0.baseAddress!, frames: $0.count) }
    // Three notes of 0.1 s, 0.1 s apart; each 6 dB (+- 1 dB level jitter each) above the last.
    let peaks = (0..<3).map { note in samples[(note * 9600)..<(note * 9600 + 4800)].map(abs).max()! }
    for (a, b) in zip(peaks, peaks.dropFirst()) {
      let step = 20 * log10(Double(b / a))
      #expect(step > 3.9 && step < 8.1, "\(peaks)")
    }
  }

  /// The two-type bird with timing jitter, a `high` note twice as long as `low` (so a note's
  /// length tells which was chosen), and `song` as its one song.
  static func bird(singing song: String) throws -> String {
    let text = Self.twoTypes.replacingOccurrences(of: "jitter: {timing: 0}\n", with: "")
      .replacingOccurrences(of: "high: {duration: 0.1", with: "high: {duration: 0.2")
      .replacingOccurrences(
        of: "song_types:\n  - [{repeat: 3, gain: 6, phrase: [low, {rest: 0.1}]}]\n  - [high]\nsongs_per_type: 3",
        with: "song: " + song)
    try #require(text.contains("song: " + song), "the test bird is no longer the one this helper edits")
    return text
  }

  /// The two-type bird with no pitch or timing jitter and `song` as its one song: its notes
  /// sit exactly where the song puts them, at their written pitch.
  static func steadyBird(singing song: String) throws -> String {
    let text = twoTypes.replacingOccurrences(
      of: "jitter: {timing: 0}", with: "jitter: {song_pitch: 0, syllable_pitch: 0, timing: 0}"
    )
    .replacingOccurrences(
      of: "song_types:\n  - [{repeat: 3, gain: 6, phrase: [low, {rest: 0.1}]}]\n  - [high]\nsongs_per_type: 3",
      with: "song: " + song)
    try #require(text.contains("song: " + song), "the test bird is no longer the one this helper edits")
    return text
  }

  /// The pitch of each of `count` 0.1 s notes sung 0.2 s apart, from the zero crossings in
  /// its middle 50 ms.
  func notePitches(_ text: String, seed: UInt64, count: Int = 8) throws -> [Double] {
    let bird = try #require(try load(["test-bird.yaml": text]).first)
    var voice = BirdVoice(
      composer: try SongComposer(species: bird, sampleRate: 48000), seed: seed, firstSongWithin: 0...0)
    var samples = [Float](repeating: 0, count: 9600 * count)
    samples.withUnsafeMutableBufferPointer { _ = voice.render(adding: $0.baseAddress!, frames: $0.count) }
    return (0..<count).map { note in
      let middle = samples[(note * 9600 + 1200)..<(note * 9600 + 3600)]
      return Double(zip(middle, middle.dropFirst()).filter { ($0 < 0) != ($1 < 0) }.count) / 2 / 0.05
    }
  }

  @Test func aRepeatOfTheSamePhraseSingsItsFirstRenditionAgain() throws {
    // A phrase made up on the spot (a choice of note, a random rest, jitter) and repeated:
    // with `same`, every repeat is the first again; without it, each draws afresh.
    let text = try Self.bird(
      singing: "[{repeat: 4, same: true, phrase: [{one_of: [[low], [high]]}, {rest: 0.05-0.3}]}]")
    /// Each note's length and the time to the next note's start (to within a frame or two).
    func renditions(_ text: String, seed: UInt64) throws -> [[Double]] {
      let species = try #require(try load(["test-bird.yaml": text]).first)
      let notes = try SongComposer(species: species, sampleRate: 48000).sketch(seed: seed)
      return zip(notes, notes.dropFirst()).map { [$0.upperBound - $0.lowerBound, $1.lowerBound - $0.lowerBound] }
    }
    var drawnAfresh = 0
    for seed: UInt64 in 1...8 {
      let same = try renditions(text, seed: seed)
      #expect(same.count == 3)
      #expect(same.allSatisfy { zip($0, same[0]).allSatisfy { abs($0 - $1) < 1e-4 } }, "seed \(seed): \(same)")
      let loose = try renditions(text.replacingOccurrences(of: "same: true, ", with: ""), seed: seed)
      if loose.contains(where: { zip($0, loose[0]).contains { abs($0 - $1) > 1e-3 } }) { drawnAfresh += 1 }
    }
    #expect(drawnAfresh == 8)
    #expect(
      error(text.replacingOccurrences(of: "same: true", with: "same: yes"))?.message.contains("true or false") == true)
  }

  @Test func aBirdKnowsAFixedRepertoireOfMotifsAndAnotherBirdOthers() throws {
    // Twelve motifs a song, each one of the three this bird knows; a motif is made up once
    // (a choice of note, a random rest, jitter) and comes out the same every time.
    let text = try Self.bird(
      singing: "[{repeat: 12, phrase: [{repertoire: 3, phrase: [{one_of: [[low], [high]]}, {rest: 0.05-0.3}]}]}]")
    /// The motifs sung, each as its note's length and the time to the next note (in ms).
    func motifs(_ text: String, seed: UInt64) throws -> Set<[Int]> {
      let species = try #require(try load(["test-bird.yaml": text]).first)
      let notes = try SongComposer(species: species, sampleRate: 48000).sketch(seed: seed)
      #expect(notes.count == 12)
      return Set(
        zip(notes, notes.dropFirst()).map {
          [Int(($0.upperBound - $0.lowerBound) * 1000), Int(($1.lowerBound - $0.lowerBound) * 1000)]
        })
    }
    var repertoires: Set<Set<[Int]>> = []
    for seed: UInt64 in 1...6 {
      let known = try motifs(text, seed: seed)
      #expect(known.count <= 3, "seed \(seed): \(known)")
      repertoires.insert(known)
      let free = try motifs(text.replacingOccurrences(of: "repertoire: 3", with: "repeat: 1"), seed: seed)
      #expect(free.count > 3, "seed \(seed): \(free)")
    }
    #expect(repertoires.count >= 5, "birds with other seeds know other motifs: \(repertoires)")
  }

  @Test func aShiftedPhraseMovesUpAndDownTheScaleAndStaysInItsBand() throws {
    // Eight 3 kHz notes, no other pitch jitter: each shifted by up to 2 semitones.
    let text = try Self.steadyBird(singing: "[{repeat: 8, phrase: [{shift: 2, phrase: [low]}, {rest: 0.1}]}]")
    let pitches = { (text: String) in try self.notePitches(text, seed: 3) }
    let shifted = try pitches(text)
    let span = 3000 * pow(2, 2.0 / 12)
    #expect(shifted.allSatisfy { $0 > 3000 * 3000 / span - 40 && $0 < span + 40 }, "\(shifted)")
    #expect(shifted.max()! - shifted.min()! > 200, "\(shifted)")
    let plain = try pitches(text.replacingOccurrences(of: "shift: 2", with: "shift: 0"))
    #expect(plain.allSatisfy { abs($0 - 3000) < 40 }, "\(plain)")
    // A range that leans one way: only ever lower.
    let lower = try pitches(text.replacingOccurrences(of: "shift: 2", with: "shift: [-2, 0]"))
    #expect(lower.allSatisfy { $0 < 3040 && $0 > 3000 * 3000 / span - 40 }, "\(lower)")
    #expect(lower.max()! - lower.min()! > 150, "\(lower)")
    #expect(
      error(text.replacingOccurrences(of: "shift: 2", with: "shift: [1, -1]"))?.message.contains("low first") == true)
    // Shifted past the band's edge (2-6 kHz), the song is refused.
    let tooFar = try #require(error(text.replacingOccurrences(of: "shift: 2", with: "shift: 9")))
    #expect(tooFar.message.contains("outside the band"), "\(tooFar)")
  }

  @Test func aVibratoOverPartOfASyllableLeavesTheRestSteady() throws {
    // One 3 kHz note of 0.2 s with a 1-semitone, 30 Hz vibrato over its second half only.
    let text = Self.twoTypes.replacingOccurrences(
      of: "jitter: {timing: 0}", with: "jitter: {song_pitch: 0, syllable_pitch: 0, timing: 0}"
    )
    .replacingOccurrences(
      of: "low: {duration: 0.1, pitch: [3000], level: 0.25}",
      with: "low: {duration: 0.2, pitch: [3000], level: 0.25, vibrato: {rate: 30, depth: 1, from: 0.5, to: 1}}"
    )
    .replacingOccurrences(
      of: "song_types:\n  - [{repeat: 3, gain: 6, phrase: [low, {rest: 0.1}]}]\n  - [high]\nsongs_per_type: 3",
      with: "song: [low]")
    try #require(text.contains("from: 0.5"), "the test bird no longer has the song this test expects")
    let bird = try #require(try load(["test-bird.yaml": text]).first)
    var voice = BirdVoice(composer: try SongComposer(species: bird, sampleRate: 48000), seed: 1, firstSongWithin: 0...0)
    var samples = [Float](repeating: 0, count: 9600)
    samples.withUnsafeMutableBufferPointer { _ = voice.render(adding: $0.baseAddress!, frames: $0.count) }
    /// The pitch in 5 ms windows from the zero crossings, from `start` to `end` (frames).
    func pitches(_ start: Int, _ end: Int) -> [Double] {
      stride(from: start, to: end - 480, by: 240).map { at in
        let window = samples[at..<(at + 480)]
        return Double(zip(window, window.dropFirst()).filter { ($0 < 0) != ($1 < 0) }.count) / 2 / 0.01
      }
    }
    let steady = pitches(960, 4320)  // 20-90 ms: before the vibrato fades in
    let warbled = pitches(5280, 8640)  // 110-180 ms
    #expect(steady.allSatisfy { abs($0 - 3000) <= 100 }, "\(steady)")
    #expect(warbled.max()! - warbled.min()! > 200, "\(warbled)")
    #expect(
      error(text.replacingOccurrences(of: "from: 0.5, to: 1", with: "from: 0.6, to: 0.4"))?.message
        .contains("'from' must come before 'to'") == true)
  }

  @Test func aCrescendoRisesAcrossItsPhraseAndADecrescendoFades() throws {
    // Six notes 0.2 s apart under one crescendo of 12 dB (the level jitter is +-1 dB a note).
    func peaks(_ dB: Int) throws -> [Double] {
      let text = Self.twoTypes.replacingOccurrences(
        of: "song_types:\n  - [{repeat: 3, gain: 6, phrase: [low, {rest: 0.1}]}]\n  - [high]\nsongs_per_type: 3",
        with: "song: [{crescendo: \(dB), phrase: [{repeat: 6, phrase: [low, {rest: 0.1}]}]}]")
      try #require(text.contains("crescendo"), "the test bird no longer has the song this test expects")
      let bird = try #require(try load(["test-bird.yaml": text]).first)
      var voice = BirdVoice(
        composer: try SongComposer(species: bird, sampleRate: 48000), seed: 1, firstSongWithin: 0...0)
      var samples = [Float](repeating: 0, count: 6 * 9600)
      samples.withUnsafeMutableBufferPointer { _ = voice.render(adding: $0.baseAddress!, frames: $0.count) }
      return (0..<6).map { note in 20 * log10(Double(samples[(note * 9600)..<(note * 9600 + 4800)].map(abs).max()!)) }
    }
    let rising = try peaks(12)
    let fading = try peaks(-12)
    // From 12 dB down at the start to 2 dB down at the last note (it starts at 5/6 of the span).
    #expect(rising.last! - rising.first! > 7 && rising.last! - rising.first! < 13, "\(rising)")
    #expect(fading.first! - fading.last! > 7 && fading.first! - fading.last! < 13, "\(fading)")
    // Never louder than without it.
    let flat = try peaks(0)
    #expect(zip(rising, flat).allSatisfy { $0 <= $1 + 0.01 } && zip(fading, flat).allSatisfy { $0 <= $1 + 0.01 })
  }

  @Test func anElementRepeatedZeroToOneTimesIsSungInSomeSongsOnly() throws {
    let text = try Self.bird(singing: "[low, {repeat: 0-1, phrase: [{rest: 0.1}, high]}]")
    let species = try #require(try load(["test-bird.yaml": text]).first)
    let composer = try SongComposer(species: species, sampleRate: 48000)
    let counts = Set((1...12).map { composer.sketch(seed: UInt64($0)).count })
    #expect(counts == [1, 2], "\(counts)")
  }

  @Test func aRepertoireCanKeepOnlyItsChoices() throws {
    // Twelve renditions of one motif that keeps only its choice of note: the same note every
    // time for one bird, at varying rests; another bird may have chosen the other note.
    let text = try Self.bird(
      singing:
        "[{repeat: 12, phrase: [{repertoire: 1, fixed: choices, phrase: [{one_of: [[low], [high]]}, {rest: 0.05-0.3}]}]}]"
    )
    var lengths: Set<String> = []
    for seed: UInt64 in 1...8 {
      let species = try #require(try load(["test-bird.yaml": text]).first)
      let notes = try SongComposer(species: species, sampleRate: 48000).sketch(seed: seed)
      // low is 0.1 s long, high 0.2 s (give or take the timing jitter)
      let length = Set(notes.map { $0.upperBound - $0.lowerBound < 0.15 ? "low" : "high" })
      let gaps = Set(zip(notes, notes.dropFirst()).map { Int(($1.lowerBound - $0.upperBound) * 1000) })
      #expect(notes.count == 12 && length.count == 1, "seed \(seed): one note, chosen once")
      #expect(gaps.count > 3, "seed \(seed): the rests still vary: \(gaps)")
      lengths.formUnion(length)
    }
    #expect(lengths.count == 2, "birds chose both notes: \(lengths)")
    #expect(
      error(text.replacingOccurrences(of: "fixed: choices", with: "fixed: some"))?.message.contains("all or choices")
        == true)
  }

  @Test func aPerBirdShiftIsTheBirdsOwnPitch() throws {
    // Eight 3 kHz notes, each under a per-bird shift of up to 2 semitones: one pitch a bird.
    let text = try Self.steadyBird(
      singing: "[{repeat: 8, phrase: [{shift: 2, per_bird: true, phrase: [low]}, {rest: 0.1}]}]")
    var birds: [Double] = []
    for seed: UInt64 in 1...6 {
      let pitches = try notePitches(text, seed: seed)
      #expect(pitches.max()! - pitches.min()! <= 40, "seed \(seed): \(pitches)")
      birds.append(pitches[0])
    }
    #expect(birds.max()! - birds.min()! > 150, "each bird its own pitch: \(birds)")
  }

  /// Repeats that speed up squeeze a syllable's envelope: past the shortest ramp it falls back
  /// to plain ramps instead of clicking.
  @Test func anEnvelopeSqueezedByAnAcceleratingRepeatStaysInBand() throws {
    // At full length each level move takes 9 ms; the last repeats squeeze them to under 2 ms.
    let text = """
      name: Test bird
      scientific: Avis probata
      band: 3000-3400
      summary: a pulsing note, faster and faster
      sources: [made up for the tests]
      structure: {song_seconds: 0.1-3, notes_per_second: 1-30}
      songs_per_minute: 30
      jitter: {timing: 0}
      syllables:
        pulse:
          duration: 0.25
          pitch: [3200]
          envelope: [[0, 0], [0.036, 1], [0.072, 0], [0.108, 1], [0.144, 0], [0.18, 1], [1, 0]]
      song:
        - {repeat: 9, tempo: 0.8, phrase: [pulse]}
      """
    let bird = try #require(try load(["test-bird.yaml": text]).first)
    let band = try FrequencyBand(low: 3000, high: 3400)
    let samples = try BandGuaranteeTests.render(bird, band: band, rate: 48000, seconds: 6)
    let leakage = PowerSpectrum(samples, sampleRate: 48000, size: 8192).leakage(outside: band)
    #expect(leakage <= -60, "\(leakage) dB outside")
  }

  @Test func anEnvelopeThatPeaksLateKeepsItsShape() throws {
    let text = Self.twoTypes.replacingOccurrences(of: "  - [high]\n", with: "  - [low]\n").replacingOccurrences(
      of: "low: {duration: 0.1, pitch: [3000], level: 0.25}",
      with: "low: {duration: 0.5, pitch: [3000], level: 0.25, envelope: [[0, 0], [0.9, 1], [1, 0]]}")
    let bird = try #require(try load(["test-bird.yaml": text]).first)
    var voice = BirdVoice(
      composer: try SongComposer(species: bird, sampleRate: 48000), seed: 2, firstSongWithin: 0...0)
    var samples = [Float](repeating: 0, count: 24000)
    samples.withUnsafeMutableBufferPointer { _ = voice.render(adding: $0.baseAddress!, frames: $0.count) }
    let peak = samples.indices.max { abs(samples[$0]) < abs(samples[$1]) }!
    #expect(Double(peak) / 24000 > 0.8, "the loudest moment is at \(Double(peak) / 24000) of the note")
  }

  @Test func twoFilesForOneSpeciesAreRefused() throws {
    do {
      _ = try load(["test-bird.yaml": Self.everything, "test-bird-copy.yaml": Self.everything])
      Issue.record("two files for one species loaded")
    } catch {
      #expect(
        error.description.contains("test-bird.yaml: name: test-bird-copy.yaml already names Test bird"), "\(error)")
    }
  }
}
