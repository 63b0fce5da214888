import BirdsongCore
import BirdsongSynthesis
import ControlProtocol
import Foundation
import HearingCheck
import SessionStore

/// The visitor flow as a state machine: told of keys and of the passing of time, it moves
/// between screens, drives the tones and the check, and records what finished. Drawing is
/// `KioskScreens`' business; the terminal and the clock are the caller's.
public final class KioskSession {
  enum Stage {
    case attract
    case language(selected: Int)
    case about
    case mode(headphones: Bool)
    case headphoneCheck(ear: Ear, trouble: Bool)
    case practice(Practice)
    case test(Test)
    case results(CheckResult)
    case boxesIntro
    case boxes(Boxes)
    case boxesResult(heard: [Bool])
    case signposting
    case contactOffer
    case contactConsent
    case contactEntry(Contact)
    case thanks(contacted: Bool)
    case staffPIN(entered: String, message: String?)
    case staffMenu(message: [String])
  }

  /// Three clearly audible beeps before the check, so the visitor knows what to listen for.
  struct Practice {
    var beeps = 0
    var heard = 0
    var lastHeardBeep = 0
    var nextBeepAt: Double
    var toneEndsAt = -Double.infinity
    var done = false
  }

  struct Test {
    enum Phase {
      case waiting
      case pause(until: Double)
      case tone(until: Double)
      case window(until: Double)
      /// After an answer during a tone, until the tone has faded.
      case rest(until: Double)
    }
    var procedure: CheckProcedure
    var trial: CheckProcedure.Trial?
    var phase = Phase.waiting
    var notice: (key: String, until: Double)?
  }

  struct Boxes {
    var order: [Int]
    var index = 0
    var listeningUntil = 0.0
    var heard: [Bool]
  }

  struct Contact {
    var askingReach = false
    var name = ""
    var reach = ""
    var error: String?
  }

  // Timings of a trial (REFERENCE.md section 3).
  static let toneSeconds = 1.0
  static let responseWindow = 1.0
  static let boxListenSeconds = 7.0
  static let thanksSeconds = 12.0
  /// The last seconds of an idle spell show a countdown.
  static let countdownSeconds = 20.0

  public let resources: KioskResources
  /// For what the visitor must know the answer to at once (a contact request saved) and the
  /// staff's figures; finished checks go out as effects.
  let store: SessionStore?
  /// Asks the running installation for its boxes (a query, made when a visitor begins).
  let boxes: () -> [BoxDescription]
  let random: @Sendable () -> UInt64
  /// Why the headphones cannot play, as the services last said; nil when they can.
  public var headphoneProblem: String?
  /// Effects made since the last public call returned.
  private var pending: [KioskEffect] = []

  private(set) var stage = Stage.attract
  private(set) var languageIndex: Int
  private(set) var lastActivity = 0.0
  private(set) var stageStarted = 0.0
  private(set) var checkStarted = 0.0
  private(set) var page = 0
  /// Set by the screens: how many pages the current screen needs at the terminal's size.
  var pageCount = 1
  private(set) var wantsExit = false
  private var staffFailures = 0
  private var staffLockedUntil = -Double.infinity
  private var quietRenewAt = Double.infinity
  /// The last finished headphone check (until the kiosk goes back to the start).
  public private(set) var lastResult: CheckResult?
  private(set) var lastBoxes: (order: [Int], heard: [Bool])?
  /// The running installation's boxes, as it described them when this visitor began; none
  /// when it is not running.
  private(set) var installationBoxes: [BoxDescription] = []

  public init(
    resources: KioskResources, store: SessionStore?, boxes: @escaping () -> [BoxDescription] = { [] },
    random: @escaping @Sendable () -> UInt64 = { UInt64.random(in: .min ... .max) }
  ) {
    self.resources = resources
    self.store = store
    self.boxes = boxes
    self.random = random
    languageIndex = resources.languages.firstIndex { $0.code == resources.config.defaultLanguage } ?? 0
  }

  public var isFinished: Bool { wantsExit }

  /// True when the kiosk works with a running installation (its socket is configured).
  var hasInstallation: Bool { resources.config.installationSocket != nil }

  private func emit(_ effect: KioskEffect) { pending.append(effect) }

  /// Hands over the effects made so far.
  private func effects() -> [KioskEffect] {
    defer { pending.removeAll() }
    return pending
  }

  private func log(_ line: String) { emit(.log(line)) }

  var language: LocaleCatalog { resources.languages[languageIndex] }
  var english: LocaleCatalog { resources.languages[0] }
  var keys: KeyMap { resources.config.keys }

  func text(_ key: String, _ values: [String: String] = [:]) -> String {
    language.text(key, values, english: english)
  }

  // MARK: keys

  @discardableResult
  public func handle(_ key: TerminalKey, now: Double) -> [KioskEffect] {
    handleKey(key, now: now)
    return effects()
  }

  private func handleKey(_ key: TerminalKey, now: Double) {
    let countdownWasShowing = idleRemaining(now: now) <= Self.countdownSeconds
    lastActivity = now
    if key == .staffChord {
      if case .staffPIN = stage { return }
      if case .staffMenu = stage { return }
      go(.staffPIN(entered: "", message: nil), now: now)
      return
    }
    // A press that only stops the countdown does nothing else (in the check it is not an answer).
    if countdownWasShowing, !isIdleExempt { return }
    switch stage {
    case .contactEntry(var contact):
      typeContact(key, &contact, now: now)
      return
    case .staffPIN(let entered, _):
      typePIN(key, entered: entered, now: now)
      return
    case .staffMenu:
      staffMenu(key, now: now)
      return
    default: break
    }
    guard let action = keys.action(for: key) else { return }
    act(action, now: now)
  }

  private func act(_ action: KioskAction, now: Double) {
    // A screen with more pages turns the page first.
    if action == .ok, page + 1 < pageCount {
      page += 1
      return
    }
    switch stage {
    case .attract:
      if action == .ok || action == .hear { go(.language(selected: languageIndex), now: now) }
    case .language(let selected):
      let count = resources.languages.count
      switch action {
      case .left: go(.language(selected: (selected + count - 1) % count), now: now, keepPage: true)
      case .right: go(.language(selected: (selected + 1) % count), now: now, keepPage: true)
      case .ok:
        languageIndex = selected
        go(.about, now: now)
      case .hear: break
      }
    case .about:
      if action == .ok {
        go(boxOrder.isEmpty ? .headphoneCheck(ear: .left, trouble: false) : .mode(headphones: true), now: now)
      } else if action == .left {
        restart(now: now)
      }
    case .mode(let headphones):
      switch action {
      case .left, .right: go(.mode(headphones: !headphones), now: now)
      case .ok: go(headphones ? .headphoneCheck(ear: .left, trouble: false) : .boxesIntro, now: now)
      case .hear: break
      }
    case .headphoneCheck(let ear, let trouble):
      if headphoneProblem != nil {
        if action == .left { restart(now: now) }  // the headphones do not work: nothing to do here
      } else if trouble {
        if action == .ok { go(.headphoneCheck(ear: .left, trouble: false), now: now) }
      } else if action == .ok {
        emit(.silence)
        go(
          ear == .left ? .headphoneCheck(ear: .right, trouble: false) : .practice(Practice(nextBeepAt: now + 1)),
          now: now)
      } else if action == .left {
        emit(.silence)
        go(.headphoneCheck(ear: ear, trouble: true), now: now)
      }
    case .practice(var practice):
      if action == .hear, now <= practice.toneEndsAt + Self.responseWindow, practice.lastHeardBeep < practice.beeps {
        practice.heard += 1
        practice.lastHeardBeep = practice.beeps
        stage = .practice(practice)
      } else if action == .ok, practice.done {
        startTest(now: now)
      }
    case .test(var test):
      guard action == .hear else { return }
      press(&test, now: now)
      stage = .test(test)
    case .results:
      if action == .ok { go(.signposting, now: now) }
    case .boxesIntro:
      if action == .ok { startBoxes(now: now) }
    case .boxes(var boxes):
      if action == .hear, boxes.index < boxes.order.count {
        boxes.heard[boxes.index] = true
        stage = .boxes(boxes)
      }
    case .boxesResult:
      if action == .ok { go(.signposting, now: now) }
    case .signposting:
      if action == .ok { go(.contactOffer, now: now) }
    case .contactOffer:
      if action == .ok {
        go(.contactConsent, now: now)
      } else if action == .right {
        go(.thanks(contacted: false), now: now)
      }
    case .contactConsent:
      if action == .ok {
        go(.contactEntry(Contact()), now: now)
      } else if action == .left {
        go(.thanks(contacted: false), now: now)
      }
    case .thanks:
      if action == .ok { restart(now: now) }
    case .contactEntry, .staffPIN, .staffMenu: break
    }
  }

  // MARK: time

  /// Moves things on: tones start and end, answers time out, the idle timeout fires.
  @discardableResult
  public func tick(now: Double) -> [KioskEffect] {
    advanceTime(now: now)
    return effects()
  }

  private func advanceTime(now: Double) {
    if !isIdleExempt, idleRemaining(now: now) <= 0 {
      restart(now: now)
      return
    }
    if now >= quietRenewAt { quietBoxes(now: now) }
    if isListening, headphoneProblem != nil {
      // The headphones went (unplugged): the check cannot go on, and its screen says to get staff.
      go(.headphoneCheck(ear: .left, trouble: false), now: now)
      return
    }
    switch stage {
    case .headphoneCheck(let ear, let trouble) where !trouble:
      // The check tone repeats: a second on, a second off.
      let cycle = Int((now - stageStarted) / 2)
      if cycle != lastCheckCycle {
        lastCheckCycle = cycle
        playAudible(frequency: 1000, ear: ear, duration: 1)
      }
    case .practice(var practice):
      if practice.done { break }
      if now >= practice.nextBeepAt {
        if practice.beeps == 3 {
          practice.done = true
        } else {
          practice.beeps += 1
          practice.toneEndsAt = now + Self.toneSeconds
          practice.nextBeepAt = now + Self.toneSeconds + 2.2
          playAudible(frequency: 1000, ear: practice.beeps % 2 == 1 ? .right : .left, duration: Self.toneSeconds)
        }
      }
      stage = .practice(practice)
    case .test(var test):
      advance(&test, now: now)
      if case .test = stage { stage = .test(test) }
    case .boxes(var boxes):
      if now >= boxes.listeningUntil {
        boxes.index += 1
        if boxes.index >= boxes.order.count {
          finishBoxes(boxes, now: now)
        } else {
          boxes.listeningUntil = now + Self.boxListenSeconds
          sendToInstallation(.sing(box: installationBoxes[boxes.order[boxes.index]].name))
          stage = .boxes(boxes)
        }
      } else {
        stage = .boxes(boxes)
      }
    case .thanks:
      if now - stageStarted >= Self.thanksSeconds { restart(now: now) }
    case .staffPIN(_, let message?) where now - stageStarted > 3 && message.hasPrefix("wrong"):
      restart(now: now)
    default: break
    }
  }
  private var lastCheckCycle = -1

  /// The practice or the check is under way on the headphones.
  private var isListening: Bool {
    switch stage {
    case .practice, .test: true
    default: false
    }
  }

  /// Seconds until the idle timeout sends the kiosk back to the start.
  func idleRemaining(now: Double) -> Double {
    resources.config.idleTimeout - (now - lastActivity)
  }

  /// The attract screen waits for ever; a check in progress counts only the visitor's silence.
  var isIdleExempt: Bool {
    if case .attract = stage { return true }
    return false
  }

  private func go(_ next: Stage, now: Double, keepPage: Bool = false) {
    stage = next
    stageStarted = now
    lastCheckCycle = -1
    if !keepPage { page = 0 }
    pageCount = 1
    if case .headphoneCheck = next, quietRenewAt == .infinity { quietBoxes(now: now) }
    if case .boxesIntro = next { quietBoxes(now: now) }
  }

  /// Back to the attract screen; whatever was partly done is dropped, the boxes sing again.
  @discardableResult
  public func reset(now: Double) -> [KioskEffect] {
    restart(now: now)
    return effects()
  }

  private func restart(now: Double) {
    emit(.silence)
    releaseBoxes()
    languageIndex = resources.languages.firstIndex { $0.code == resources.config.defaultLanguage } ?? 0
    lastResult = nil
    lastBoxes = nil
    installationBoxes = hasInstallation ? boxes() : []
    go(.attract, now: now)
  }

  /// Before the program ends (staff exit, SIGTERM, the terminal gone): the headphones go
  /// silent and the boxes may sing again; a partial check is dropped.
  @discardableResult
  public func shutdown() -> [KioskEffect] {
    emit(.silence)
    releaseBoxes()
    return effects()
  }

  // MARK: the installation's boxes

  /// The installation's boxes from low to high, for the group check; none when no
  /// installation is running (its control socket is there only while it runs).
  var boxOrder: [Int] {
    guard hasInstallation else { return [] }
    return installationBoxes.indices.sorted { installationBoxes[$0].center < installationBoxes[$1].center }
  }

  private func sendToInstallation(_ command: ControlCommand) {
    if hasInstallation { emit(.send(command)) }
  }

  private func quietBoxes(now: Double) {
    guard hasInstallation else { return }
    sendToInstallation(.quiet(seconds: resources.config.quietSeconds.rounded(.down)))
    quietRenewAt = now + resources.config.quietSeconds / 2
  }

  private func releaseBoxes() {
    guard quietRenewAt != .infinity else { return }
    quietRenewAt = .infinity
    sendToInstallation(.quiet(seconds: 0))
  }

  // MARK: levels

  var calibrated: Bool { resources.calibration != nil }

  /// The digital level for a level of the check (dB HL with a calibration, else relative).
  func dbfs(frequency: Double, level: Double) -> Result<Double, LevelRefusal> {
    if let profile = resources.calibration { return profile.level(frequency: frequency, hearingLevel: level) }
    return RelativeLevels.level(relative: level)
  }

  /// A clearly audible tone for the headphone check and the practice: 40 dB HL (or relative).
  private func playAudible(frequency: Double, ear: Ear, duration: Double) {
    for level in [40.0, 30, 20] {
      if case .success(let dbfs) = dbfs(frequency: frequency, level: level) {
        emit(.play(HeadphoneTone(frequency: frequency, levelDBFS: dbfs, ear: ear, duration: duration)))
        return
      }
    }
  }

  // MARK: the check

  private func startTest(now: Double) {
    var settings = CheckProcedure.Settings()
    settings.frequencies = resources.config.frequencies
    if !calibrated { settings.ceiling = RelativeLevels.ceiling }
    checkStarted = now
    go(.test(Test(procedure: CheckProcedure(settings: settings, seed: random()))), now: now)
  }

  private func advance(_ test: inout Test, now: Double) {
    if let notice = test.notice, now >= notice.until { test.notice = nil }
    switch test.phase {
    case .waiting:
      // No new tone while the idle countdown asks whether anyone is there.
      guard idleRemaining(now: now) > Self.countdownSeconds else { return }
      while true {
        switch test.procedure.next() {
        case .finished:
          finishTest(test, now: now)
          return
        case .present(let trial):
          if let level = trial.level, case .failure = dbfs(frequency: trial.point.frequency, level: level) {
            test.procedure.markOutOfRange()
            continue
          }
          test.trial = trial
          test.phase = .pause(until: now + trial.pause)
          return
        }
      }
    case .pause(let until):
      guard now >= until, let trial = test.trial else { return }
      if let level = trial.level, case .success(let dbfs) = dbfs(frequency: trial.point.frequency, level: level) {
        emit(
          .play(
            HeadphoneTone(
              frequency: trial.point.frequency, levelDBFS: dbfs, ear: trial.point.ear, duration: Self.toneSeconds)))
      }
      test.phase = .tone(until: now + Self.toneSeconds)
    case .tone(let until):
      if now >= until { test.phase = .window(until: until + Self.responseWindow) }
    case .window(let until):
      if now >= until {
        test.procedure.record(.notHeard)
        test.trial = nil
        test.phase = .waiting
      }
    case .rest(let until):
      if now >= until { test.phase = .waiting }
    }
  }

  private func press(_ test: inout Test, now: Double) {
    switch test.phase {
    case .pause:
      test.procedure.record(.pressedTooEarly)
      test.trial = nil
      test.phase = .waiting
      test.notice = ("test.too_early", now + 2)
    case .tone(let until):
      test.procedure.record(.heard)
      test.trial = nil
      test.phase = .rest(until: until)
      test.notice = ("test.press_seen", now + 0.6)
    case .window:
      test.procedure.record(.heard)
      test.trial = nil
      test.phase = .waiting
      test.notice = ("test.press_seen", now + 0.6)
    case .waiting, .rest:
      test.notice = ("test.press_seen", now + 0.6)
    }
  }

  private func finishTest(_ test: Test, now: Double) {
    emit(.silence)
    releaseBoxes()
    let result = CheckResult(procedure: test.procedure, calibrated: calibrated)
    lastResult = result
    record(
      mode: "headphones", reliable: result.unreliableBecause == nil, outcome: result.outcome.rawValue,
      thresholds: result.outcomes.map {
        SessionStore.Threshold(
          ear: $0.point.ear.rawValue + ($0.point.isRetest ? "-retest" : ""), frequency: $0.point.frequency,
          level: $0.threshold, presentations: $0.presentations)
      }, now: now)
    log("check finished: \(result.outcome.rawValue) in \(Int(now - checkStarted)) s, language \(language.code)")
    go(.results(result), now: now)
  }

  // MARK: the group check with the boxes

  private func startBoxes(now: Double) {
    let order = boxOrder
    checkStarted = now
    var boxes = Boxes(order: order, heard: Array(repeating: false, count: order.count))
    boxes.listeningUntil = now + Self.boxListenSeconds
    sendToInstallation(.sing(box: installationBoxes[order[0]].name))
    go(.boxes(boxes), now: now)
  }

  private func finishBoxes(_ boxes: Boxes, now: Double) {
    releaseBoxes()
    lastBoxes = (boxes.order, boxes.heard)
    let highest = highestHeard(order: boxes.order, heard: boxes.heard)
    record(
      mode: "free-field", reliable: true,
      outcome: highest.map { "heard up to \(Int(installationBoxes[$0].center)) Hz" } ?? "heard none",
      thresholds: [], now: now)
    go(.boxesResult(heard: boxes.heard), now: now)
  }

  func highestHeard(order: [Int], heard: [Bool]) -> Int? {
    heard.lastIndex(of: true).map { order[$0] }
  }

  private func record(
    mode: String, reliable: Bool, outcome: String, thresholds: [SessionStore.Threshold], now: Double
  ) {
    emit(
      .record(
        SessionStore.Check(
          finishedAt: Date(), language: language.code, mode: mode, calibrated: calibrated, reliable: reliable,
          outcome: outcome, signposting: resources.signposting.region, seconds: now - checkStarted,
          thresholds: thresholds)))
  }

  /// What went wrong behind the visitor's back (for the staff menu and the log).
  private(set) var problems: [String] = []

  private func problem(_ message: String) {
    problems.append(message)
    log("error: " + message)
  }

  /// A failure the services met carrying out an effect (for the staff menu and the log).
  public func report(_ message: String) -> [KioskEffect] {
    problem(message)
    return effects()
  }

  // MARK: contact request

  private func typeContact(_ key: TerminalKey, _ contact: inout Contact, now: Double) {
    switch key {
    case .character(let character):
      if contact.askingReach {
        if contact.reach.count < 80 { contact.reach.append(character) }
      } else if contact.name.count < 80 {
        contact.name.append(character)
      }
      contact.error = nil
    case .backspace:
      if contact.askingReach { _ = contact.reach.popLast() } else { _ = contact.name.popLast() }
    case .enter:
      if !contact.askingReach {
        let name = contact.name.trimmingCharacters(in: .whitespaces)
        if name.isEmpty { contact.error = "contact.invalid_name" } else { contact.askingReach = true }
      } else {
        let reach = contact.reach.trimmingCharacters(in: .whitespaces)
        guard let kind = Self.reachKind(reach) else {
          contact.error = "contact.invalid_reach"
          stage = .contactEntry(contact)
          return
        }
        saveContact(name: contact.name.trimmingCharacters(in: .whitespaces), reach: reach, kind: kind, now: now)
        return
      }
    case .left where contact.askingReach && contact.reach.isEmpty:
      contact.askingReach = false
    case .left where contact.name.isEmpty:
      go(.thanks(contacted: false), now: now)
      return
    default: break
    }
    stage = .contactEntry(contact)
  }

  public enum ReachKind { case phone, email }

  /// A phone number (digits, spaces, +, -, brackets; 7 to 15 digits) or an email address.
  public static func reachKind(_ text: String) -> ReachKind? {
    let digits = text.filter(\.isNumber).count
    if text.allSatisfy({ $0.isNumber || " +-()".contains($0) }), (7...15).contains(digits) { return .phone }
    let parts = text.split(separator: "@", omittingEmptySubsequences: false)
    if parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
      !text.contains(" ")
    {
      return .email
    }
    return nil
  }

  /// The consent wording as shown, which the request records a fingerprint of.
  var consentText: String {
    text(
      "contact.consent",
      ["days": String(resources.signposting.retentionDays), "service": resources.signposting.contactService])
  }

  private func saveContact(name: String, reach: String, kind: ReachKind, now: Double) {
    do {
      try store?.recordContact(
        name: name, phone: kind == .phone ? reach : nil, email: kind == .email ? reach : nil,
        service: resources.signposting.contactService,
        consentVersion: "\(language.code)-\(String(SeededGenerator.fingerprint(consentText) >> 32, radix: 16))",
        days: resources.signposting.retentionDays,
        at: Date())
      go(.thanks(contacted: true), now: now)
    } catch {
      problem("could not record a contact request: \(error)")
      go(.thanks(contacted: false), now: now)
    }
  }

  // MARK: staff

  private func typePIN(_ key: TerminalKey, entered: String, now: Double) {
    switch key {
    case .character(let character) where character.isNumber && entered.count < 12:
      stage = .staffPIN(entered: entered + String(character), message: nil)
    case .backspace:
      stage = .staffPIN(entered: String(entered.dropLast()), message: nil)
    case .enter:
      guard now >= staffLockedUntil else {
        stage = .staffPIN(entered: "", message: "locked: wait a minute")
        return
      }
      if let hash = resources.config.pinHash, StaffPIN.matches(entered, hash: hash) {
        staffFailures = 0
        emit(.silence)
        go(.staffMenu(message: []), now: now)
      } else {
        staffFailures += 1
        if staffFailures >= 3 {
          staffLockedUntil = now + 60
          staffFailures = 0
        }
        go(
          .staffPIN(entered: "", message: resources.config.pinHash == nil ? "wrong: no PIN is set" : "wrong PIN"),
          now: now)
      }
    case .left where entered.isEmpty:
      restart(now: now)
    default: break
    }
  }

  private func staffMenu(_ key: TerminalKey, now: Double) {
    switch key {
    case .character("1"):
      wantsExit = true
    case .character("2"):
      var lines: [String] = []
      for ear in [Ear.left, .right] {
        switch dbfs(frequency: 1000, level: 40) {
        case .success(let level):
          lines.append(
            String(
              format: "1000 Hz at 40 %@ = %.1f dBFS, %@ ear", calibrated ? "dB HL" : "(relative)", level, ear.rawValue))
        case .failure(let refusal):
          lines.append("1000 Hz at 40: not played: \(refusal)")
        }
      }
      lines.append(headphoneProblem ?? "headphones: open on '\(resources.config.headphoneDevice)'")
      if case .success(let level) = dbfs(frequency: 1000, level: 40) {
        emit(.play(HeadphoneTone(frequency: 1000, levelDBFS: level, ear: nil, duration: 3)))
      }
      stage = .staffMenu(message: lines)
    case .character("3"):
      stage = .staffMenu(message: todaysStats())
    case .enter, .left:
      restart(now: now)
    default: break
    }
  }

  func todaysStats() -> [String] {
    guard let store else { return ["no database"] }
    do {
      let day = ISO8601DateFormatter.string(
        from: Date(), timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
      let today = try store.dailyStats().first { $0.day == day }
      return [today?.summary ?? "\(day): no checks yet"] + problems.suffix(3)
    } catch {
      return ["cannot read the database: \(error)"]
    }
  }

}
