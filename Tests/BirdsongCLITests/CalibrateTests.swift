import Foundation
import TestSupport
import Testing

@Suite struct CalibrateTests {
  @Test func staffTypeMeterReadingsAndGetAProfileTheKioskReads() throws {
    let folder = temporaryFolder()
    let raw = folder + "/headphones.raw"
    let profile = folder + "/venue.yaml"
    // A typo is asked again; 6000 Hz is skipped. Pauses let each tone play for a while.
    let script = """
      (sleep 1; echo 80; sleep 1; echo eighty; echo 81.5; sleep 1; echo s) | '\(birdsongBinary)' calibrate \
        --output '\(profile)' --headphone 'Test HP' --standard hda200 --ear right \
        --device "file:'\(raw)',raw" --frequencies 1000,2000,6000
      """
    let (status, output) = try run("/bin/bash", ["-c", script])
    #expect(status == 0, "\(output)")
    #expect(output.contains("'eighty' is not a reading"))
    let text = try String(contentsOfFile: profile, encoding: .utf8)
    #expect(text.contains("1000: {retspl: 5.5, measured_db_spl: 80}"), "\(text)")
    #expect(text.contains("2000: {retspl: 4.5, measured_db_spl: 81.5}"))
    #expect(!text.contains("6000:"), "a skipped frequency was written")
    #expect(text.contains("ISO 389-8"))

    // The kiosk config check reads it back.
    let kiosk = folder + "/kiosk.yaml"
    let root = packageRoot()
    try
      "locales: \(root)/Config/locales\nsignposting: \(root)/Config/signposting/england.yaml\ncalibration: \(profile)\ninstallation: none\n"
      .write(toFile: kiosk, atomically: true, encoding: .utf8)
    let check = try run(
      birdsongBinary, ["config", "check", "--config", root + "/Config/installation.yaml", "--kiosk", kiosk])
    #expect(check.status == 0, "\(check.output)")
    #expect(check.output.contains("the calibration has no 4000, 6000, 8000, 500 Hz"), "\(check.output)")

    // The tones came on the right ear only, at the reference level (-20 dBFS peak).
    let data = try Data(contentsOf: URL(fileURLWithPath: raw))
    let peaks = data.withUnsafeBytes { bytes -> [Float] in
      let samples = bytes.bindMemory(to: Float.self)
      var peaks: [Float] = [0, 0]
      for index in samples.indices { peaks[index % 2] = max(peaks[index % 2], abs(samples[index])) }
      return peaks
    }
    #expect(peaks[0] == 0, "sound on the left ear: \(peaks[0])")
    #expect(abs(20 * log10(Double(peaks[1])) + 20) < 0.2, "right ear peak \(peaks[1]), expected -20 dBFS")
  }

  @Test func aStandardWithoutAFrequencyAsksForItsReferenceThreshold() throws {
    let folder = temporaryFolder()
    let result = try run(
      birdsongBinary,
      ["calibrate", "--output", folder + "/p.yaml", "--headphone", "X", "--standard", "er3a", "--device", "null"])
    #expect(result.status != 0)
    #expect(
      result.output.contains("no reference threshold (RETSPL) for 6000 Hz") && result.output.contains("--retspl 6000="))
    #expect(!FileManager.default.fileExists(atPath: folder + "/p.yaml"))
  }

  @Test func theRoomMicrophoneIsCalibratedAgainstAMeterReading() throws {
    let folder = temporaryFolder()
    // A room at 74 dB SPL on the meter, which the microphone records at -30 dB full scale.
    let feed = RoomFeed(path: folder + "/room.raw", level: RoomFeed.offsetDB - 30)
    defer { feed.stop() }
    try feed.defineDevice(named: "roommic", inHome: folder)
    let output = folder + "/room-microphone.yaml"
    let script = """
      printf 'seventy-four\\n74\\n' | '\(birdsongBinary)' calibrate --microphone roommic --seconds 2 --output '\(output)'
      """
    var environment = ProcessInfo.processInfo.environment
    environment["HOME"] = folder
    let (status, printed) = try run("/bin/bash", ["-c", script], environment: environment)
    #expect(status == 0, "\(printed)")
    #expect(printed.contains("8000 Hz"), "the octave bands were not shown:\n\(printed)")
    #expect(printed.contains("'seventy-four' is not a reading"), "a typo must be asked again:\n\(printed)")
    let text = try String(contentsOfFile: output, encoding: .utf8)
    let offset = try #require(
      text.split(separator: "\n").first { $0.hasPrefix("offset_db:") }.flatMap {
        Double($0.dropFirst(10).trimmingCharacters(in: .whitespaces))
      })
    #expect(abs(offset - 104) < 0.3, "offset \(offset) dB; the meter said 74 for -30 dB full scale")

    // Beside a headphone profile in a config's calibration folder, config check knows it for
    // what it is; a kiosk naming it as the headphones' profile is told which file goes where.
    let venue = folder + "/venue"
    try FileManager.default.createDirectory(atPath: venue + "/calibration", withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      atPath: packageRoot() + "/Config/installation.yaml", toPath: venue + "/installation.yaml")
    try FileManager.default.copyItem(
      atPath: packageRoot() + "/Config/calibration/example.yaml", toPath: venue + "/calibration/example.yaml")
    try FileManager.default.copyItem(atPath: output, toPath: venue + "/calibration/room-microphone.yaml")
    let check = try run(
      birdsongBinary, ["config", "check", "--config", venue + "/installation.yaml", "--kiosk", "none"],
      environment: environment)
    #expect(check.status == 0 && check.output.contains("room-microphone.yaml: OK: room microphone"), "\(check.output)")
    try "calibration: \(output)\n".write(toFile: venue + "/kiosk.yaml", atomically: true, encoding: .utf8)
    let swapped = try run(
      birdsongBinary, ["config", "check", "--config", venue + "/installation.yaml", "--kiosk", venue + "/kiosk.yaml"],
      environment: environment)
    #expect(swapped.status != 0 && swapped.output.contains("room microphone's calibration"), "\(swapped.output)")

    // Nothing is written over an existing file without --force, and a silent device is refused.
    let again = try run(
      birdsongBinary, ["calibrate", "--microphone", "roommic", "--output", output], environment: environment)
    #expect(again.status != 0 && again.output.contains("--force"))
    let silent = try run(
      birdsongBinary, ["calibrate", "--microphone", "null", "--seconds", "2", "--output", folder + "/x.yaml"])
    #expect(silent.status != 0 && silent.output.contains("recorded silence"), "\(silent.output)")
    #expect(!FileManager.default.fileExists(atPath: folder + "/x.yaml"))
    // A folder that is not there is said before anything is measured.
    let nowhere = try run(
      birdsongBinary, ["calibrate", "--microphone", "roommic", "--output", folder + "/no/such/m.yaml"],
      environment: environment)
    #expect(nowhere.status != 0 && nowhere.output.contains("there is no folder"), "\(nowhere.output)")
    #expect(!nowhere.output.contains("Measuring"))
  }
}
