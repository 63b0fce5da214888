import BirdsongSynthesis
import ControlProtocol
import Foundation
import HearingCheck

/// What each stage of the visitor flow looks like. Every word a visitor reads comes from the
/// language catalogue; the staff screens are in English.
extension KioskSession {
  /// The whole screen for a terminal of `width` x `height`: a title bar, the stage's page,
  /// the idle countdown when it runs, and a bar naming the keys.
  public func frame(width: Int, height: Int, now: Double) -> ScreenFrame {
    var body = ScreenFrame(width: width)
    let hints = draw(&body, now: now)
    var screen = ScreenFrame(width: width)
    screen.line(" Hearing Birdsong" + (language.code == "en" ? "" : "  ·  \(language.name)"), .bar)
    screen.blank()
    var room = max(3, height - 4)
    let countdown = !isIdleExempt && idleRemaining(now: now) <= Self.countdownSeconds
    if countdown { room -= 2 }
    let pages = body.pages(height: room)
    pageCount = pages.count
    for line in pages[min(page, pages.count - 1)] { screen.line(line.text, line.style) }
    while screen.lines.count < height - 1 - (countdown ? 2 : 0) { screen.blank() }
    if countdown {
      screen.blank()
      screen.line(
        text("idle.countdown", ["seconds": String(max(0, Int(idleRemaining(now: now).rounded(.up))))]), .alert)
    }
    var footer = hints.joined(separator: "    ")
    if pages.count > 1 {
      footer =
        "\(page + 1)/\(pages.count)  "
        + (page + 1 < pages.count ? text("hint.more", ["key": keys.label(for: .ok)]) : footer)
    }
    screen.line(" " + footer, .bar)
    return screen
  }

  private func hint(_ action: KioskAction, _ key: String) -> String {
    text(key, ["key": keys.label(for: action)])
  }

  /// Draws the stage's body; returns the key hints for the bottom bar.
  private func draw(_ body: inout ScreenFrame, now: Double) -> [String] {
    switch stage {
    case .attract:
      body.blank()
      body.paragraph(text("attract.title"), .title)
      body.blank()
      body.paragraph(text("attract.body"))
      body.blank()
      body.paragraph(Self.birdLine(now: now), .dim)
      body.blank()
      body.paragraph(resources.languages.map(\.name).joined(separator: " · "), .dim)
      return [hint(.ok, "hint.start")]
    case .language(let selected):
      body.paragraph(text("language.prompt"), .strong)
      body.blank()
      for (index, catalogue) in resources.languages.enumerated() {
        body.line((index == selected ? "▶ " : "  ") + catalogue.name, index == selected ? .selected : .plain)
      }
      return [hint(.left, "hint.choose"), hint(.ok, "hint.ok")]
    case .about:
      body.paragraph(text("about.title"), .title)
      body.blank()
      body.paragraph(text("about.body"))
      body.blank()
      body.paragraph(text("about.not_for_you"))
      body.blank()
      drawRedFlags(&body)
      body.blank()
      body.paragraph(text("consent.prompt"), .strong)
      return [hint(.ok, "hint.agree"), hint(.left, "hint.stop")]
    case .mode(let headphones):
      body.paragraph(text("mode.title"), .title)
      body.blank()
      body.paragraph(
        text("mode.headphones"), headphones ? .selected : .plain, indent: "  ", first: headphones ? "▶ " : "  ")
      body.blank()
      body.paragraph(text("mode.boxes"), headphones ? .plain : .selected, indent: "  ", first: headphones ? "  " : "▶ ")
      return [hint(.left, "hint.choose"), hint(.ok, "hint.ok")]
    case .headphoneCheck(let ear, let trouble):
      body.paragraph(text("headphones.title"), .title)
      body.blank()
      if let problem = headphoneProblem {
        body.paragraph(text("headphones.unavailable"), .alert)
        body.line(problem, .dim)
        return [hint(.left, "hint.stop")]
      }
      if trouble {
        body.paragraph(text("headphones.trouble"), .alert)
        return [hint(.ok, "hint.retry"), hint(.right, "hint.where_to_test"), hint(.left, "hint.stop")]
      }
      body.paragraph(text("headphones.check", ["ear": text("ear.\(ear.rawValue)")]))
      body.blank()
      body.line(Self.earPicture(ear), .strong)
      body.blank()
      // The visual cue for the check tone: shown while it sounds.
      if Int((now - stageStarted) / 1) % 2 == 0 { body.line("♪ ♪ ♪", .strong) } else { body.blank() }
      return [hint(.ok, "hint.yes"), hint(.left, "hint.no")]
    case .practice(let practice):
      body.paragraph(text("practice.title"), .title)
      body.blank()
      body.paragraph(text("practice.body", ["key": keys.label(for: .hear)]))
      body.blank()
      // Practice beeps are shown as they sound, and each press is acknowledged.
      let sounding = now <= practice.toneEndsAt
      body.line(sounding ? "♪ ♪ ♪" : " ", .strong)
      body.line(String(repeating: "● ", count: practice.heard) + String(repeating: "○ ", count: 3 - practice.heard))
      if practice.done {
        body.blank()
        body.paragraph(text(practice.heard > 0 ? "practice.ready" : "practice.none_heard"), .strong)
        return [hint(.ok, "hint.start")]
      }
      return [hint(.hear, "hint.hear")]
    case .test(let test):
      if case .tooNoisy = test.phase { return drawTooNoisy(&body) }
      let progress = test.procedure.progress
      let point = test.trial?.point ?? test.procedure.outcomes.last?.point
      body.paragraph(text("test.listen", ["key": keys.label(for: .hear)]), .title)
      body.blank()
      if let point {
        body.paragraph(
          text("test.progress", ["ear": text("ear.\(point.ear.rawValue)"), "bird": birdName(for: point.frequency)]))
        body.line(Self.earPicture(point.ear))
      }
      body.blank()
      let filled = progress.total == 0 ? 0 : progress.done * 30 / progress.total
      body.line("[" + String(repeating: "█", count: filled) + String(repeating: "░", count: 30 - filled) + "]")
      body.line(text("test.step", ["done": String(progress.done + 1), "total": String(progress.total)]), .dim)
      body.blank()
      if let notice = test.notice {
        body.paragraph(text(notice.key), notice.key == "test.too_early" ? .alert : .strong)
      }
      if idleRemaining(now: now) <= Self.countdownSeconds { body.paragraph(text("idle.still_there"), .alert) }
      return [hint(.hear, "hint.hear")]
    case .results(let result):
      drawResults(result, &body)
      return [hint(.ok, "hint.next")]
    case .compareSex(let selected):
      body.paragraph(text("compare.title"), .title)
      body.blank()
      body.paragraph(text("compare.offer"))
      body.blank()
      for (index, choice) in Self.compareChoices.enumerated() {
        let label = text(choice.map { "compare.\($0.rawValue)" } ?? "compare.skip")
        body.line((index == selected ? "▶ " : "  ") + label, index == selected ? .selected : .plain)
      }
      return [hint(.left, "hint.choose"), hint(.ok, "hint.ok")]
    case .compareAge(_, let selected):
      body.paragraph(text("compare.title"), .title)
      body.blank()
      body.paragraph(text("compare.age_prompt"), .strong)
      body.blank()
      for (index, _) in HearingComparison.ageBands.enumerated() {
        let label = text("compare.band", ["band": HearingComparison.label(index)])
        body.line((index == selected ? "▶ " : "  ") + label, index == selected ? .selected : .plain)
      }
      return [hint(.left, "hint.choose"), hint(.ok, "hint.ok")]
    case .comparison(let right, let left):
      body.paragraph(text("compare.title"), .title)
      body.blank()
      for (ear, comparison) in [(Ear.right, right), (.left, left)] {
        guard let comparison else { continue }
        body.paragraph(
          text(
            "compare.like",
            ["ear": text("ear.\(ear.rawValue)"), "band": HearingComparison.label(comparison.likeBand)]),
          .strong)
        body.paragraph(text("compare.\(comparison.standing.rawValue)"))
        body.blank()
      }
      body.paragraph(text("compare.note"), .dim)
      return [hint(.ok, "hint.next")]
    case .othersOffer:
      body.paragraph(text("others.title"), .title)
      body.blank()
      body.paragraph(text("others.offer"))
      body.blank()
      body.paragraph(text("others.illustration"), .dim)
      return [hint(.hear, "hint.listen"), hint(.ok, "hint.skip_on")]
    case .othersHear(let demo):
      body.paragraph(text("others.title"), .title)
      body.blank()
      if demo.index >= 0 {
        let step = demo.steps[demo.index]
        body.paragraph(text("others.\(step.hearer.rawValue)", ["bird": birdName(step.bird)]), .strong)
        // The visual cue: shown while the clip sounds.
        body.line(now < demo.nextAt - 0.8 ? "♪ ♪ ♪" : " ", .strong)
        body.line(text("test.step", ["done": String(demo.index + 1), "total": String(demo.steps.count)]), .dim)
      } else {
        body.blank()
        body.blank()
        body.blank()
      }
      body.blank()
      if othersFinished, now >= demo.nextAt - 0.8 { body.paragraph(text("others.done")) }
      body.paragraph(text("others.illustration"), .dim)
      return [hint(.ok, "hint.go_on")]
    case .boxesIntro:
      body.paragraph(text("boxes.title"), .title)
      body.blank()
      body.paragraph(text("boxes.intro", ["key": keys.label(for: .hear)]))
      return [hint(.ok, "hint.start")]
    case .boxes(let boxes):
      body.paragraph(text("boxes.title"), .title)
      body.blank()
      body.paragraph(text("boxes.listening", ["number": String(boxes.index + 1), "total": String(boxes.order.count)]))
      body.blank()
      body.line(
        boxes.heard.enumerated().map { $0.offset == boxes.index ? ($0.element ? "●" : "◌") : ($0.element ? "●" : "·") }
          .joined(separator: " "), .strong)
      return [hint(.hear, "hint.hear")]
    case .boxesResult(let heard):
      body.paragraph(text("results.title"), .title)
      body.blank()
      let order = lastBoxes?.order ?? boxOrder
      if let highest = highestHeard(order: order, heard: heard), installationBoxes.indices.contains(highest) {
        let box = installationBoxes[highest]
        body.paragraph(
          text("boxes.result", ["bird": birdName(box), "frequency": String(Int(box.center.rounded()))]), .strong)
      } else {
        body.paragraph(text("boxes.none"), .strong)
      }
      body.blank()
      for (index, wasHeard) in zip(order, heard) where installationBoxes.indices.contains(index) {
        let box = installationBoxes[index]
        body.line((wasHeard ? "● " : "○ ") + birdName(box) + "  \(Int(box.center)) Hz")
      }
      body.blank()
      body.paragraph(text("boxes.relative"))
      body.blank()
      body.paragraph(text("results.next_step"))
      return [hint(.ok, "hint.next")]
    case .signposting:
      drawSignposting(&body)
      return [hint(.ok, "hint.next")]
    case .contactOffer:
      body.paragraph(text("contact.title"), .title)
      body.blank()
      body.paragraph(text("contact.offer"))
      return [hint(.ok, "hint.yes"), hint(.right, "hint.skip")]
    case .contactConsent:
      body.paragraph(text("contact.title"), .title)
      body.blank()
      body.paragraph(consentText)
      return [hint(.ok, "hint.agree"), hint(.left, "hint.no")]
    case .contactEntry(let contact):
      body.paragraph(text("contact.title"), .title)
      body.blank()
      body.paragraph(text("contact.name"))
      body.line("> " + contact.name + (contact.askingReach ? "" : "▁"), .strong)
      if contact.askingReach {
        body.blank()
        body.paragraph(text("contact.reach"))
        body.line("> " + contact.reach + "▁", .strong)
      }
      if let error = contact.error {
        body.blank()
        body.paragraph(text(error), .alert)
      }
      body.blank()
      body.paragraph(text("contact.typing_help"), .dim)
      return ["Enter", "Backspace"]
    case .thanks(let contacted):
      body.blank()
      body.paragraph(text("thanks"), .title)
      if contacted {
        body.blank()
        body.paragraph(text("contact.saved", ["service": resources.signposting.contactService]))
      }
      return [hint(.ok, "hint.ok")]
    case .staffPIN(let entered, let message):
      body.line("Staff", .title)
      body.blank()
      body.line("PIN: " + String(repeating: "*", count: entered.count) + "▁")
      if let message { body.line(message, .alert) }
      body.blank()
      body.line("Type the PIN and press Enter. ← on an empty PIN goes back.", .dim)
      return ["Enter", "←"]
    case .staffMenu(let message):
      body.line("Staff menu", .title)
      body.blank()
      body.line("1  Exit the kiosk")
      body.line("2  Level check (1 kHz, 40 dB \(calibrated ? "HL" : "relative"), both ears, 3 s)")
      body.line("3  Today's checks")
      body.line("Enter  Back to the visitors' start screen")
      body.blank()
      for line in message { body.paragraph(line, .strong) }
      if resources.calibration == nil { body.line("No calibration profile: levels are relative.", .dim) }
      if let microphone = resources.config.roomMicrophone, let room {
        if let levels = room.levels, let limits = resources.room?.limits {
          let excess = limits.excess(levels)
          body.line(
            "Room microphone '\(microphone.device)': "
              + (excess > 0
                ? String(format: "too loud to test (%.0f dB over)", excess)
                : String(format: "quiet enough (%.0f dB under the limit)", -excess)),
            .dim)
        } else {
          body.line("Room microphone '\(microphone.device)': no readings: \(room.problem ?? "starting")", .alert)
        }
      }
      for name in resources.signposting.placeholders.prefix(3) {
        body.line("Placeholder still in signposting: \(name)", .dim)
      }
      return ["1 2 3", "Enter"]
    }
  }

  private func drawRedFlags(_ body: inout ScreenFrame) {
    body.paragraph(text("redflags.title"), .alert)
    for key in ["redflags.sudden", "redflags.one_ear", "redflags.pain", "redflags.dizzy"] {
      body.paragraph(text(key), indent: "  ", first: "• ")
    }
  }

  /// The check waits for quiet: what is happening, a noise meter against the limit (the room's
  /// loudest band, as far over or under its limit as it is), and the way out.
  private func drawTooNoisy(_ body: inout ScreenFrame) -> [String] {
    body.paragraph(text("noise.title"), .title)
    body.blank()
    body.paragraph(text("noise.body"))
    body.blank()
    if let limits = resources.room?.limits, let levels = room?.levels {
      // 20 cells of 1.5 dB up to the limit, 10 of 3 dB beyond it: a room 30 dB over still
      // shows how far it has to fall.
      let excess = limits.excess(levels)
      let cells = max(0, min(30, Int((excess <= 0 ? (excess + 30) / 1.5 : 20 + excess / 3).rounded())))
      let bar = (0..<30).map { $0 < cells ? "█" : "░" }
      let meter = bar[0..<20].joined() + "|" + bar[20...].joined()
      body.line(text("noise.meter") + "  [" + meter + "]", excess > 0 ? .alert : .strong)
      body.line(String(repeating: " ", count: text("noise.meter").count + 23) + "↑ " + text("noise.limit"), .dim)
      body.blank()
      body.paragraph(text(excess > 0 ? "noise.waiting" : "noise.settling"), .strong)
    }
    return [hint(.left, "hint.stop_check")]
  }

  private func drawResults(_ result: CheckResult, _ body: inout ScreenFrame) {
    body.paragraph(text("results.title"), .title)
    body.blank()
    switch result.outcome {
    case .notMeasured:
      // Nothing was measured well enough to draw: no audiogram, no numbers.
      body.paragraph(text("results.not_measured"), .strong)
      body.paragraph(text("results.next_step"))
      body.paragraph(roomSentence, .dim)
      return
    case .within:
      body.paragraph(text("outcome.within"), .strong)
    case .refer:
      body.paragraph(text("outcome.refer"), .strong)
    case .relative:
      body.paragraph(text("outcome.relative"), .strong)
    }
    if result.outcome != .notMeasured {
      // The WHO grade only where it agrees with the outcome: results never contradict
      // themselves (a referral for one frequency can come with typical hearing on average).
      if let grade = result.grade, (result.outcome == .refer) == (grade != .normal) {
        body.paragraph(text("results.grade", ["grade": text("grade.\(grade.rawValue)")]))
      }
      let birds = result.harderFrequencies.map { birdName(for: $0) }
      var seen: Set<String> = []
      let distinct = birds.filter { seen.insert($0).inserted }
      if !distinct.isEmpty {
        body.paragraph(text("results.missing_birds", ["birds": distinct.joined(separator: ", ")]))
      }
    }
    body.paragraph(text("results.next_step"))
    body.paragraph(roomSentence, .dim)
    body.blank()
    if !calibrated { body.paragraph(text("results.relative"), .dim) }
    let label = calibrated ? text("results.axis_hl") : text("results.axis_relative")
    body.together { body in
      for line in Audiogram.draw(result, levelLabel: label, width: body.textWidth) { body.line(line) }
      body.line("O " + text("ear.right") + "    X " + text("ear.left"))
    }
    body.blank()
    // The numbers behind the picture, kept on one page.
    body.together { body in drawTable(result, &body) }
  }

  private func drawTable(_ result: CheckResult, _ body: inout ScreenFrame) {
    let frequencies = Set(result.outcomes.map(\.point.frequency)).sorted()
    for frequency in frequencies {
      let cells = [Ear.right, .left].map { ear -> String in
        guard let outcome = result.outcome(ear, frequency) else { return "-" }
        if let threshold = outcome.threshold { return String(Int(threshold.rounded())) }
        if let level = outcome.noResponseAt { return text("results.no_response", ["level": String(Int(level))]) }
        return outcome.outOfRange ? text("results.out_of_range") : text("results.not_measured_short")
      }
      let name = shortHertz(frequency) + " Hz"
      body.line(
        name.padding(toLength: 8, withPad: " ", startingAt: 0) + "O "
          + cells[0].padding(toLength: 14, withPad: " ", startingAt: 0)
          + "X " + cells[1] + "   " + birdName(for: frequency))
    }
  }

  /// Whether the room was measured during the check, and what it did.
  var roomSentence: String {
    guard let record = roomLog.record else { return text("results.room_unmonitored") }
    switch record.pauses {
    case 0: return text("results.room_quiet")
    case 1: return text("results.room_noisy_once")
    default: return text("results.room_noisy", ["count": String(record.pauses)])
    }
  }

  private func drawSignposting(_ body: inout ScreenFrame) {
    let signposting = resources.signposting
    body.paragraph(text("signpost.title"), .title)
    body.blank()
    drawRedFlags(&body)
    // Placeholders are for `config check` to name, never for visitors to read.
    for service in signposting.urgent where !service.isPlaceholder { drawService(service, &body) }
    body.blank()
    body.paragraph(text("signpost.routes"), .strong)
    for service in signposting.routes where !service.isPlaceholder { drawService(service, &body) }
    let local = signposting.local.filter { !$0.isPlaceholder }
    if !local.isEmpty {
      body.blank()
      body.paragraph(text("signpost.local"), .strong)
      for service in local { drawService(service, &body) }
    }
  }

  private func drawService(_ service: Signposting.Service, _ body: inout ScreenFrame) {
    body.paragraph(service.name, .strong, indent: "  ", first: "▸ ")
    let details = [service.phone.map { "☎ " + $0 }, service.web, service.address, service.hours].compactMap { $0 }
    if !details.isEmpty { body.paragraph(details.joined(separator: "  ·  "), indent: "  ") }
    body.paragraph(service.how, indent: "  ")
  }

  /// The bird a test frequency stands for: the installation's box nearest to it in pitch, or
  /// failing that the catalogue's species whose natural band is nearest.
  func birdName(for frequency: Double) -> String {
    let distance = { (band: FrequencyBand) in abs(Foundation.log(band.center / frequency)) }
    let singing = installationBoxes.compactMap { box -> (FrequencyBand, Species)? in
      guard let id = box.species, let species = try? SpeciesCatalogue.lookup(id),
        let band = try? FrequencyBand(low: box.low, high: box.high)
      else { return nil }
      return (band, species)
    }
    if let species = singing.min(by: { distance($0.0) < distance($1.0) })?.1 {
      return birdName(species)
    }
    let species = SpeciesCatalogue.all.min { distance($0.naturalBand) < distance($1.naturalBand) }!
    return birdName(species)
  }

  /// A box's bird in the visitor's language, or the box's name when it plays a tone.
  func birdName(_ box: BoxDescription) -> String {
    box.species.flatMap { try? SpeciesCatalogue.lookup($0) }.map(birdName) ?? box.name
  }

  func birdName(_ species: Species) -> String {
    language.texts["bird.\(species.id)"] ?? english.texts["bird.\(species.id)"] ?? species.commonName
  }

  static func earPicture(_ ear: Ear) -> String {
    ear == .left ? "◀◀  L" : "R  ▶▶"
  }

  /// A line of the attract screen that changes slowly, so it looks alive.
  static func birdLine(now: Double) -> String {
    let notes = ["♪", "♫", "♩", "♬"]
    let step = Int(now / 2) % notes.count
    return (0..<8).map { notes[($0 + step) % notes.count] }.joined(separator: "  ")
  }
}
