import ControlProtocol
import Foundation
import HearingCheck
import Kiosk
import SessionStore
import TestSupport
import Testing

/// The visitor flow at the speed of a computer: a clock that the test moves on, tones that a
/// simulated listener hears by their level. (The real terminal and audio are tested in tmux,
/// in BirdsongCLITests.)
@Suite struct KioskFlowTests {
  final class RecordingOutput: ToneOutput, @unchecked Sendable {
    var tones: [(tone: HeadphoneTone, at: Double)] = []
    var now = 0.0
    func play(_ tone: HeadphoneTone) { tones.append((tone, now)) }
    var clips: [(clip: HeadphoneClip, at: Double)] = []
    func play(clip: HeadphoneClip) { clips.append((clip, now)) }
    func silence() {}
    var problem: String? { nil }
  }

  /// A room microphone whose levels the test sets (dB SPL per octave band, nil: no reading).
  final class FakeRoom: RoomNoiseSource, @unchecked Sendable {
    var levels: [Double]?
    var problem: String? { levels == nil ? "the test's microphone is off" : nil }
    init(_ levels: [Double]?) { self.levels = levels }
  }

  static func resources(calibrated: Bool = true, room: Bool = false, frequencies: [Double]? = nil) throws
    -> KioskResources
  {
    let root = packageRoot()
    let folder = temporaryFolder()
    var profile = "headphone: test\nstandard: test\nreference_level_dbfs: -20\nmaximum_db_spl: 110\nfrequencies:\n"
    for frequency in [500, 1000, 2000, 4000, 6000, 8000, 10000, 12500] {
      profile += "  \(frequency): {retspl: 10, measured_db_spl: 70}\n"
    }
    try profile.write(toFile: folder + "/calibration.yaml", atomically: true, encoding: .utf8)
    try "offset_db: 100\n".write(toFile: folder + "/microphone.yaml", atomically: true, encoding: .utf8)
    let config = try KioskConfig.parse(
      """
      locales: \(root)/Config/locales
      signposting: \(root)/Config/signposting/england.yaml
      calibration: \(calibrated ? folder + "/calibration.yaml" : "none")
      installation: none
      \(room ? "room_microphone: {device: roommic, calibration: \(folder)/microphone.yaml}" : "")
      \(frequencies.map { "frequencies: [\($0.map { String(Int($0)) }.joined(separator: ", "))]" } ?? "")
      """, file: "kiosk.yaml")
    return try KioskResources.load(config)
  }

  /// Runs a whole check for a listener whose thresholds (dB HL; 0 dB HL = -80 dBFS here) are
  /// given per ear and frequency; returns the session, the store and the seconds it took.
  static func check(
    thresholds: (Ear, Double) -> Double, pressesInSilence: Int = 0, seed: UInt64 = 7, calibrated: Bool = true,
    frequencies: [Double]? = nil, room: ((Double) -> [Double]?)? = nil, screens: ((Double, String) -> Void)? = nil,
    resultPagesAt size: (width: Int, height: Int)? = nil, checkToneHeardAfter: Double = 0,
    tones: ((HeadphoneTone, Double) -> Void)? = nil
  ) throws -> (session: KioskSession, store: SessionStore, seconds: Double, screen: String) {
    let output = RecordingOutput()
    let store = try SessionStore(path: temporaryFolder() + "/s.sqlite")
    let microphone = room.map { levels in FakeRoom(levels(0)) }
    let session = KioskSession(
      resources: try resources(calibrated: calibrated, room: room != nil, frequencies: frequencies), store: store,
      room: microphone,
      random: { seed })
    // The effects carried out as the kiosk would: tones noted, checks recorded.
    let services = KioskServices(output: output, control: nil, store: store, log: { _ in })
    var now = 0.0
    func step(_ seconds: Double) {
      let end = now + seconds
      while now < end {
        now += 0.01
        output.now = now
        if let room, let microphone { microphone.levels = room(now) }
        services.perform(session.tick(now: now), for: session)
      }
    }
    func press(_ key: TerminalKey) {
      services.perform(session.handle(key, now: now), for: session)
      step(0.3)
    }
    services.perform(session.reset(now: now), for: session)
    press(.enter)  // attract
    press(.enter)  // English
    press(.enter)  // about, consent
    step(checkToneHeardAfter)
    press(.enter)  // left ear heard
    step(checkToneHeardAfter)
    press(.enter)  // right ear heard
    var answered = output.tones.count
    var falsePresses = pressesInSilence
    var started: Double?
    while now < 900 {
      step(0.05)
      let frame = session.frame(width: 100, height: 40, now: now).text
      screens?(now, frame)
      if frame.contains("Press Enter to start") {
        press(.enter)
        started = now
      }
      if frame.contains("Your results") {
        guard let size else { return (session, store, now - (started ?? 0), frame) }
        // Every page of the results at that size, one after another (a form feed between).
        var pages: [String] = []
        for _ in 0..<8 {
          let page = session.frame(width: size.width, height: size.height, now: now).text
          pages.append(page)
          guard page.contains("Enter: more") else { break }
          press(.enter)
        }
        return (session, store, now - (started ?? 0), pages.joined(separator: "\u{0C}"))
      }
      // Answer each new tone that is over the listener's threshold, 0.3 s after it starts.
      while answered < output.tones.count {
        let (tone, at) = output.tones[answered]
        answered += 1
        tones?(tone, at)
        let hearingLevel = tone.levelDBFS + 80
        if let ear = tone.ear, hearingLevel >= thresholds(ear, tone.frequency) {
          step(max(0, at + 0.3 - now))
          press(.character(" "))
        }
      }
      if falsePresses > 0, Int(now * 20) % 41 == 0 {
        falsePresses -= 1
        press(.character(" "))
      }
    }
    throw FlowError()
  }

  @Test func aWholeCheckFindsEachThresholdWithinFiveDBInUnderFiveMinutes() throws {
    // A typical 65-year-old: a sloping high-frequency loss, a little worse on the left.
    let truth: [Double: Double] = [500: 10, 1000: 15, 2000: 20, 4000: 35, 6000: 45, 8000: 50]
    let thresholds = { (ear: Ear, frequency: Double) in truth[frequency]! + (ear == .left ? 5 : 0) }
    let (session, store, seconds, screen) = try Self.check(thresholds: thresholds)
    let result = try #require(session.lastResult)
    for outcome in result.outcomes {
      let threshold = try #require(outcome.threshold, "\(outcome.point) not measured")
      #expect(abs(threshold - thresholds(outcome.point.ear, outcome.point.frequency)) <= 5, "\(outcome.point)")
    }
    #expect(seconds < 300, "the check took \(Int(seconds)) s")
    if ProcessInfo.processInfo.environment["BIRDSONG_REPORT"] != nil { print(screen, "\n", Int(seconds), "s") }
    #expect(result.outcome == .refer)
    #expect(screen.contains("harder for you to hear"))
    #expect(screen.contains("Blackbird") || screen.contains("Goldcrest") || screen.contains("Great tit"))
    #expect(try store.count("check_result") == 1)
    #expect(try store.count("threshold") == result.outcomes.count)
    #expect(try store.count("contact_request") == 0)
  }

  /// Quiet: 30 dB SPL in every octave band; loud: 75 dB SPL (over every limit).
  static let quietRoom = [Double](repeating: 30, count: 7)
  static let loudRoom = [Double](repeating: 75, count: 7)

  @Test func aNoisySpellPausesTheCheckAndItsFrequencyStartsAgain() throws {
    let truth = { (ear: Ear, frequency: Double) in frequency >= 4000 ? 40.0 : 15 }
    let noisy = 60.0..<68.0
    var noiseScreen = false
    let (session, store, _, screen) = try Self.check(
      thresholds: truth, room: { now in noisy.contains(now) ? Self.loudRoom : Self.quietRoom },
      screens: { now, frame in
        if now > 61, now < 67, frame.contains("Too noisy to test") {
          if !noiseScreen, ProcessInfo.processInfo.environment["BIRDSONG_REPORT"] != nil { print(frame) }
          noiseScreen = true
        }
      })
    let result = try #require(session.lastResult)
    for outcome in result.outcomes {
      let threshold = try #require(outcome.threshold, "\(outcome.point) not measured")
      #expect(abs(threshold - truth(outcome.point.ear, outcome.point.frequency)) <= 5, "\(outcome.point)")
    }
    #expect(noiseScreen, "the screen did not say the room was too noisy")
    #expect(screen.contains("got too noisy once"), "\(screen)")
    let csv = try store.exportCSV()
    #expect(csv.contains(",yes,1,75.0,75.0,75.0,75.0,75.0,75.0,75.0,"), "\(csv)")
  }

  @Test func noToneSoundsWhileTheRoomIsTooLoud() throws {
    // Loud from 40 s to 70 s: no tone may start then, nor in the 2 s of quiet before going on.
    let output = RecordingOutput()
    let room = FakeRoom(Self.quietRoom)
    let session = KioskSession(
      resources: try Self.resources(room: true), store: nil, room: room, random: { 3 })
    let services = KioskServices(output: output, control: nil, store: nil, log: { _ in })
    var now = 0.0
    services.perform(session.reset(now: now), for: session)
    for _ in 0..<5 {
      services.perform(session.handle(.enter, now: now), for: session)
      now += 0.5
    }
    var heardAt = -10.0
    while now < 120 {
      now += 0.01
      output.now = now
      room.levels = (40..<70).contains(now) ? Self.loudRoom : Self.quietRoom
      services.perform(session.tick(now: now), for: session)
      if session.frame(width: 100, height: 40, now: now).text.contains("Press Enter to start") {
        services.perform(session.handle(.enter, now: now), for: session)
      }
      // Answer every tone at once, so the check keeps moving.
      if let last = output.tones.last, last.at > heardAt, now > last.at + 0.3, last.tone.ear != nil {
        heardAt = last.at
        services.perform(session.handle(.character(" "), now: now), for: session)
      }
    }
    let before = output.tones.filter { $0.at > 20 && $0.at < 40 }
    let during = output.tones.filter { $0.at >= 40 && $0.at < 72 }
    let after = output.tones.filter { $0.at >= 72 }
    #expect(!before.isEmpty && !after.isEmpty, "the check should play before and after the noise")
    #expect(during.isEmpty, "tones at \(during.map(\.at)) while the room was too loud")
  }

  @Test func aMicrophoneThatStopsLeavesTheCheckGoingAndTheRoomUnmeasured() throws {
    let (session, store, _, screen) = try Self.check(
      thresholds: { _, _ in 10 }, room: { now in now < 30 ? Self.quietRoom : nil })
    #expect(session.lastResult?.outcome == .within)
    #expect(screen.contains("not measured during this check"), "\(screen)")
    #expect(!(try store.exportCSV().contains(",yes,0,")), "a check with a gap was stored as monitored")
  }

  @Test func aQuietRoomIsSaidToBeQuiet() throws {
    let (_, store, _, screen) = try Self.check(thresholds: { _, _ in 10 }, room: { _ in Self.quietRoom })
    #expect(screen.contains("quiet enough throughout"), "\(screen)")
    #expect(try store.exportCSV().contains(",yes,0,30.0,30.0,"))
  }

  @Test func afterTheResultsAnAgeComparisonAndTheBirdsAsA20And70YearOldAndTheVisitorHearThem() throws {
    let output = RecordingOutput()
    let store = try SessionStore(path: temporaryFolder() + "/s.sqlite")
    let session = KioskSession(resources: try Self.resources(), store: store, random: { 11 })
    let services = KioskServices(output: output, control: nil, store: store, log: { _ in })
    // A visitor with a steep high-frequency loss: 10 dB HL up to 2 kHz, 60 dB HL from 4 kHz.
    let thresholds = { (frequency: Double) in frequency >= 4000 ? 60.0 : 10 }
    var now = 0.0
    func step(_ seconds: Double) {
      let end = now + seconds
      while now < end {
        now += 0.01
        output.now = now
        services.perform(session.tick(now: now), for: session)
      }
    }
    func press(_ key: TerminalKey) {
      services.perform(session.handle(key, now: now), for: session)
      step(0.3)
    }
    func screen() -> String { session.frame(width: 100, height: 40, now: now).text }
    let report = ProcessInfo.processInfo.environment["BIRDSONG_REPORT"] != nil
    func show() { if report { print(session.frame(width: 80, height: 24, now: now).text, "\n-----") } }
    services.perform(session.reset(now: now), for: session)
    for _ in 0..<5 { press(.enter) }
    var answered = 0
    while !screen().contains("Your results"), now < 900 {
      step(0.05)
      if screen().contains("Press Enter to start") { press(.enter) }
      while answered < output.tones.count {
        let (tone, at) = output.tones[answered]
        answered += 1
        if tone.ear != nil, tone.levelDBFS + 80 >= thresholds(tone.frequency) {
          step(max(0, at + 0.3 - now))
          press(.character(" "))
        }
      }
    }
    while !screen().contains("Compared with people your age"), now < 950 { press(.enter) }
    #expect(screen().contains("▶ No thanks, skip this"), "skipping is the first choice:\n\(screen())")
    show()
    press(.right)  // a woman
    press(.enter)
    for _ in 0..<4 { press(.right) }  // 60-69
    #expect(screen().contains("▶ 60-69 years"))
    show()
    press(.enter)
    show()
    let comparison = screen()
    // 60 dB HL at 4-8 kHz: like most people in their seventies, and worse than nine in ten of her age.
    #expect(comparison.contains("Your right ear heard the high beeps like most people aged 70-80 do"), "\(comparison)")
    #expect(comparison.contains("Most people your age hear the high beeps better than you did"), "\(comparison)")
    #expect(comparison.contains("ISO 7029"))
    let export = try store.exportCSV()
    #expect(export.contains(",60-69,female,over_90,over_90,"), "\(export)")
    press(.enter)
    #expect(screen().contains("not a diagnosis") && screen().contains("Space: listen"), "\(screen())")
    show()
    press(.character(" "))
    step(2)
    show()
    var shown: [String] = []
    for _ in 0..<600 {
      step(0.1)
      let text = screen()
      if let line = text.split(separator: "\n").first(where: { $0.contains(" hear it") }), shown.last != String(line) {
        shown.append(String(line))
      }
    }
    // Three birds, each as heard at 20, at 70 and by the visitor: nine clips, each named on screen.
    #expect(output.clips.count == 9, "\(output.clips.count) clips")
    #expect(shown.count == 9, "\(shown)")
    #expect(shown.contains { $0.contains("as most 70-year-olds hear it") })
    #expect(shown.contains { $0.contains("as your check suggests you hear it") })
    #expect(screen().contains("A full hearing test"))
    guard output.clips.count == 9 else { return }
    let levels = output.clips.map(\.clip.levelDBFS)
    // The lowest bird loses little at 70 and nothing for this visitor (10 dB HL there); the
    // highest fades far more at 70, and most for this visitor (60 dB HL up there).
    let lowAt70 = levels[0] - levels[1]
    let highAt70 = levels[6] - levels[7]
    #expect(lowAt70 < 12 && abs(levels[0] - levels[2]) < 12, "\(levels)")
    #expect(highAt70 > lowAt70 + 15, "\(levels)")
    #expect(levels[6] - levels[8] > 45, "\(levels)")
    press(.enter)
    #expect(screen().contains("Where to go next"), "\(screen())")
  }

  @Test func extendedHighFrequenciesAreMeasuredWhenTheCalibrationCoversThem() throws {
    // Good hearing to 8 kHz, then a steep loss above: what the installation's highest birds show.
    let truth: [Double: Double] = [1000: 10, 4000: 15, 8000: 20, 10000: 40, 12500: 55]
    let (session, _, seconds, screen) = try Self.check(
      thresholds: { _, frequency in truth[frequency]! }, frequencies: [1000, 4000, 8000, 10000, 12500, 1000])
    let result = try #require(session.lastResult)
    for outcome in result.outcomes {
      let threshold = try #require(outcome.threshold, "\(outcome.point) not measured")
      #expect(abs(threshold - truth[outcome.point.frequency]!) <= 5, "\(outcome.point): \(threshold)")
    }
    #expect(screen.contains("10k Hz") && screen.contains("12.5k Hz"), "\(screen)")
    #expect(screen.contains("Birds you may be missing"), "\(screen)")
    #expect(seconds < 300)
  }

  @Test func atOneHundredByThirtyTheResultsPageBetweenThePictureAndTheTable() throws {
    let truth: [Double: Double] = [500: 10, 1000: 15, 2000: 20, 4000: 35, 6000: 45, 8000: 50]
    let (_, _, _, screens) = try Self.check(
      thresholds: { ear, frequency in truth[frequency]! + (ear == .left ? 5 : 0) }, resultPagesAt: (100, 30))
    let pages = screens.split(separator: "\u{0C}").map(String.init)
    #expect(pages.count >= 2, "the results should need more than one page at 100x30")
    // The table's rows (one per frequency) all on one page, and the whole audiogram on one page.
    let rows = pages.map { page in page.split(separator: "\n").filter { $0.contains(" Hz") && $0.contains("O ") }.count
    }
    #expect(rows.contains(6) && rows.filter { $0 > 0 }.count == 1, "table rows per page: \(rows)")
    let axis = pages.filter { $0.contains("quiet at the top") }
    let legend = pages.filter { $0.contains("O right    X left") }
    #expect(axis.count == 1 && legend.count == 1 && axis == legend, "the audiogram was split across pages")
    for page in pages { #expect(page.split(separator: "\n").count <= 30) }
  }

  @Test func goodHearingIsWithinTheUsualRange() throws {
    let (session, _, _, screen) = try Self.check(thresholds: { _, _ in 5 })
    #expect(session.lastResult?.outcome == .within)
    #expect(screen.contains("within the usual range"))
    #expect(screen.contains("typical hearing"), "the WHO grade of the better ear")
    #expect(!screen.contains("mild range") && !screen.contains("moderate range"))
  }

  @Test func manyPressesInSilenceMakeTheRunNotMeasured() throws {
    let (session, _, _, screen) = try Self.check(thresholds: { _, _ in 10 }, pressesInSilence: 40)
    let result = try #require(session.lastResult)
    #expect(
      result.outcome == .notMeasured,
      "false presses \(result.falsePresses) of \(result.trials); catch \(result.catchTrialsAnswered) of \(result.catchTrials)"
    )
    #expect(screen.contains("could not measure your hearing reliably"))
    #expect(!screen.contains("quiet at the top") && !screen.contains("O right"), "a run not measured drew an audiogram")
  }

  @Test func withoutACalibrationTheResultsAreRelativeAndClaimNoDBHL() throws {
    // Relative level 0 is -80 dBFS, as 0 dB HL is in the calibrated tests.
    let truth: [Double: Double] = [500: 10, 1000: 10, 2000: 15, 4000: 40, 6000: 45, 8000: 50]
    let (session, _, _, screen) = try Self.check(thresholds: { _, frequency in truth[frequency]! }, calibrated: false)
    let result = try #require(session.lastResult)
    #expect(result.outcome == .relative)
    #expect(!screen.contains("dB HL ("), "an uncalibrated kiosk claims dB HL:\n\(screen)")
    #expect(screen.contains("not calibrated"))
    #expect(screen.contains("cannot say how your hearing compares with other people"))
    #expect(result.harderFrequencies == [4000, 6000, 8000], "more than 20 dB worse than the best frequency")
    for outcome in result.outcomes {
      #expect(outcome.threshold.map { $0 <= RelativeLevels.ceiling } ?? outcome.outOfRange)
    }
  }

  @Test func contactDetailsMustBeAPhoneNumberOrAnEmail() {
    #expect(KioskSession.reachKind("07700 900123") == .phone)
    #expect(KioskSession.reachKind("+44 (0)20 7946 0000") == .phone)
    #expect(KioskSession.reachKind("ada@example.org") == .email)
    #expect(KioskSession.reachKind("123") == nil)
    #expect(KioskSession.reachKind("ada@example") == nil)
    #expect(KioskSession.reachKind("ada example.org") == nil)
  }
}

struct FlowError: Error, CustomStringConvertible {
  var description: String { "the check did not reach the results in 900 simulated seconds" }
}

/// The flow's side effects, seen as values: no thread, no socket, no device.
@Suite struct KioskEffectTests {
  static let boxes = [
    BoxDescription(name: "Pines", channel: 2, low: 6200, high: 8900, species: "goldcrest"),
    BoxDescription(name: "Gate", channel: 1, low: 400, high: 600, species: "wood-pigeon"),
  ]

  func session() throws -> KioskSession {
    let root = packageRoot()
    let config = try KioskConfig.parse(
      """
      locales: \(root)/Config/locales
      signposting: \(root)/Config/signposting/england.yaml
      installation: /nowhere/birdsong.sock
      """, file: "kiosk.yaml")
    return KioskSession(resources: try KioskResources.load(config), store: nil, boxes: { Self.boxes })
  }

  func commands(_ effects: [KioskEffect]) -> [ControlCommand] {
    effects.compactMap { if case .send(let command) = $0 { command } else { nil } }
  }

  @Test func aHeadphoneCheckQuietsTheBoxesAndTheStartReleasesThem() throws {
    let session = try session()
    var effects = session.reset(now: 0)
    for (second, key) in [(1.0, TerminalKey.enter), (2, .enter), (3, .enter), (4, .enter)] {
      effects += session.handle(key, now: second)  // attract, language, about, mode (headphones)
    }
    #expect(commands(effects).contains(.quiet(seconds: 600)), "\(commands(effects))")
    let back = session.reset(now: 100)
    #expect(commands(back) == [.quiet(seconds: 0)])
    #expect(back.contains { if case .silence = $0 { true } else { false } })
  }

  @Test func theGroupCheckPlaysTheLowestBoxFirst() throws {
    let session = try session()
    var effects = session.reset(now: 0)
    for (second, key) in [(1.0, TerminalKey.enter), (2, .enter), (3, .enter), (4, .right), (5, .enter), (6, .enter)] {
      effects += session.handle(key, now: second)  // ..., mode: the other choice (group), intro
    }
    let sent = commands(effects)
    #expect(sent.contains(.sing(box: "Gate")), "\(sent)")
    #expect(!sent.contains(.sing(box: "Pines")), "the high box sang first")
  }
}

@Suite struct StaffMenuTests {
  @Test func theStaffMenuSaysWhetherTheRoomMicrophoneIsHeard() throws {
    let root = packageRoot()
    let folder = temporaryFolder()
    let hash = try #require(StaffPIN.hash("2468"))
    try "offset_db: 100\n".write(toFile: folder + "/mic.yaml", atomically: true, encoding: .utf8)
    let config = try KioskConfig.parse(
      """
      locales: \(root)/Config/locales
      signposting: \(root)/Config/signposting/england.yaml
      installation: none
      staff: {pin_hash: "\(hash)"}
      room_microphone: {device: roommic, calibration: \(folder)/mic.yaml}
      """, file: "kiosk.yaml")
    let room = KioskFlowTests.FakeRoom(nil)
    let session = KioskSession(resources: try KioskResources.load(config), store: nil, room: room)
    session.reset(now: 0)
    session.handle(.staffChord, now: 1)
    for digit in "2468" { session.handle(.character(digit), now: 1) }
    session.handle(.enter, now: 1)
    let screen = { session.frame(width: 100, height: 30, now: 2).text }
    #expect(screen().contains("Room microphone 'roommic': no readings"), "\(screen())")
    #expect(screen().contains("40 dB relative"))
    room.levels = [Double](repeating: 30, count: 7)
    #expect(screen().contains("quiet enough"), "\(screen())")
    room.levels = [Double](repeating: 75, count: 7)
    #expect(screen().contains("too loud to test"), "\(screen())")
  }
}

@Suite struct StaffLockoutTests {
  @Test func aLockoutShowsForAMomentAndEndsAfterAMinute() throws {
    let root = packageRoot()
    let hash = try #require(StaffPIN.hash("2468"))
    let config = try KioskConfig.parse(
      """
      locales: \(root)/Config/locales
      signposting: \(root)/Config/signposting/england.yaml
      installation: none
      staff: {pin_hash: "\(hash)"}
      """, file: "kiosk.yaml")
    let session = KioskSession(resources: try KioskResources.load(config), store: nil)
    func screen(_ now: Double) -> String {
      session.frame(width: 100, height: 30, now: now).lines.map(\.text).joined(separator: "\n")
    }
    func enter(_ pin: String, at now: Double) {
      session.handle(.staffChord, now: now)
      for digit in pin { session.handle(.character(digit), now: now) }
      session.handle(.enter, now: now)
    }
    session.reset(now: 0)
    let start = screen(0)
    for attempt in 0..<3 { enter("1111", at: Double(attempt) * 5 + 1) }
    enter("2468", at: 20)  // right, but locked
    #expect(screen(20).contains("locked"), "\(screen(20))")
    session.tick(now: 24)
    #expect(!screen(24).contains("locked"), "the lockout message stayed on screen")
    #expect(screen(24) == start, "the kiosk did not go back to where it was")
    enter("2468", at: 80)  // the minute is over
    #expect(screen(80).contains("1"), "the staff menu did not open after the lockout")
    #expect(!screen(80).contains("locked"))
  }
}

/// The headphone check lets everyone through: louder each time, and a way on when nothing is
/// heard that still leads to where to get a hearing test.
@Suite struct HeadphoneCheckTests {
  func begin() throws -> (KioskSession, [KioskEffect]) {
    let session = KioskSession(resources: try KioskFlowTests.resources(), store: nil)
    var effects = session.reset(now: 0)
    for second in [1.0, 2, 3] { effects += session.handle(.enter, now: second) }  // attract, language, about
    return (session, effects)
  }

  @Test func theCheckStartsNearWhereTheVisitorHeardTheHeadphoneCheckTone() throws {
    // Heard only once the check tone reached 70 dB HL (6.5 s in: 40, 50, 60, 70).
    var started: Double?
    var firstTone: HeadphoneTone?
    _ = try KioskFlowTests.check(
      thresholds: { _, _ in 65 },
      screens: { now, frame in
        if started == nil, frame.contains("Press Enter to start") { started = now }
      }, checkToneHeardAfter: 6.5,
      tones: { tone, at in
        if let started, at > started, firstTone == nil { firstTone = tone }
      })
    let tone = try #require(firstTone)
    // 0 dB HL is -80 dBFS here: the first tone near 60 dB HL, not at the usual 20.
    #expect(tone.frequency == 1000 && tone.levelDBFS + 80 >= 55, "the check began at \(tone.levelDBFS + 80) dB HL")
  }

  @Test func tonesComeAsTheSimulationTimesThem() throws {
    // The simulation times a heard tone as ending with the tone, and an unheard one a second
    // later; the pause that follows is 1.0-1.9 s, or 0.3-1.2 s after an unheard one.
    var started: Double?
    var played: [(at: Double, heard: Bool)] = []
    _ = try KioskFlowTests.check(
      thresholds: { _, _ in 30 },
      screens: { now, frame in
        if started == nil, frame.contains("Press Enter to start") { started = now }
      },
      tones: { tone, at in
        if let started, at > started { played.append((at, tone.levelDBFS + 80 >= 30)) }
      })
    var afterHeard: [Double] = []
    var afterMissed: [Double] = []
    for (tone, next) in zip(played, played.dropFirst()) {
      if tone.heard {
        afterHeard.append(next.at - (tone.at + TrialTiming.toneSeconds))
      } else {
        afterMissed.append(next.at - (tone.at + TrialTiming.toneSeconds + TrialTiming.responseWindow))
      }
    }
    // Catch trials (silent) and the changes of frequency only lengthen a gap.
    #expect(afterHeard.count > 20 && afterMissed.count > 20)
    #expect(afterHeard.allSatisfy { $0 >= 0.95 }, "\(afterHeard.min()!)")
    #expect(afterMissed.allSatisfy { $0 >= 0.25 }, "\(afterMissed.min()!)")
    let median = { (gaps: [Double]) in gaps.sorted()[gaps.count / 2] }
    #expect((1.0...1.95).contains(median(afterHeard)), "\(median(afterHeard))")
    #expect((0.3...1.25).contains(median(afterMissed)), "\(median(afterMissed))")
  }

  @Test func aVisitorWithASevereLossHearsTheCheckToneAsItRises() throws {
    let (session, _) = try begin()
    // This visitor hears 1 kHz only from 65 dB HL (-15 dBFS with this calibration).
    var heardAt: Double?
    var now = 3.0
    while now < 20, heardAt == nil {
      now += 0.05
      for case .play(let tone) in session.tick(now: now) where tone.levelDBFS >= -15 && tone.ear == .left {
        heardAt = now
      }
    }
    let when = try #require(heardAt, "the check tone never reached 65 dB HL")
    #expect(when < 3 + 10, "it took \(when - 3) s to get loud enough")
    // Heard: the practice then plays at that level, not back at 40 dB HL.
    session.handle(.enter, now: now + 0.1)  // left heard
    var practiceLevels: [Double] = []
    for step in 1...200 {
      let t = now + 0.1 + Double(step) * 0.05
      if step == 40 { session.handle(.enter, now: t) }  // right heard (it starts at 40 again)
      for case .play(let tone) in session.tick(now: t) { practiceLevels.append(tone.levelDBFS) }
    }
    #expect(practiceLevels.contains { $0 >= -15 }, "the practice went back to a level this visitor cannot hear")
  }

  @Test func nothingHeardLeadsOnToWhereToGetTested() throws {
    let (session, _) = try begin()
    session.handle(.left, now: 4)  // "I do not hear it"
    let trouble = session.frame(width: 100, height: 30, now: 4).lines.map(\.text).joined(separator: "\n")
    #expect(trouble.contains("where to get a hearing test"), "\(trouble)")
    session.handle(.right, now: 5)
    let next = session.frame(width: 100, height: 30, now: 5).lines.map(\.text).joined(separator: "\n")
    #expect(next.contains("NHS 111") || next.contains("GP"), "\(next)")
  }
}
