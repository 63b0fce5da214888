import BirdsongAudio
import BirdsongSynthesis
import Foundation
import TestSupport
import Testing

/// The kiosk end to end, in tmux, with the headphones on a file device.
@Suite struct KioskEndToEndTests {
  init() throws {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else {
      throw DriverError("tmux is needed for the kiosk tests: apt-get install tmux (scripts/ensure-deps --test does)")
    }
  }

  @Test func aWholeCheckToResultsSignpostingAndAContactRequest() throws {
    // A quiet room (35 dB SPL) at the room microphone.
    let kiosk = try KioskDriver(settings: "installation: none\nfrequencies: [1000, 4000, 1000]", roomLevel: 35)
    // Hears 10 dB HL in the right ear and 35 dB HL in the left (0 dB HL is -80 dBFS here).
    let listener = TonalListener(driver: kiosk, leftDBFS: -80 + 35, rightDBFS: -80 + 10)
    defer { listener.stop() }
    try kiosk.waitFor("Can you hear the birds?")
    try kiosk.press("Enter")
    try kiosk.waitFor("Choose your language")
    try kiosk.press("Enter")
    try kiosk.waitFor("About this check")
    #expect(try kiosk.screen().contains("NHS 111"), "the red flags come before the check")
    try kiosk.press("Enter")
    try kiosk.waitFor("sound in your left ear")
    #expect(listener.waitForSound(onlyOn: 0), "the left-ear check tone did not come on the left channel alone")
    try kiosk.press("Enter")
    try kiosk.waitFor("sound in your right ear")
    #expect(listener.waitForSound(onlyOn: 1), "the right-ear check tone did not come on the right channel alone")
    try kiosk.press("Enter")
    try kiosk.waitFor("Practice")
    listener.answer(true)
    try kiosk.waitFor("Press Enter to start", timeout: 20)
    try kiosk.press("Enter")
    let results = try kiosk.waitFor("Your results", timeout: 200)
    listener.answer(false)

    #expect(results.contains("harder for you to hear"), "35 dB HL at 1 kHz in one ear should refer")
    #expect(!results.contains("typical hearing"), "the results contradict themselves")
    // The table under the audiogram: "1k Hz   O 10   X 35   <bird>".
    let row = try #require(results.split(separator: "\n").first { $0.contains("1k Hz") && $0.contains("O ") })
    let numbers = row.split(separator: " ").compactMap { Int($0) }
    #expect(numbers.count >= 2, "no thresholds in '\(row)'")
    if numbers.count >= 2 {
      #expect(abs(numbers[0] - 10) <= 5, "right ear at 1 kHz: \(numbers[0]) dB HL, the listener hears 10")
      #expect(abs(numbers[1] - 35) <= 5, "left ear at 1 kHz: \(numbers[1]) dB HL, the listener hears 35")
    }
    #expect(results.contains("X") && results.contains("dB HL"))
    #expect(results.contains("quiet enough throughout"), "the results must say the room was measured")
    try expectCleanTones(kiosk.audioFile)

    // Hearing age: a woman of 60-69 (the listener hears 35 dB HL at 4 kHz on the left).
    try kiosk.pageUntil("Compared with people your age")
    try kiosk.press("Right")
    try kiosk.press("Enter")
    try kiosk.waitFor("Your age:")
    for _ in 0..<4 { try kiosk.press("Right") }
    try kiosk.press("Enter")
    let compared = try kiosk.waitFor("heard the high beeps like most people aged")
    #expect(compared.contains("Your left ear") && compared.contains("ISO 7029"), "\(compared)")
    // The birds as others hear them, on the headphones, named on screen.
    try kiosk.press("Enter")
    try kiosk.waitFor("as other people hear them")
    try kiosk.press("Space")
    try kiosk.waitFor("as most 20-year-olds hear it", timeout: 5)
    Thread.sleep(forTimeInterval: 1.5)
    #expect(!listener.silent(for: 1), "no bird on the headphones")
    try kiosk.waitFor("as most 70-year-olds hear it", timeout: 10)
    try kiosk.waitFor("as your check suggests you hear it", timeout: 10)
    try kiosk.press("Enter")

    try kiosk.pageUntil("Where to go next")
    let signposting = try kiosk.pageUntil("NHS 111")
    #expect(signposting.contains("NHS") || signposting.contains("GP"))
    #expect(!signposting.contains("PLACEHOLDER"), "a placeholder reached the visitor's screen")
    try kiosk.pageUntil("audiologist to contact you")
    try kiosk.press("Enter")
    try kiosk.waitFor("We will keep your name")
    try kiosk.press("Enter")
    try kiosk.waitFor("Your name:")
    try kiosk.type("Ada Lovelace")
    try kiosk.press("Enter")
    try kiosk.waitFor("phone number or email")
    try kiosk.type("soon")
    try kiosk.press("Enter")
    try kiosk.waitFor("does not look like a phone number")
    for _ in 0..<4 { try kiosk.press("BSpace") }
    try kiosk.type("07700 900123")
    try kiosk.press("Enter")
    try kiosk.waitFor("We have your request")

    let export = try run(birdsongBinary, ["sessions", "export", "--csv", "--database", kiosk.database])
    #expect(export.output.contains(",headphones,yes,yes,refer,,England,"), "export:\n\(export.output)")
    #expect(export.output.contains(",60-69,female,"), "the age band given was not kept:\n\(export.output)")
    #expect(!export.output.contains("Ada"), "the anonymous export must hold no names")
    let contacts = try pipeline(
      "echo \(KioskDriver.pin) | '\(birdsongBinary)' sessions export --csv --contacts --database '\(kiosk.database)' "
        + "--config '\(kiosk.configFile)'")
    #expect(contacts.contains("Ada Lovelace,07700 900123,"), "contacts:\n\(contacts)")
    let refused = try pipeline(
      "echo 1111 | '\(birdsongBinary)' sessions export --csv --contacts --database '\(kiosk.database)' "
        + "--config '\(kiosk.configFile)' 2>&1; echo status=$?")
    #expect(refused.contains("wrong staff PIN") && refused.contains("status=1") && !refused.contains("Ada"))
  }

  /// Attract screen to the start of the check (the screen then shows `first`), with the
  /// listener answering.
  private func startCheck(_ kiosk: KioskDriver, _ listener: TonalListener, first: String = "Step 1 of") throws {
    try kiosk.waitFor("Can you hear the birds?")
    for screen in ["Choose your language", "About this check", "sound in your left ear", "sound in your right ear"] {
      try kiosk.press("Enter")
      try kiosk.waitFor(screen)
    }
    try kiosk.press("Enter")
    try kiosk.waitFor("Practice")
    listener.answer(true)
    try kiosk.waitFor("Press Enter to start", timeout: 20)
    try kiosk.press("Enter")
    try kiosk.waitFor(first)
  }

  /// One column of the first record of `sessions export --csv`.
  private func exported(_ column: String, _ database: String) throws -> String? {
    let lines = try run(birdsongBinary, ["sessions", "export", "--csv", "--database", database]).output
      .split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    guard lines.count > 1, let index = lines[0].firstIndex(of: column) else { return nil }
    return lines[1][index]
  }

  @Test func theCheckWaitsForQuietWhenTheRoomGetsLoudAndRepeatsThatFrequency() throws {
    let kiosk = try KioskDriver(settings: "installation: none\nfrequencies: [1000, 4000]", roomLevel: 35)
    let listener = TonalListener(driver: kiosk, leftDBFS: -80 + 10, rightDBFS: -80 + 10)
    defer { listener.stop() }
    try startCheck(kiosk, listener)
    Thread.sleep(forTimeInterval: 5)
    // A school party passes: 90 dB SPL at the microphone, far over every band's limit.
    try #require(kiosk.room).set(level: 90)
    let noisy = try kiosk.waitFor("Too noisy to test", timeout: 4)
    #expect(noisy.contains("Noise") && noisy.contains("stop the check"), "no meter or way out:\n\(noisy)")
    Thread.sleep(forTimeInterval: 4)
    #expect(listener.silent(for: 3), "a tone played while the room was too loud")
    #expect(try kiosk.screen().contains("Waiting for quiet"))
    try #require(kiosk.room).set(level: 35)
    try kiosk.waitFor("Listen, and press", timeout: 8)
    let results = try kiosk.waitFor("Your results", timeout: 200)
    listener.answer(false)
    #expect(results.contains("got too noisy once"), "the results must say the check paused for noise:\n\(results)")
    #expect(try exported("room_monitored", kiosk.database) == "yes")
    #expect(try exported("noise_pauses", kiosk.database) == "1")
    let loudest = try #require(try exported("ambient_max_8000_db", kiosk.database).flatMap(Double.init))
    // White noise at 90 dB SPL puts about 84 dB in the 8 kHz octave (a quarter of 0-24 kHz).
    #expect(abs(loudest - 83.7) < 2, "the 8 kHz band's loudest level was stored as \(loudest) dB SPL")
  }

  @Test func aRoomTooLoudToTestPlaysNoToneAndTheVisitorCanStop() throws {
    let kiosk = try KioskDriver(settings: "installation: none\nfrequencies: [1000]", roomLevel: 85)
    let listener = TonalListener(driver: kiosk, leftDBFS: -80 + 10, rightDBFS: -80 + 10)
    defer { listener.stop() }
    try startCheck(kiosk, listener, first: "Too noisy to test")
    Thread.sleep(forTimeInterval: 4)
    #expect(listener.silent(for: 3.5), "a tone played in a room too loud to test")
    try kiosk.press("Left")
    try kiosk.waitFor("Where to go next")
    #expect(try exported("outcome", kiosk.database) == "not_measured")
    #expect(try exported("room_monitored", kiosk.database) == "yes")
    #expect(try exported("noise_pauses", kiosk.database) == "1")
  }

  @Test func escapesDoNothingAndTheIdleTimeoutGoesBackToTheStart() throws {
    let kiosk = try KioskDriver(settings: "installation: none\nidle_timeout: 25s")
    try kiosk.waitFor("Can you hear the birds?")
    try kiosk.press("Enter")
    try kiosk.press("Right")
    try kiosk.press("Enter")
    try kiosk.waitFor("À propos de ce contrôle")
    for keys in ["C-c", "C-z", "C-\\", "C-d", "Escape", "F5", "Up", "C-s"] { try kiosk.press(keys) }
    try kiosk.type("\u{1B}[999;999H\u{1B}]0;x\u{07}q")
    let after = try kiosk.screen()
    #expect(after.contains("À propos de ce contrôle"), "an escape attempt changed the screen:\n\(after)")
    #expect(try kiosk.kioskPID() != nil, "the kiosk is no longer running")
    // The countdown, in the visitor's language, then back to the start in English.
    try kiosk.waitFor("Retour au début dans", timeout: 15)
    try kiosk.waitFor("Can you hear the birds?", timeout: 25)

    // Staff: a wrong PIN is refused; the right one opens the menu; 1 exits.
    try kiosk.press("C-b", "s")
    try kiosk.waitFor("PIN:")
    try kiosk.type("0000")
    try kiosk.press("Enter")
    try kiosk.waitFor("wrong PIN")
    try kiosk.waitFor("Can you hear the birds?", timeout: 6)
    try kiosk.press("C-b", "s")
    try kiosk.type(KioskDriver.pin)
    try kiosk.press("Enter")
    try kiosk.waitFor("Staff menu")
    try kiosk.press("3")
    try kiosk.waitFor("no checks yet")
    try kiosk.press("1")
    let end = try kiosk.waitFor("KIOSK-DONE")
    #expect(end.contains("KIOSK-EXIT=0"))
    #expect(end.contains(" icanon") && end.contains(" echo") && end.contains(" isig"), "terminal not restored:\n\(end)")
  }

  @Test func theTerminalIsRestoredAfterACrash() throws {
    let kiosk = try KioskDriver(settings: "installation: none")
    try kiosk.waitFor("Can you hear the birds?")
    let pid = try #require(try kiosk.kioskPID())
    kill(pid, SIGSEGV)
    let end = try kiosk.waitFor("KIOSK-DONE")
    #expect(end.contains("KIOSK-EXIT=139"), "expected death by SIGSEGV:\n\(end)")
    #expect(end.contains(" icanon") && end.contains(" echo"), "terminal not restored after the crash:\n\(end)")
  }
}

extension KioskEndToEndTests {
  @Test func closingTheTerminalEndsTheKiosk() throws {
    let kiosk = try KioskDriver(settings: "installation: none")
    try kiosk.waitFor("Can you hear the birds?")
    let pid = try #require(try kiosk.kioskPID())
    try kiosk.tmux(["kill-server"])
    var gone = false
    for _ in 0..<50 where !gone {
      usleep(100_000)
      // Gone, or a zombie whose parent has not reaped it yet.
      let state = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?.split(separator: " ")
      gone = state == nil || state![2] == "Z"
    }
    let ps = try run("/bin/ps", ["-o", "pid,stat,args", "-p", "\(pid)"]).output
    #expect(gone, "the kiosk lives on without its terminal: \(ps)")
    if !gone { kill(pid, SIGKILL) }
  }
}

extension KioskDriver {
  /// From the start screen, in English, through the consent to the choice of check.
  func goToModeChoice() throws {
    try waitFor("Can you hear the birds?")
    try press("Enter")
    try press("Enter")
    try waitFor("About this check")
    try press("Enter")
    try waitFor("How would you like to check?")
  }
}

/// Runs a shell pipeline; returns its standard output.
func pipeline(_ command: String) throws -> String {
  try run("/bin/bash", ["-c", command]).output
}

@Suite struct KioskWithInstallationTests {
  @Test func theKioskQuietsTheBoxesForHeadphonesAndPlaysThemOneByOneForAGroup() throws {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else {
      throw DriverError("tmux is needed for the kiosk tests: apt-get install tmux")
    }
    let folder = temporaryFolder()
    let socket = folder + "/control.sock"
    try """
    output: {device: "null", channels: 3}
    control_socket: \(socket)
    boxes:
      - {name: Gate, channel: 1, species: wood-pigeon}
      - {name: Hedge, channel: 2, species: blackbird}
      - {name: Pines, channel: 3, species: goldcrest}
    """.write(toFile: folder + "/installation.yaml", atomically: true, encoding: .utf8)
    let installation = Process()
    installation.executableURL = URL(fileURLWithPath: birdsongBinary)
    installation.arguments = ["run", "--config", folder + "/installation.yaml", "--log-level", "warning"]
    installation.standardError = FileHandle.nullDevice
    try installation.run()
    defer { kill(installation.processIdentifier, SIGKILL) }
    for _ in 0..<50 where !FileManager.default.fileExists(atPath: socket) { usleep(100_000) }
    func status() throws -> String { try run(birdsongBinary, ["ctl", "--socket", socket, "status"]).output }
    #expect(try status().contains("Gate on"))

    let kiosk = try KioskDriver(settings: "installation: \(socket)")
    try kiosk.goToModeChoice()
    try kiosk.press("Enter")
    try kiosk.waitFor("Put on the headphones")
    Thread.sleep(forTimeInterval: 0.5)
    #expect(try status().contains("Gate quiet"), "the boxes sing on while someone listens on headphones")
    // Staff take the visitor back to the start: the boxes sing again.
    try kiosk.press("C-b", "s")
    try kiosk.type(KioskDriver.pin)
    try kiosk.press("Enter")
    try kiosk.waitFor("Staff menu")
    try kiosk.press("Enter")
    try kiosk.waitFor("Can you hear the birds?")
    Thread.sleep(forTimeInterval: 0.5)
    #expect(try status().contains("Gate on"), "the boxes were left quiet")

    // The group check: the visitor hears the first two birds, not the goldcrest.
    try kiosk.goToModeChoice()
    try kiosk.press("Right")
    try kiosk.press("Enter")
    try kiosk.waitFor("Listen to the bird boxes")
    try kiosk.press("Enter")
    try kiosk.waitFor("Bird 1 of 3")
    try kiosk.press("Space")
    try kiosk.waitFor("Bird 2 of 3", timeout: 10)
    try kiosk.press("Space")
    try kiosk.waitFor("Bird 3 of 3", timeout: 10)
    let result = try kiosk.waitFor("The highest bird you heard", timeout: 12)
    #expect(result.contains("The highest bird you heard was the Blackbird"))
    #expect(result.contains("not a hearing test"), "the group check must say it is relative")
    Thread.sleep(forTimeInterval: 0.5)
    #expect(try status().contains("Pines on"))
    let export = try run(birdsongBinary, ["sessions", "export", "--csv", "--database", kiosk.database]).output
    #expect(export.contains(",free_field,") && export.contains(",heard_birds,"), "export:\n\(export)")

    // Stopped (SIGTERM) in the middle of a headphone check, the kiosk lets the boxes sing again.
    try kiosk.pageUntil("audiologist to contact you")
    try kiosk.press("Right")
    try kiosk.press("Enter")
    try kiosk.goToModeChoice()
    try kiosk.press("Enter")
    try kiosk.waitFor("Put on the headphones")
    Thread.sleep(forTimeInterval: 0.5)
    #expect(try status().contains("Gate quiet"))
    kill(try #require(try kiosk.kioskPID()), SIGTERM)
    let end = try kiosk.waitFor("KIOSK-DONE")
    #expect(end.contains("KIOSK-EXIT=0"))
    #expect(try status().contains("Gate on"), "the kiosk left the boxes quiet when it stopped")
  }
}

/// Every tone the headphones played over a whole check starts and ends with a ramp and stays
/// in its band: no click (broadband energy a listener could answer to without hearing the
/// tone) and no sample step larger than the tone itself can make.
func expectCleanTones(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
  let data = try Data(contentsOf: URL(fileURLWithPath: path))
  let samples = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
  var tones = 0
  for channel in 0..<2 {
    let lane = stride(from: channel, to: samples.count - 1, by: 2).map { samples[$0] }
    // Runs of sound separated by at least 10 ms of silence: one tone each.
    var start: Int?
    var silent = 0
    for (index, sample) in lane.enumerated() {
      if sample != 0 {
        if start == nil { start = index }
        silent = 0
      } else if let from = start {
        silent += 1
        guard silent == 480 || index == lane.count - 1 else { continue }
        let tone = Array(lane[from..<(index - silent + 1)])
        start = nil
        guard tone.count > 2400 else { continue }
        tones += 1
        let padded = tone + [Float](repeating: 0, count: max(0, 8192 - tone.count))
        let spectrum = PowerSpectrum(padded, sampleRate: 48000, size: 8192)
        let frequency = spectrum.peakFrequency
        let leakage = spectrum.leakage(outside: try FrequencyBand(low: frequency - 6, high: frequency + 6))
        #expect(
          leakage <= -60, "a \(Int(frequency)) Hz tone at frame \(from) leaks \(leakage) dB outside its band",
          sourceLocation: sourceLocation)
        let peak = tone.map(abs).max()!
        let slope = peak * Float(2 * Double.pi * frequency / 48000) * 1.05
        let step = zip(tone, tone.dropFirst()).map { abs($1 - $0) }.max()!
        #expect(step <= slope, "a step of \(step) in a \(Int(frequency)) Hz tone", sourceLocation: sourceLocation)
        #expect(abs(tone[0]) <= peak * 0.01 && abs(tone[tone.count - 1]) <= peak * 0.01, sourceLocation: sourceLocation)
      }
    }
  }
  #expect(tones >= 10, "only \(tones) tones in the capture", sourceLocation: sourceLocation)
}
