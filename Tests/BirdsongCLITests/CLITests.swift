import BirdsongAudio
import BirdsongSynthesis
import Foundation
import TestSupport
import Testing

@Suite struct CLITests {
  @Test func rendersASpeciesInABandThatSoxReads() throws {
    let folder = temporaryFolder()
    let path = folder + "/goldcrest.wav"
    let result = try birdsong([
      "render", "--species", "goldcrest", "--band", "6000-9000", "--duration", "5s", "--seed", "7", "-o", path,
      "--spectrogram", folder + "/g.png",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    // No progress bar when standard error is not a terminal: just the one summary line.
    #expect(result.stderr.split(separator: "\n").count == 1 && !result.stderr.contains("\r"))
    let info = try run("/usr/bin/soxi", ["-D", path])
    #expect(info.output.trimmingCharacters(in: .whitespacesAndNewlines) == "5.000000")
    let png = try Data(contentsOf: URL(fileURLWithPath: folder + "/g.png"))
    #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    let samples = try WAVReader(path: path).readAll()
    let spectrum = PowerSpectrum(samples, sampleRate: 48000)
    #expect(spectrum.peakFrequency > 6000 && spectrum.peakFrequency < 9000)
  }

  @Test func sameSeedGivesTheSameFileByteForByte() throws {
    let folder = temporaryFolder()
    for name in ["a", "b"] {
      let result = try birdsong([
        "render", "--species", "wren", "--duration", "4s", "--seed", "3", "-o", folder + "/\(name).wav",
      ])
      #expect(result.status == 0)
    }
    let a = try Data(contentsOf: URL(fileURLWithPath: folder + "/a.wav"))
    let b = try Data(contentsOf: URL(fileURLWithPath: folder + "/b.wav"))
    #expect(a == b && a.count > 1000)
  }

  @Test(
    arguments: [
      (["--tone", "4000"], 4000.0), (["--warble", "2000"], 2000), (["--noise", "1000"], 1000),
    ] as [([String], Double)])
  func rendersStimuliAtTheirFrequencyAndLevel(source: [String], frequency: Double) throws {
    let path = temporaryFolder() + "/s.wav"
    let result = try birdsong(
      ["render"] + source + ["--level", "-20", "--duration", "2s", "--format", "float", "-o", path])
    #expect(result.status == 0, "\(result.stderr)")
    let samples = try WAVReader(path: path).readAll()
    let spectrum = PowerSpectrum(samples, sampleRate: 48000)
    #expect(abs(spectrum.peakFrequency - frequency) < frequency * 0.12)
    let steady = samples[4800..<(samples.count - 4800)]
    let rms = (steady.reduce(0) { $0 + Double($1 * $1) } / Double(steady.count)).squareRoot()
    #expect(abs(20 * log10(rms * 2.0.squareRoot()) + 20) < 0.5)
  }

  @Test func rendersAWholeInstallationOneChannelPerBox() throws {
    let path = temporaryFolder() + "/day.wav"
    let result = try birdsong(["render", "--installation", "Config/installation.yaml", "--duration", "20s", "-o", path])
    #expect(result.status == 0, "\(result.stderr)")
    let reader = try WAVReader(path: path)
    #expect(reader.channels == 8 && reader.frames == 20 * 48000)
  }

  /// Bad input: one line on stderr that says what is wrong, a non-zero exit, and no file.
  @Test(
    arguments: [
      (["--species", "goldcrst", "--duration", "5s"], "did you mean 'goldcrest'"),
      (["--species", "robin", "--band", "9000-6000", "--duration", "5s"], "must be below its high edge"),
      (["--species", "robin", "--band", "20000-24500", "--duration", "5s", "--sample-rate", "44100"], "does not fit"),
      (["--species", "robin", "--duration", "0s"], "longer than zero"),
      (["--species", "robin", "--duration", "-3s"], "not a duration"),
      (["--species", "robin", "--duration", "soon"], "not a duration"),
      (["--tone", "1000", "--level", "6"], "at most 0 dBFS"),
      (["--species", "robin", "--tone", "1000"], "exactly one of"),
      (["--installation", "/nonexistent.yaml"], "does not exist"),
    ] as [([String], String)])
  func badInputFailsWithOneClearLineAndNoFile(arguments: [String], message: String) throws {
    let path = temporaryFolder() + "/out.wav"
    let result = try birdsong(["render"] + arguments + ["-o", path])
    #expect(result.status != 0)
    #expect(result.stderr.contains(message), "\(result.stderr)")
    #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: path))
  }

  @Test func anUnwritablePathSaysSoAndLeavesNothing() throws {
    let result = try birdsong(["render", "--species", "robin", "--duration", "1s", "-o", "/nonexistent/folder/x.wav"])
    #expect(result.status != 0)
    #expect(result.stderr.contains("folder does not exist"))
  }

  @Test func aFullDiskFailsCleanlyWithNoFileAtTheTarget() throws {
    // A file size limit stands in for a full disk: the write fails with EFBIG mid-render.
    let folder = temporaryFolder()
    let path = folder + "/full.wav"
    let result = try birdsong(
      ["render", "--tone", "1000", "--duration", "60s", "-o", path], shellPrefix: "ulimit -f 256;")
    #expect(result.status != 0)
    #expect(result.stderr.contains("writing '\(path)' failed"), "\(result.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
  }

  @Test func speciesListsTheWholeCatalogue() throws {
    let result = try birdsong(["species"])
    #expect(result.status == 0)
    for id in SpeciesCatalogue.all.map(\.id) { #expect(result.stdout.contains(id)) }
  }

  @Test func configCheckTakesAnInstallationConfigFromAnyFolderAlone() throws {
    // A venue's config in a folder of its own: nothing else needs to be beside it.
    let folder = temporaryFolder()
    try FileManager.default.copyItem(
      atPath: packageRoot() + "/Config/installation.yaml", toPath: folder + "/venue.yaml")
    let alone = try birdsong(["config", "check", "--config", folder + "/venue.yaml", "--kiosk", "none"])
    #expect(alone.status == 0, "\(alone.stderr)")
    #expect(alone.stdout.contains("venue.yaml: OK: 8 bird boxes"))
    // With the kiosk, its languages and signposting are the ones its own config names.
    let both = try birdsong(["config", "check", "--config", folder + "/venue.yaml", "--kiosk", "Config/kiosk.yaml"])
    #expect(both.status == 0, "\(both.stderr)")
    #expect(both.stdout.contains("Config/locales/fr.yaml: OK"))
    #expect(both.stdout.contains("Config/signposting/england.yaml: OK"))
  }

  @Test func aBrokenSpeciesFileStopsTheCommandsThatSingWithItsPlace() throws {
    let folder = temporaryFolder()
    let good = try String(contentsOfFile: packageRoot() + "/Config/species/great-tit.yaml", encoding: .utf8)
    try good.replacingOccurrences(of: "band: ", with: "bnd: ")
      .write(toFile: folder + "/great-tit.yaml", atomically: true, encoding: .utf8)
    for arguments in [
      ["species"], ["render", "--species", "great-tit", "-o", folder + "/x.wav"], ["config", "check"],
    ] {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: birdsongBinary)
      process.arguments = arguments
      process.currentDirectoryURL = URL(fileURLWithPath: packageRoot())
      process.environment = ProcessInfo.processInfo.environment.merging(["BIRDSONG_SPECIES": folder]) { $1 }
      let pipe = Pipe()
      process.standardError = pipe
      process.standardOutput = FileHandle.nullDevice
      try process.run()
      let message = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      #expect(process.terminationStatus != 0, "\(arguments)")
      #expect(message.contains(folder + "/great-tit.yaml:"), "\(arguments): \(message)")
      #expect(message.contains("unknown key 'bnd'; did you mean 'band'?"), "\(arguments): \(message)")
    }
    #expect(!FileManager.default.fileExists(atPath: folder + "/x.wav"))
  }

  @Test func sessionsRefuseADatabaseInAFolderThatIsNotThere() throws {
    let folder = temporaryFolder()
    let typo = try birdsong(["sessions", "stats", "--database", folder + "/typo/sessions.sqlite"])
    #expect(typo.status != 0 && typo.stderr.contains("check --database"), "\(typo.stderr)")
    #expect(!FileManager.default.fileExists(atPath: folder + "/typo"), "a mistyped folder was made")
    // A folder that is there but holds no database yet: no visitors so far.
    let fresh = try birdsong(["sessions", "stats", "--database", folder + "/sessions.sqlite"])
    #expect(fresh.status == 0, "\(fresh.stderr)")
  }
}
