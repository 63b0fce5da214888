import BirdsongAudio
import BirdsongSynthesis
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

  @Test func aPreviewHeardAt70PlaysWhatTheOfflineRenderWrites() throws {
    let folder = temporaryFolder()
    let config = packageRoot() + "/Config/installation.yaml"
    let live = try birdsong([
      "run", "--config", config, "--preview", "--heard-at-age", "70", "--duration", "6s", "--seed", "5",
      "--device", "file:'\(folder)/live.raw',raw", "--control-socket", "none",
    ])
    #expect(live.status == 0, "\(live.stderr)")
    let offline = try birdsong([
      "render", "--installation", config, "--preview", "--heard-at-age", "70", "--duration", "6s", "--seed", "5",
      "--format", "float", "-o", folder + "/offline.wav",
    ])
    #expect(offline.status == 0, "\(offline.stderr)")
    let written = try WAVReader(path: folder + "/offline.wav").readAll()
    let played = try Data(contentsOf: URL(fileURLWithPath: folder + "/live.raw")).withUnsafeBytes {
      Array($0.bindMemory(to: Float.self))
    }
    #expect(played.count == written.count)
    #expect(played == written, "the live preview differs from the offline render")
    #expect(written.contains { $0 != 0 }, "nothing sang in 6 s")
    let refused = try birdsong(["run", "--config", config, "--heard-at-age", "70", "--device", "null"])
    #expect(refused.status != 0 && refused.stderr.contains("go with --preview"))
  }

  @Test func theAwarenessClipHasEachBirdTwiceAndTheHighOnesFadeAt70() throws {
    let folder = temporaryFolder()
    let clip = try birdsong([
      "render", "--awareness", "-o", folder + "/aware.wav", "--format", "float", "--spectrogram", folder + "/aware.png",
    ])
    #expect(clip.status == 0, "\(clip.stderr)")
    // The poster: the sweep at 20 above the sweep at 70, two panels.
    let single = try birdsong([
      "render", "--tone", "1000", "--duration", "1s", "-o", "/dev/null", "--spectrogram", folder + "/one.png",
    ])
    #expect(single.status == 0)
    #expect(try pngHeight(folder + "/aware.png") > (try pngHeight(folder + "/one.png")) + 300)
    #expect(try birdsong(["render", "--sweep", "-o", folder + "/sweep.wav", "--format", "float"]).status == 0)
    let aware = try WAVReader(path: folder + "/aware.wav").readAll()
    let sweep = try WAVReader(path: folder + "/sweep.wav").readAll()
    // Every bird twice, with 0.4 s after the first and 0.8 s after the second.
    let birds = try SpeciesCatalogue.load(folder: packageRoot() + "/Config/species").count
    #expect(aware.count == 2 * sweep.count + birds * Int(1.2 * 48000), "\(aware.count) frames")
    // The energy above 5 kHz (the small birds) falls by far more at 70 than at 20.
    func high(_ samples: [Float]) -> Double {
      let spectrum = PowerSpectrum(samples, sampleRate: 48000)
      return spectrum.bins.enumerated().filter { spectrum.frequency(ofBin: $0.offset) > 5000 }.reduce(0) {
        $0 + $1.element
      }
    }
    let heardAt20 = try birdsong([
      "render", "--sweep", "--heard-at-age", "20", "-o", folder + "/20.wav", "--format", "float",
    ])
    let heardAt70 = try birdsong([
      "render", "--sweep", "--heard-at-age", "70", "-o", folder + "/70.wav", "--format", "float",
    ])
    #expect(heardAt20.status == 0 && heardAt70.status == 0)
    let young = high(try WAVReader(path: folder + "/20.wav").readAll())
    let old = high(try WAVReader(path: folder + "/70.wav").readAll())
    #expect(10 * log10(young / old) > 15, "above 5 kHz, 70 is only \(10 * log10(young / old)) dB down on 20")
    #expect(10 * log10(high(sweep) / young) < 3, "at 20 the birds should sound almost as sung")
  }

  private func pngHeight(_ path: String) throws -> Int {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return data[20..<24].reduce(0) { $0 << 8 | Int($1) }
  }
}
