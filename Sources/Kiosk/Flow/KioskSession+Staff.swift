import Foundation
import HearingCheck
import SessionStore

/// The staff menu behind the PIN: figures, a test tone, exit.
extension KioskSession {
  // MARK: staff

  func typePIN(_ key: TerminalKey, entered: String, now: Double) {
    switch key {
    case .character(let character) where character.isNumber && entered.count < 12:
      stage = .staffPIN(entered: entered + String(character), message: nil)
    case .backspace:
      stage = .staffPIN(entered: String(entered.dropLast()), message: nil)
    case .enter:
      guard now >= staffLockedUntil else {
        let seconds = Int((staffLockedUntil - now).rounded(.up))
        go(.staffPIN(entered: "", message: "locked: try again in \(seconds) s"), now: now)
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

  func staffMenu(_ key: TerminalKey, now: Double) {
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
