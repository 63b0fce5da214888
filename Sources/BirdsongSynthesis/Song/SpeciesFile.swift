import ConfigFiles
import Foundation

/// Reads one species file (Config/species/<id>.yaml): names, natural band, sources and the song.
/// README.md ("Species files") documents the format; every mistake is reported with its file,
/// line and field.
enum SpeciesFile {
  static func load(path: String) throws(ConfigError) -> Species {
    let id = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    let root = try ConfigNode.load(path: path, hint: "species files live in Config/species/")
    guard !id.isEmpty, id.allSatisfy({ ($0.isLetter && $0.isLowercase) || $0 == "-" }) else {
      throw root.error(
        "the file name gives the species id, which may hold only lower-case letters and hyphens "
          + "(e.g. song-thrush.yaml); rename the file")
    }
    return try read(root, id: id)
  }

  static func read(_ root: ConfigNode, id: String) throws(ConfigError) -> Species {
    let top = try root.mapping(allowed: [
      "name", "scientific", "band", "summary", "sources", "structure", "songs_per_minute", "jitter", "syllables",
      "phrases", "song", "song_types", "songs_per_type",
    ])
    func required(_ key: String, _ what: String) throws(ConfigError) -> ConfigNode {
      guard let node = top[key] else { throw root.error("there is no '\(key)'; add \(what)") }
      return node
    }
    let name = try required("name", "the common name, e.g. 'name: Song thrush'").string()
    let scientificNode = try required("scientific", "the scientific name, e.g. 'scientific: Turdus philomelos'")
    let scientific = try scientificNode.string()
    guard scientific.split(separator: " ").count >= 2 else {
      throw scientificNode.error("'\(scientific)' is not a scientific name; write genus and species: 'Turdus merula'")
    }
    let bandNode = try required("band", "the natural band in Hz, e.g. 'band: 1400-7500'")
    let band: FrequencyBand
    do {
      band = try FrequencyBand(parsing: try bandNode.string())
    } catch let error as SynthesisError {
      throw bandNode.error(error.description)
    } catch {
      throw error as! ConfigError
    }
    let summary = try required("summary", "one line on what the song sounds like").string()
    let sourcesNode = try required("sources", "a list saying where the song's figures come from")
    let sources = try sourcesNode.sequence().map { (node) throws(ConfigError) in try node.string() }
    guard !sources.isEmpty else { throw sourcesNode.error("list at least one source for the song's figures") }

    var song = SongPattern(
      songsPerMinute: try required("songs_per_minute", "how many songs a minute, e.g. '5-7'").range(in: 0.1...60),
      [])
    if let jitter = try top["jitter"]?.mapping(allowed: ["song_pitch", "syllable_pitch", "timing"]) {
      song.songPitchJitter = try jitter["song_pitch"]?.double(in: 0...3, unit: " semitones") ?? song.songPitchJitter
      song.syllablePitchJitter =
        try jitter["syllable_pitch"]?.double(in: 0...3, unit: " semitones") ?? song.syllablePitchJitter
      song.timingJitter = try jitter["timing"]?.double(in: 0...0.5) ?? song.timingJitter
    }
    var reader = SongReader()
    if let syllables = top["syllables"] {
      for (key, node) in try named(syllables) {
        var sound = try syllable(node, timingJitter: song.timingJitter)
        sound.name = key
        reader.syllables[key] = sound
      }
    }
    if let phrases = top["phrases"] {
      for (key, node) in try named(phrases) {
        if reader.syllables[key] != nil {
          throw node.error("'\(key)' names both a syllable and a phrase; rename one of them")
        }
        reader.phraseNodes[key] = node
      }
    }
    switch (top["song"], top["song_types"]) {
    case (let single?, nil):
      song.types = [try reader.sequence(single)]
      if let extra = top["songs_per_type"] {
        throw extra.error("'songs_per_type' goes with 'song_types'; a single 'song' has one type")
      }
    case (nil, let types?):
      let options = try types.sequence()
      guard options.count >= 2 else { throw types.error("give at least two song types, or write one 'song'") }
      for option in options { song.types.append(try reader.sequence(option)) }
      if let count = top["songs_per_type"] { song.songsPerType = try count.integerRange(in: 1...1000) }
    case (.some, .some):
      throw top["song_types"]!.error("write either 'song' (one song type) or 'song_types' (several), not both")
    case (nil, nil):
      throw root.error("there is no 'song'; add the song: a list of syllables, rests and phrases")
    }
    for (index, type) in song.types.enumerated() where !type.contains(where: { $0.sounds }) {
      let node = top["song"] ?? top["song_types"]!
      throw node.error(song.types.count > 1 ? "song type \(index + 1) has no syllable" : "the song has no syllable")
    }

    let songNode = top["song"] ?? top["song_types"]!
    let worst = song.worstCase
    guard worst.tempo.lowerBound >= 1.0 / 8, worst.tempo.upperBound <= 8 else {
      throw songNode.error(
        "repeats with 'tempo' stretch or squeeze a syllable by more than 8 times at their largest counts; "
          + "bring tempo nearer 1 or repeat fewer times")
    }
    guard worst.notes <= NoteVoice.noteCapacity, worst.glides <= NoteVoice.noteCapacity * 4,
      worst.moves <= NoteVoice.noteCapacity * 4
    else {
      throw songNode.error(
        "one song can hold up to \(worst.notes) syllables (every repeat at its largest); the most a song may "
          + "hold is \(NoteVoice.noteCapacity): repeat fewer times or split it into shorter songs")
    }
    guard worst.seconds <= 600 else {
      throw songNode.error(
        "one song can last up to \(Int(worst.seconds)) s (every repeat and rest at its longest); "
          + "keep a song under 10 minutes")
    }
    var offending: [String] = []
    song.forEachSyllable { syllable, reach in
      if reach.lowerBound < band.low || reach.upperBound > band.high, !offending.contains(syllable.name) {
        offending.append(syllable.name)
      }
    }
    if !offending.isEmpty {
      let extent = song.frequencyExtent
      throw bandNode.error(
        "the song reaches \(FrequencyBand.format(extent.lowerBound.rounded()))-"
          + "\(FrequencyBand.format(extent.upperBound.rounded())) Hz (pitch jitter, transposition, partials, "
          + "vibrato and noise at their extremes), outside the band, in "
          + offending.map { "'\($0)'" }.joined(separator: ", ") + "; widen the band or narrow those syllables")
    }
    let structureNode = try required(
      "structure", "the published song length and note rate: 'structure: {song_seconds: 2-3, notes_per_second: 5-8}'")
    let figures = try structureNode.mapping(allowed: ["song_seconds", "notes_per_second"])
    guard let seconds = figures["song_seconds"], let rate = figures["notes_per_second"] else {
      throw structureNode.error("give both song_seconds and notes_per_second (each a number or LOW-HIGH)")
    }
    let structure = SongStructure(
      songSeconds: try seconds.range(in: 0.05...600, unit: " s"), notesPerSecond: try rate.range(in: 0.05...100))
    return Species(
      id: id, common: name, scientific: scientific, band: band, summary: summary, sources: sources, song: song,
      structure: structure)
  }

  /// A mapping of names to definitions, in file order.
  private static func named(_ node: ConfigNode) throws(ConfigError) -> [(String, ConfigNode)] {
    guard let mapping = node.node.mapping else {
      throw node.error("expected a mapping of names to definitions here")
    }
    var entries: [(String, ConfigNode)] = []
    for (key, value) in mapping {
      let name = key.string ?? ""
      let path = "\(node.field).\(name)"
      guard !name.isEmpty, !name.contains(" ") else {
        throw ConfigError(
          file: node.file, line: key.mark?.line, field: path, message: "a name may not be empty or hold spaces")
      }
      entries.append((name, ConfigNode(node: value, file: node.file, field: path)))
    }
    return entries
  }

  static func syllable(_ node: ConfigNode, timingJitter: Double) throws(ConfigError) -> Syllable {
    let entry = try node.mapping(allowed: [
      "duration", "pitch", "envelope", "attack", "release", "level", "vibrato", "tremolo", "harmonics", "noise",
    ])
    guard let durationNode = entry["duration"], let pitchNode = entry["pitch"] else {
      throw node.error("a syllable needs 'duration' (seconds) and 'pitch' (a list of Hz)")
    }
    let duration = try durationNode.double(in: 2 * Syllable.minimumRamp...5, unit: " s")
    var syllable = Syllable(duration: duration, pitch: try breakpoints(pitchNode, values: 20...24000, unit: " Hz"))
    syllable.attack = try entry["attack"]?.double(in: Syllable.minimumRamp...1, unit: " s") ?? syllable.attack
    syllable.release = try entry["release"]?.double(in: Syllable.minimumRamp...1, unit: " s") ?? syllable.release
    syllable.level = try entry["level"]?.double(in: 0...1) ?? 1
    if let envelopeNode = entry["envelope"] {
      let envelope = try breakpoints(envelopeNode, values: 0...1, unit: "")
      guard envelope.count >= 3, envelope.first!.value == 0, envelope.last!.value == 0 else {
        throw envelopeNode.error(
          "an envelope rises from 0 and falls back to 0: at least three [time, level] pairs, first and last level 0")
      }
      // A level move faster than the shortest ramp splatters past the band guard.
      let shortest = duration * (1 - timingJitter)
      for (a, b) in zip(envelope, envelope.dropFirst()) where a.value != b.value {
        let seconds = (b.time - a.time) * shortest
        guard seconds >= Syllable.minimumRamp * abs(b.value - a.value) - 1e-9 else {
          throw envelopeNode.error(
            "the level moves from \(a.value) to \(b.value) in \(Int((seconds * 1000).rounded())) ms; a move may not "
              + "be faster than \(Int(Syllable.minimumRamp * 1000)) ms from 0 to 1 (clicks spill out of the band)")
        }
      }
      syllable.envelope = envelope
    }
    if let vibrato = try entry["vibrato"]?.mapping(allowed: ["rate", "depth", "from", "to"]) {
      let from = try vibrato["from"]?.double(in: 0...1) ?? 0
      let to = try vibrato["to"]?.double(in: 0...1) ?? 1
      guard from < to else { throw entry["vibrato"]!.error("'from' must come before 'to' (0 is the start, 1 the end)") }
      syllable.vibrato = Modulation(
        rate: try required(vibrato, "rate", in: node).double(in: 0.1...500, unit: " Hz"),
        depth: try required(vibrato, "depth", in: node).double(in: 0...12, unit: " semitones"), span: from...to)
    }
    if let tremolo = try entry["tremolo"]?.mapping(allowed: ["rate", "depth"]) {
      syllable.tremolo = Modulation(
        rate: try required(tremolo, "rate", in: node).double(in: 0.1...500, unit: " Hz"),
        depth: try required(tremolo, "depth", in: node).double(in: 0...1))
    }
    // Their sidebands, and the sidebands of their products, must stay inside the 500 Hz guard.
    if (syllable.vibrato?.rate ?? 0) + (syllable.tremolo?.rate ?? 0) > 500 {
      throw node.error("vibrato rate plus tremolo rate may be at most 500 Hz (their sidebands spill past the band)")
    }
    if let harmonicsNode = entry["harmonics"] {
      let levels = try harmonicsNode.sequence()
      guard levels.count <= 3 else {
        throw harmonicsNode.error("at most three harmonics (partials 2, 3 and 4) are supported")
      }
      syllable.harmonics = try levels.map { (level) throws(ConfigError) in try level.double(in: 0...1) }
    }
    if let noise = try entry["noise"]?.mapping(allowed: ["width", "mix"]) {
      syllable.noise = Noise(
        width: try required(noise, "width", in: node).double(in: 1...4000, unit: " Hz"),
        mix: try required(noise, "mix", in: node).double(in: 0...1))
    }
    return syllable
  }

  private static func required(_ entry: [String: ConfigNode], _ key: String, in node: ConfigNode) throws(ConfigError)
    -> ConfigNode
  {
    guard let value = entry[key] else { throw node.error("'\(key)' is missing here") }
    return value
  }

  /// A list of values spread evenly, or of [time, value] pairs with times from 0 to 1.
  private static func breakpoints(_ node: ConfigNode, values: ClosedRange<Double>, unit: String) throws(ConfigError)
    -> [Breakpoint]
  {
    let items = try node.sequence()
    guard !items.isEmpty else { throw node.error("the list is empty") }
    guard items.count <= NoteVoice.pointCapacity else {
      throw node.error("at most \(NoteVoice.pointCapacity) points; split the syllable in two")
    }
    guard items.contains(where: { $0.node.sequence != nil }) else {
      return Breakpoint.evenly(try items.map { (item) throws(ConfigError) in try item.double(in: values, unit: unit) })
    }
    var points: [Breakpoint] = []
    for item in items {
      let pair = try item.sequence()
      guard pair.count == 2 else {
        throw item.error("write each point as [time, value], with time from 0 (start) to 1 (end)")
      }
      let point = Breakpoint(try pair[0].double(in: 0...1), try pair[1].double(in: values, unit: unit))
      if let previous = points.last, point.time <= previous.time {
        throw item.error("the times must increase: \(point.time) comes after \(previous.time)")
      }
      points.append(point)
    }
    guard points.first!.time == 0, points.last!.time == 1 else {
      throw node.error("the first point's time must be 0 and the last one's 1 (the syllable's start and end)")
    }
    return points
  }

  /// Reads sequences of elements, resolving names of syllables and phrases.
  private struct SongReader {
    var syllables: [String: Syllable] = [:]
    var phraseNodes: [String: ConfigNode] = [:]
    var phrases: [String: [SongElement]] = [:]
    var reading: [String] = []
    /// Numbers the elements whose draws are the bird's own (repertoires, per-bird shifts).
    var ownElements = 0

    mutating func sequence(_ node: ConfigNode) throws(ConfigError) -> [SongElement] {
      if node.node.sequence == nil { return try element(node) }
      var elements: [SongElement] = []
      for item in try node.sequence() { elements += try element(item) }
      return elements
    }

    private mutating func element(_ node: ConfigNode) throws(ConfigError) -> [SongElement] {
      if node.node.scalar != nil {
        let name = try node.string()
        if let syllable = syllables[name] { return [.syllable(syllable)] }
        if let phrase = phrases[name] { return phrase }
        guard let phraseNode = phraseNodes[name] else {
          let known = Array(syllables.keys) + Array(phraseNodes.keys)
          let near = known.min { ConfigNode.editDistance(name, $0) < ConfigNode.editDistance(name, $1) }
          let hint = near.map { ConfigNode.editDistance(name, $0) <= 3 ? "; did you mean '\($0)'?" : "" } ?? ""
          throw node.error("no syllable or phrase is named '\(name)'\(hint)")
        }
        guard !reading.contains(name) else {
          throw node.error("the phrase '\(name)' contains itself (\((reading + [name]).joined(separator: " > ")))")
        }
        reading.append(name)
        let phrase = try sequence(phraseNode)
        reading.removeLast()
        phrases[name] = phrase
        return phrase
      }
      guard let keys = node.node.mapping?.keys.compactMap(\.string) else {
        throw node.error(
          "expected a syllable or phrase name, or a mapping with rest, repeat, one_of, repertoire, shift, crescendo or together"
        )
      }
      if keys.contains("rest") {
        let entry = try node.mapping(allowed: ["rest"])
        return [.rest(try entry["rest"]!.range(in: 0...60, unit: " s"))]
      }
      if keys.contains("repeat") {
        let entry = try node.mapping(allowed: ["repeat", "phrase", "tempo", "transpose", "gain", "same"])
        // 0-1: an element sung in some songs and not others.
        let count = try entry["repeat"]!.integerRange(in: 0...2000)
        guard count.upperBound >= 1 else { throw entry["repeat"]!.error("repeat at least once (0-1 for 'sometimes')") }
        guard let phrase = entry["phrase"] else { throw node.error("say what to repeat with 'phrase'") }
        return [
          .repeated(
            count: count, tempo: try entry["tempo"]?.double(in: 0.5...2) ?? 1,
            transpose: try entry["transpose"]?.double(in: -12...12, unit: " semitones") ?? 0,
            gain: try entry["gain"]?.double(in: -12...12, unit: " dB") ?? 0, same: try entry["same"]?.bool() ?? false,
            try sequence(phrase))
        ]
      }
      if keys.contains("shift") {
        let entry = try node.mapping(allowed: ["shift", "phrase", "per_bird"])
        // Up to N semitones either way, or [low, high] for a range that leans one way.
        let node = entry["shift"]!
        let by: ClosedRange<Double>
        if let bounds = node.node.sequence {
          let values = try node.sequence().map { (item) throws(ConfigError) in
            try item.double(in: -12...12, unit: " semitones")
          }
          guard bounds.count == 2, values[0] <= values[1] else {
            throw node.error("write the shift as N (up to N semitones either way) or as [low, high], low first")
          }
          by = values[0]...values[1]
        } else {
          let most = try node.double(in: 0...12, unit: " semitones")
          by = -most...most
        }
        guard let phrase = entry["phrase"] else { throw node.error("say what to shift with 'phrase'") }
        let perBird = try entry["per_bird"]?.bool() ?? false
        if perBird { ownElements += 1 }
        return [.shifted(by: by, birdID: perBird ? ownElements : nil, try sequence(phrase))]
      }
      if keys.contains("crescendo") {
        let entry = try node.mapping(allowed: ["crescendo", "phrase"])
        let dB = try entry["crescendo"]!.double(in: -40...40, unit: " dB")
        guard let phrase = entry["phrase"] else { throw node.error("say what grows louder with 'phrase'") }
        return [.crescendo(dB: dB, try sequence(phrase))]
      }
      if keys.contains("repertoire") {
        let entry = try node.mapping(allowed: ["repertoire", "phrase", "fixed"])
        let size = try entry["repertoire"]!.integer(in: 1...1000)
        guard let phrase = entry["phrase"] else { throw node.error("say what each motif is made of with 'phrase'") }
        let fixed = try entry["fixed"]?.string() ?? "all"
        guard ["all", "choices"].contains(fixed) else {
          throw entry["fixed"]!.error(
            "'\(fixed)' is not all or choices; write 'all' (the motif is sung the same every time) or 'choices' (only its choices are kept)"
          )
        }
        ownElements += 1
        return [.repertoire(id: ownElements, size: size, choicesOnly: fixed == "choices", try sequence(phrase))]
      }
      for kind in ["one_of", "together"] where keys.contains(kind) {
        let entry = try node.mapping(allowed: [kind])
        let options = try entry[kind]!.sequence()
        guard options.count >= 2 else {
          throw entry[kind]!.error(
            kind == "one_of" ? "give at least two phrases to choose from" : "give at least two voices to sing together")
        }
        var phrases: [[SongElement]] = []
        for option in options { phrases.append(try sequence(option)) }
        return [kind == "one_of" ? .oneOf(phrases) : .together(phrases)]
      }
      throw node.error(
        "expected a syllable or phrase name, or a mapping with rest, repeat, one_of, repertoire, shift, crescendo or together"
      )
    }
  }
}

extension SongElement {
  /// True when it can make a sound.
  var sounds: Bool {
    switch self {
    case .syllable: true
    case .rest: false
    case .repeated(_, _, _, _, _, let inner), .repertoire(_, _, _, let inner), .shifted(_, _, let inner),
      .crescendo(_, let inner):
      inner.contains { $0.sounds }
    case .oneOf(let options), .together(let options): options.contains { $0.contains { $0.sounds } }
    }
  }
}
