// Low singers, below about 1 kHz: the birds that people with age-related hearing loss keep.
// Figures: REFERENCE.md section 2 (BTO and RSPB species texts, wildechoes, xeno-canto notes).

extension SpeciesCatalogue {
  static let woodPigeon = Species(
    id: "wood-pigeon", common: "Wood pigeon", scientific: "Columba palumbus", band: 400...600,
    summary: "soft five-note coo, 'coo-COO-coo, coo-coo', repeated two or three times",
    sources: ["400-600 Hz coos in five-note phrases repeated 2-3 times (REFERENCE.md 2; RSPB)"],
    song: SongPattern(
      songsPerMinute: 2...4, songPitchJitter: 0.4, syllablePitchJitter: 0.1,
      [
        repeated(
          2...3,
          note(0.34, 470, 515, 490, level: 0.8, attack: 0.05, release: 0.08), rest(0.12),
          note(0.52, 480, 560, 505, level: 1, attack: 0.05, release: 0.1), rest(0.14),
          note(0.30, 470, 500, 468, level: 0.7, attack: 0.04, release: 0.07), rest(0.1...0.16),
          note(0.28, 482, 508, 478, level: 0.65, attack: 0.04, release: 0.07), rest(0.1),
          note(0.28, 470, 498, 462, level: 0.6, attack: 0.04, release: 0.08), rest(0.55...0.8))
      ]))

  static let collaredDove = Species(
    id: "collared-dove", common: "Collared dove", scientific: "Streptopelia decaocto", band: 450...650,
    summary: "three-note coo, 'coo-COOO-cuk', stressed in the middle, over and over",
    sources: ["450-650 Hz three-note coo (REFERENCE.md 2; BTO)"],
    song: SongPattern(
      songsPerMinute: 2...4, syllablePitchJitter: 0.1,
      [
        repeated(
          3...7,
          note(0.24, 520, 560, level: 0.75, attack: 0.04, release: 0.06), rest(0.09),
          note(0.58, 585, 615, 560, level: 1, attack: 0.05, release: 0.1), rest(0.14),
          note(0.30, 505, 475, level: 0.7, attack: 0.04, release: 0.08), rest(0.55...0.85))
      ]))

  static let cuckoo = Species(
    id: "cuckoo", common: "Cuckoo", scientific: "Cuculus canorus", band: 500...800,
    summary: "'cu-ckoo': two hooted notes falling a minor third, repeated",
    sources: ["two notes falling by a minor third, roughly 0.5-0.8 kHz (REFERENCE.md 2; RSPB)"],
    song: SongPattern(
      songsPerMinute: 2...3, songPitchJitter: 0.8, syllablePitchJitter: 0.1, timingJitter: 0.05,
      [
        repeated(
          6...12,
          note(0.15, 722, 700, attack: 0.025, release: 0.04), rest(0.11),
          // 700 Hz / 2^(3/12): a minor third below.
          note(0.34, 600, 589, 584, level: 0.85, attack: 0.03, release: 0.09), rest(0.5...0.7))
      ]))

  static let tawnyOwl = Species(
    id: "tawny-owl", common: "Tawny owl", scientific: "Strix aluco", band: 600...1000,
    summary: "male hoot: a long 'hooo', a pause, a short 'hu' and a long tremulous 'hu-hoo-oo-oo'",
    sources: ["hoot ~0.6-1 kHz with a long tremulous final note, 50-60 s between calls (REFERENCE.md 2)"],
    song: SongPattern(
      songsPerMinute: 1...1.2, songPitchJitter: 0.4, syllablePitchJitter: 0.1,
      [
        note(0.9, 800, 850, 820, 790, attack: 0.06, release: 0.15),
        rest(2.5...4),
        note(0.18, 760, 800, level: 0.55, attack: 0.03, release: 0.05), rest(0.25),
        note(
          2.0, 780, 850, 840, 810, 770, level: 0.9, attack: 0.05, release: 0.3,
          vibrato: Modulation(rate: 11, depth: 0.3), tremolo: Modulation(rate: 11, depth: 0.6)),
      ]))
}
