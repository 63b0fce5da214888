// The garden chorus, roughly 1.5-7 kHz. Figures: REFERENCE.md section 2 (BTO and RSPB species
// texts, wildechoes, Birdwatch, xeno-canto notes).

extension SpeciesCatalogue {
  static let blackbird = Species(
    id: "blackbird", common: "Blackbird", scientific: "Turdus merula", band: 1400...7500,
    summary: "slow, fluty, mellow phrases around 2 kHz ending in a quiet, squeaky flourish",
    sources: [
      "fluty FM phrases 1.5-3 kHz plus a higher flourish; ~9 phrases/min of 1.5-2.5 s (REFERENCE.md 2)",
      "weak second partial, after Schottstaedt's CLM bird.scm partial weights",
    ],
    song: SongPattern(
      songsPerMinute: 8...10,
      [
        repeated(
          3...5,
          oneOf(
            [note(0.30, 1900, 2300, 2100, vibrato: Modulation(rate: 18, depth: 0.2), harmonics: [0.06])],
            [note(0.22, 2600, 2000, harmonics: [0.05])],
            [note(0.36, 1700, 1600, 2000, 1800, vibrato: Modulation(rate: 14, depth: 0.25), harmonics: [0.07])],
            [note(0.18, 2200, 2800, level: 0.8, harmonics: [0.04])],
            [note(0.26, 2400, 2500, 1900, harmonics: [0.05])]),
          rest(0.04...0.1)),
        rest(0.05...0.12),
        repeated(
          2...6,
          oneOf(
            [note(0.05, 5500, 4500, level: 0.35)],
            [note(0.06, 4200, 6500, level: 0.3)],
            [note(0.045, 6800, 5200, level: 0.3)]),
          rest(0.02...0.05)),
      ]))

  static let songThrush = Species(
    id: "song-thrush", common: "Song thrush", scientific: "Turdus philomelos", band: 1200...6000,
    summary: "loud, varied phrases, each repeated two to four times: 'cherry-dew, cherry-dew'",
    sources: ["1-6 kHz; phrases repeated 2-4 times (REFERENCE.md 2; RSPB)"],
    song: SongPattern(
      songsPerMinute: 3...5,
      [
        repeated(
          3...6,
          oneOf(
            [
              repeated(
                2...4, note(0.07, 3200, 2600), rest(0.03), note(0.07, 3400, 2700), rest(0.04),
                note(0.15, 2000, 2600), rest(0.1...0.14))
            ],
            [
              repeated(
                2...4, note(0.05, 4200, 3800), rest(0.03), note(0.05, 4000, 3600), rest(0.03),
                note(0.1, 2800, 3400), rest(0.1...0.14))
            ],
            [repeated(3...4, note(0.04, 5200, 4400, level: 0.8), rest(0.05...0.06))],
            [repeated(2...3, note(0.22, 1800, 2500, 2200, harmonics: [0.08]), rest(0.12...0.16))],
            [repeated(2...4, note(0.12, 1300, 1500, level: 0.8, tremolo: Modulation(rate: 60, depth: 0.5)), rest(0.08))]
          ),
          rest(0.3...0.55))
      ]))

  static let chaffinch = Species(
    id: "chaffinch", common: "Chaffinch", scientific: "Fringilla coelebs", band: 2000...7000,
    summary: "a cheerful strophe: two descending trills and a terminal flourish, 'chip-chip-...-cheweeoo'",
    sources: ["strophes 2.1-2.8 s, ~6 per minute; two trills and a terminal flourish (REFERENCE.md 2)"],
    song: SongPattern(
      songsPerMinute: 5...7,
      [
        repeated(6...9, tempo: 0.97, transpose: -0.3, note(0.08, 6200, 4500), rest(0.05)),
        rest(0.04),
        repeated(3...5, transpose: -0.2, note(0.08, 3800, 3000, 3600, level: 0.9), rest(0.04)),
        rest(0.03),
        note(0.32, 5200, 4000, 2300, attack: 0.015, release: 0.04),
        rest(0.04),
        note(0.06, 4500, 5000, level: 0.6),
      ]))

  static let robin = Species(
    id: "robin", common: "Robin", scientific: "Erithacus rubecula", band: 2200...9600,
    summary: "wistful warbling phrases of 2-3 s with wide leaps, some notes very high",
    sources: ["phrases 2-3 s, wide jumps, notes up to and above 8-10 kHz (REFERENCE.md 2)"],
    song: SongPattern(
      songsPerMinute: 10...15,
      [
        repeated(
          10...16,
          oneOf(
            [note(0.12, 3000, 4200)],
            [note(0.08, 7800, 6000, level: 0.8)],
            [note(0.15, 2600, 2700, 2500, vibrato: Modulation(rate: 35, depth: 0.4))],
            [note(0.05, 8400, 8800, level: 0.6)],
            [note(0.1, 5000, 3500, 4500)],
            [repeated(3...5, note(0.035, 6500, 6000, level: 0.7), rest(0.02))],
            [note(0.2, 4200, 4300, tremolo: Modulation(rate: 40, depth: 0.7))],
            [note(0.09, 9200, 8000, level: 0.5)]),
          rest(0.02...0.07))
      ]))

  static let greatTit = Species(
    id: "great-tit", common: "Great tit", scientific: "Parus major", band: 3400...5300,
    summary: "ringing two-note 'tea-cher, tea-cher', high note first",
    sources: ["'teacher', ~2 notes per 0.5 s; note 1 4.5-5 kHz, note 2 3.5-4.5 kHz (REFERENCE.md 2)"],
    song: SongPattern(
      songsPerMinute: 5...8,
      [
        oneOf(
          [
            repeated(
              4...8, note(0.1, 4700, 5000, 4800), rest(0.06), note(0.1, 4100, 3700, level: 0.9),
              rest(0.19...0.22))
          ],
          [
            repeated(
              3...6, note(0.09, 5000, 4800), rest(0.05), note(0.08, 3900, 3600, level: 0.85), rest(0.05),
              note(0.08, 3900, 3600, level: 0.85), rest(0.2))
          ])
      ]))

  static let blueTit = Species(
    id: "blue-tit", common: "Blue tit", scientific: "Cyanistes caeruleus", band: 4200...7600,
    summary: "two or three thin high notes, then a fast trill: 'tsee-tsee-chu-hu-hu-hu'",
    sources: ["2-3 high opening notes over ~0.5 s, then a tremolo (REFERENCE.md 2)"],
    song: SongPattern(
      songsPerMinute: 5...8,
      [
        repeated(2...3, note(0.1, 7200, 7000, level: 0.8), rest(0.08)),
        rest(0.05),
        repeated(8...14, note(0.03, 5200, 4600), rest(0.012)),
      ]))

  static let wren = Species(
    id: "wren", common: "Wren", scientific: "Troglodytes troglodytes", band: 3500...8500,
    summary: "astonishingly loud, fast outpouring of notes and rattling trills, 4-6 s long",
    sources: ["loud (~90 dB), phrases 4-6 s, > 60 notes in 8 s, trills (REFERENCE.md 2)"],
    song: SongPattern(
      songsPerMinute: 4...6,
      [
        repeated(4...6, note(0.05, 5500, 4000), rest(0.03)),
        repeated(25...35, note(0.035, 7000, 6000, level: 0.85, attack: 0.01, release: 0.012), rest(0.015)),
        repeated(
          5...8, oneOf([note(0.06, 4000, 6500)], [note(0.04, 8000, 7000, level: 0.7)]), rest(0.03)),
        repeated(25...40, note(0.03, 4500, 4000, attack: 0.01, release: 0.012), rest(0.012)),
        repeated(4...6, oneOf([note(0.05, 6000, 4500)], [note(0.06, 5000, 7200)]), rest(0.03)),
      ]))

  static let chiffchaff = Species(
    id: "chiffchaff", common: "Chiffchaff", scientific: "Phylloscopus collybita", band: 3800...7400,
    summary: "its name, over and over: 'chiff-chaff-chiff-chaff', each note sliding down",
    sources: ["'chiff-chaff' notes, each sliding ~7 kHz down to ~4 kHz; song > 4 s (REFERENCE.md 2)"],
    song: SongPattern(
      songsPerMinute: 4...6,
      [
        repeated(
          10...16,
          oneOf([note(0.08, 7000, 4300)], [note(0.07, 6300, 4100, level: 0.85)]),
          rest(0.22...0.32))
      ]))
}
