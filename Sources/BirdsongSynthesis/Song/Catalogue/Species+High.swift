// High singers, above about 6 kHz: classically the first lost with age-related hearing loss
// (RSPB; British Birds 2012). Figures: REFERENCE.md section 2.

extension SpeciesCatalogue {
  static let treecreeper = Species(
    id: "treecreeper", common: "Treecreeper", scientific: "Certhia familiaris", band: 5200...8600,
    summary: "thin, high notes running down and speeding up, ending in an upward flick",
    sources: ["high, descending accelerating series ending in an upsweep (REFERENCE.md 2)"],
    song: SongPattern(
      songsPerMinute: 4...6,
      [
        repeated(8...11, tempo: 0.94, transpose: -0.5, note(0.09, 8200, 7600, level: 0.9), rest(0.08)),
        note(0.22, 5600, 6400, 7800),
      ]))

  static let grasshopperWarbler = Species(
    id: "grasshopper-warbler", common: "Grasshopper warbler", scientific: "Locustella naevia",
    band: 5900...8200,
    summary: "a dry, insect-like reel like a fishing line running out, for many seconds",
    sources: ["reeling trill ~25 notes/s at 6-8 kHz, lasting tens of seconds (REFERENCE.md 2)"],
    song: SongPattern(
      songsPerMinute: 1.5...3, syllablePitchJitter: 0.1, timingJitter: 0.03,
      [
        // Each beat of the reel is a double click: two very fast downward sweeps.
        repeated(
          150...350, note(0.016, 8000, 6300, attack: 0.008, release: 0.008), rest(0.003),
          note(0.015, 7600, 6100, level: 0.75, attack: 0.008, release: 0.008), rest(0.006))
      ]))

  static let goldcrest = Species(
    id: "goldcrest", common: "Goldcrest", scientific: "Regulus regulus", band: 6200...8900,
    summary: "very high, thin double notes, 'zee-da zee-da zee-da', then a quick flourish",
    sources: ["about 6-9 kHz; song 3-4 s, 5-7 songs/min; double note x5-7 then flourish (REFERENCE.md 2)"],
    song: SongPattern(
      songsPerMinute: 5...7,
      [
        repeated(
          5...7, note(0.06, 7600, 8200, level: 0.9), rest(0.03), note(0.07, 6600, 7000, 6500),
          rest(0.18...0.22)),
        repeated(4...6, note(0.035, 8000, 7200, level: 0.8), rest(0.015)),
        note(0.15, 6500, 7500, 8500),
        rest(0.04),
        note(0.1, 7000, 6800, level: 0.7),
      ]))
}
