import BirdsongAudio
import Foundation
import TestSupport
import Testing

/// `render --heard-at-age` and `--heard-with`: the renders, their alignment and their errors.
@Suite struct HeardAsTests {
  @Test func anAllZeroAudiogramRendersTheSameSoundFrameForFrame() throws {
    let folder = temporaryFolder()
    let common = ["render", "--species", "blackbird", "--duration", "6s", "--seed", "4", "--format", "float"]
    #expect(try birdsong(common + ["-o", folder + "/plain.wav"]).status == 0)
    let heard = try birdsong(common + ["-o", folder + "/heard.wav", "--heard-with", "250:0,8000:0"])
    #expect(heard.status == 0, "\(heard.stderr)")
    let plain = try WAVReader(path: folder + "/plain.wav").readAll()
    let same = try WAVReader(path: folder + "/heard.wav").readAll()
    #expect(plain.count == same.count, "the filter's delay must be taken out of a file, not added to it")
    let worst = zip(plain, same).map { abs($0 - $1) }.max() ?? 1
    #expect(worst < 1e-4, "an all-zero audiogram changed the render by \(worst)")
  }

  @Test func aToneAboveA60DBLossIs60DBQuieterAndTheSpectrogramShowsBoth() throws {
    let folder = temporaryFolder()
    let tone = ["render", "--tone", "6000", "--level", "-20", "--duration", "4s"]
    #expect(try birdsong(tone + ["-o", folder + "/plain.wav"]).status == 0)
    let heard = try birdsong(
      tone + [
        "-o", folder + "/heard.wav", "--heard-with", "1000:0,2000:60,8000:60", "--spectrogram", folder + "/t.png",
      ])
    #expect(heard.status == 0 && heard.stderr.contains("as heard with the audiogram"), "\(heard.stderr)")
    let levels = try ["plain", "heard"].map { name in
      try run("/bin/bash", ["-c", "sox '\(folder)/\(name).wav' -n trim 1 2 stats 2>&1 | grep 'RMS lev'"]).output
        .split(whereSeparator: \.isWhitespace).compactMap { Double($0) }.first ?? 0
    }
    #expect(abs(levels[0] - levels[1] - 60) <= 1, "\(levels)")
    // Two panels, as sung above and as heard below: one panel more than a plain render's.
    let single = try birdsong(tone + ["-o", "/dev/null", "--spectrogram", folder + "/one.png"])
    #expect(single.status == 0)
    #expect(try pngHeight(folder + "/t.png") > (try pngHeight(folder + "/one.png")) + 300)
  }

  @Test func mistakesAreNamed() throws {
    let cases: [([String], String)] = [
      (["--heard-at-age", "12"], "from 18 to 80"),
      (["--heard-at-age", "70", "--sex", "other"], "female or male"),
      (["--sex", "female"], "--sex goes with --heard-at-age"),
      (["--heard-with", "4000"], "FREQ:dBHL"),
      (["--heard-at-age", "70", "--heard-with", "4000:60"], "choose one"),
    ]
    for (arguments, message) in cases {
      let result = try birdsong(["render", "--sweep", "-o", "/dev/null"] + arguments)
      #expect(result.status != 0 && result.stderr.contains(message), "\(arguments): \(result.stderr)")
    }
  }

  private func pngHeight(_ path: String) throws -> Int {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return data[20..<24].reduce(0) { $0 << 8 | Int($1) }
  }
}
