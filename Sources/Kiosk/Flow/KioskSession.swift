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
    case compareSex(selected: Int)
    case compareAge(sex: HearingComparison.Sex, selected: Int)
    case comparison(right: HearingComparison?, left: HearingComparison?)
    case othersOffer
    case othersHear(OthersHear)
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
      /// The room is too loud to test: no tones until it has been quiet for a moment.
      case tooNoisy(quietSince: Double?)
    }
    var procedure: CheckProcedure
    var trial: CheckProcedure.Trial?
    var phase = Phase.waiting
    var notice: (key: String, until: Double)?
  }

  /// The room during one headphone check, as the room microphone measured it.
  struct RoomLog {
    /// The loudest each octave band was (dB SPL).
    var maxima: [Double]?
    /// Some moment of the check had no reading (no microphone, or it failed).
    var unmonitored = false
    var pauses = 0

    mutating func note(_ levels: [Double]) {
      maxima = maxima.map { zip($0, levels).map { max($0, $1) } } ?? levels
    }

    /// What is stored: nil when the room was not measured throughout.
    var record: SessionStore.Room? {
      guard !unmonitored, let maxima else { return nil }
      return SessionStore.Room(maxima: maxima, pauses: pauses)
    }
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
  static let toneSeconds = TrialTiming.toneSeconds
  static let responseWindow = TrialTiming.responseWindow
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
  /// The room microphone (when the config has one and its calibration).
  let room: (any RoomNoiseSource)?
  /// The room during the check under way or last finished.
  var roomLog = RoomLog()
  let random: @Sendable () -> UInt64
  /// Why the headphones cannot play, as the services last said; nil when they can.
  public var headphoneProblem: String?
  /// What went wrong behind the visitor's back (for the staff menu and the log).
  var problems: [String] = []
  /// Effects made since the last public call returned.
  var pending: [KioskEffect] = []

  var stage = Stage.attract
  var languageIndex: Int
  var lastActivity = 0.0
  var stageStarted = 0.0
  var checkStarted = 0.0
  var page = 0
  /// Set by the screens: how many pages the current screen needs at the terminal's size.
  var pageCount = 1
  var wantsExit = false
  var staffFailures = 0
  var staffLockedUntil = -Double.infinity
  var quietRenewAt = Double.infinity
  /// The last finished headphone check (until the kiosk goes back to the start).
  public internal(set) var lastResult: CheckResult?
  var lastBoxes: (order: [Int], heard: [Bool])?
  /// The running installation's boxes, as it described them when this visitor began; none
  /// when it is not running.
  var installationBoxes: [BoxDescription] = []

  public init(
    resources: KioskResources, store: SessionStore?, boxes: @escaping () -> [BoxDescription] = { [] },
    room: (any RoomNoiseSource)? = nil, random: @escaping @Sendable () -> UInt64 = { UInt64.random(in: .min ... .max) }
  ) {
    self.resources = resources
    self.store = store
    self.boxes = boxes
    self.room = resources.room == nil ? nil : room
    self.random = random
    languageIndex = resources.languages.firstIndex { $0.code == resources.config.defaultLanguage } ?? 0
  }

  public var isFinished: Bool { wantsExit }

  /// True when the kiosk works with a running installation (its socket is configured).
  var hasInstallation: Bool { !resources.config.installations.isEmpty }

  func emit(_ effect: KioskEffect) { pending.append(effect) }

  /// Hands over the effects made so far.
  func effects() -> [KioskEffect] {
    defer { pending.removeAll() }
    return pending
  }

  func log(_ line: String) { emit(.log(line)) }

  var language: LocaleCatalog { resources.languages[languageIndex] }
  var english: LocaleCatalog { resources.languages[0] }
  var keys: KeyMap { resources.config.keys }

  /// A text in the visitor's language. {ok}, {back}, {next} and {hear} name the keys this
  /// kiosk's key map really has, so the words and the key bar always agree.
  func text(_ key: String, _ values: [String: String] = [:]) -> String {
    let keyNames = [
      "ok": keys.label(for: .ok), "back": keys.label(for: .left), "next": keys.label(for: .right),
      "hear": keys.label(for: .hear),
    ]
    return language.text(key, keyNames.merging(values) { _, given in given }, english: english)
  }

  // MARK: records and problems

  func record(
    mode: SessionStore.Mode, reliable: Bool, outcome: SessionStore.Outcome, highestBirdHz: Double? = nil,
    thresholds: [SessionStore.Threshold], room: SessionStore.Room? = nil, now: Double
  ) {
    emit(
      .record(
        SessionStore.Check(
          finishedAt: Date(), language: language.code, mode: mode, calibrated: calibrated, reliable: reliable,
          outcome: outcome, highestBirdHz: highestBirdHz, signposting: resources.signposting.region,
          seconds: now - checkStarted, thresholds: thresholds, room: room)))
  }

  func problem(_ message: String) {
    problems.append(message)
    log("error: " + message)
  }

  /// A failure the services met carrying out an effect (for the staff menu and the log).
  public func report(_ message: String) -> [KioskEffect] {
    problem(message)
    return effects()
  }

  // MARK: keys

  @discardableResult
  public func handle(_ key: TerminalKey, now: Double) -> [KioskEffect] {
    handleKey(key, now: now)
    return effects()
  }

  func handleKey(_ key: TerminalKey, now: Double) {
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

  func act(_ action: KioskAction, now: Double) {
    // A screen with more pages turns the page first.
    if action == .ok, page + 1 < pageCount {
      page += 1
      return
    }
    switch stage {
    case .attract:
      if action == .ok || action == .hear {
        // A visitor begins: ask the installation now what boxes it has (it may have started,
        // stopped or been reloaded since the last visitor).
        installationBoxes = hasInstallation ? boxes() : []
        go(.language(selected: languageIndex), now: now)
      }
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
        switch action {
        case .ok: go(.headphoneCheck(ear: .left, trouble: false), now: now)
        // Nothing heard even at the loudest: it may be the hearing, not the headphones. The
        // way on leads to where to get a full hearing test.
        case .right: go(.signposting, now: now)
        case .left: restart(now: now)
        case .hear: break
        }
      } else if action == .ok {
        // Heard: the practice plays at the level this visitor heard (both ears: the louder).
        checkToneHeardAt[ear] = lastCheckLevel
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
      if case .tooNoisy = test.phase {
        if action == .left { abandonForNoise(now: now) }
        return
      }
      guard action == .hear else { return }
      press(&test, now: now)
      stage = .test(test)
    case .results:
      if action == .ok {
        if canCompare { go(.compareSex(selected: 0), now: now) } else { afterResults(now: now) }
      }
    case .compareSex(let selected):
      let count = Self.compareChoices.count
      switch action {
      case .left: go(.compareSex(selected: (selected + count - 1) % count), now: now, keepPage: true)
      case .right: go(.compareSex(selected: (selected + 1) % count), now: now, keepPage: true)
      case .ok:
        if let sex = Self.compareChoices[selected] {
          go(.compareAge(sex: sex, selected: 0), now: now)
        } else {
          afterResults(now: now)
        }
      case .hear: break
      }
    case .compareAge(let sex, let selected):
      let count = HearingComparison.ageBands.count
      switch action {
      case .left: go(.compareAge(sex: sex, selected: (selected + count - 1) % count), now: now, keepPage: true)
      case .right: go(.compareAge(sex: sex, selected: (selected + 1) % count), now: now, keepPage: true)
      case .ok: compare(sex: sex, band: selected, now: now)
      case .hear: break
      }
    case .comparison:
      if action == .ok { afterResults(now: now) }
    case .othersOffer:
      if action == .hear {
        startOthersHear(now: now)
      } else if action == .ok {
        go(.signposting, now: now)
      }
    case .othersHear:
      if action == .ok {
        emit(.silence)
        go(.signposting, now: now)
      }
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
      // No contact request while the service that would call back is still a placeholder.
      let canOffer = !resources.signposting.contactService.contains("PLACEHOLDER")
      if action == .ok { go(canOffer ? .contactOffer : .thanks(contacted: false), now: now) }
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

  func advanceTime(now: Double) {
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
        lastCheckLevel =
          playAudible(frequency: 1000, ear: ear, duration: 1, level: Self.checkToneLevel(repeat: cycle)) ?? 40
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
          playAudible(
            frequency: 1000, ear: practice.beeps % 2 == 1 ? .right : .left, duration: Self.toneSeconds,
            level: audibleLevel)
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
    case .othersHear(var demo):
      advance(&demo, now: now)
      if case .othersHear = stage { stage = .othersHear(demo) }
    case .thanks:
      if now - stageStarted >= Self.thanksSeconds { restart(now: now) }
    case .staffPIN(_, .some) where now - stageStarted > 3:
      restart(now: now)  // a refusal shows for 3 s, then the kiosk is back at the start
    default: break
    }
  }
  var lastCheckCycle = -1
  /// The level of the headphone check's last tone.
  var lastCheckLevel = 40.0
  /// Where each ear confirmed the check tone (dB HL or relative): the check starts from it.
  var checkToneHeardAt: [Ear: Double] = [:]
  /// The level this visitor heard the check tone at (both ears: the louder).
  var audibleLevel: Double { checkToneHeardAt.values.max() ?? 40 }

  /// The practice or the check is under way on the headphones.
  var isListening: Bool {
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

  func go(_ next: Stage, now: Double, keepPage: Bool = false) {
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

  func restart(now: Double) {
    emit(.silence)
    releaseBoxes()
    languageIndex = resources.languages.firstIndex { $0.code == resources.config.defaultLanguage } ?? 0
    lastResult = nil
    lastBoxes = nil
    installationBoxes = []
    (lastCheckLevel, checkToneHeardAt) = (40, [:])
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
}
