import Foundation
import GRDB

/// The kiosk's records in SQLite: an anonymous row per check with its thresholds, and, in a
/// table of their own, the contact requests visitors consented to. WAL mode, every write one
/// transaction (a crash or power cut loses at most the check under way, never corrupts), and
/// a file only its owner can read.
public final class SessionStore: Sendable {
  /// The ear a threshold belongs to.
  public enum Ear: String, Sendable, CaseIterable {
    case left, right
  }

  /// How the check was taken.
  public enum Mode: String, Sendable, CaseIterable {
    /// Tones on headphones, ear by ear.
    case headphones
    /// The installation's birds, heard in the room.
    case freeField = "free_field"
  }

  /// What a check found: the headphone outcomes, or how far up the boxes a visitor heard.
  public enum Outcome: String, Sendable, CaseIterable {
    case within, refer, relative
    case notMeasured = "not_measured"
    /// Free field: heard at least one box (`highestBirdHz` says how high).
    case heardBirds = "heard_birds"
    case heardNone = "heard_none"
  }

  public struct Threshold: Sendable, Equatable {
    public var ear: Ear
    /// Measured a second time, to check the first (the retest at 1 kHz).
    public var retest: Bool
    public var frequency: Double
    /// nil when not measured.
    public var level: Double?
    public var presentations: Int
    /// No response at this level, the loudest the check could play (dB HL).
    public var noResponseAt: Double?

    public init(
      ear: Ear, retest: Bool = false, frequency: Double, level: Double?, presentations: Int,
      noResponseAt: Double? = nil
    ) {
      self.ear = ear
      self.retest = retest
      self.frequency = frequency
      self.level = level
      self.presentations = presentations
      self.noResponseAt = noResponseAt
    }
  }

  /// The room during a headphone check, as the kiosk's microphone measured it throughout.
  public struct Room: Sendable, Equatable {
    /// The octave bands, Hz.
    public static let bands: [Double] = [125, 250, 500, 1000, 2000, 4000, 8000]
    /// The loudest each band was during the check, dB SPL.
    public var maxima: [Double]
    /// How often the check paused because the room was too loud.
    public var pauses: Int

    public init(maxima: [Double], pauses: Int) {
      precondition(maxima.count == Self.bands.count, "one level per octave band")
      self.maxima = maxima
      self.pauses = pauses
    }
  }

  /// What a visitor chose to give after the results, and how each ear's high-frequency
  /// hearing stood among people of that age and sex (ISO 7029): nothing that names anyone.
  public struct AgeComparison: Sendable, Equatable {
    /// e.g. "60-69".
    public var ageBand: String
    /// "female" or "male".
    public var sex: String
    /// Per ear: the share of that age hearing 4-8 kHz better, as a band ("under_25",
    /// "25_to_75", "75_to_90", "over_90"); nil for an ear without a high-frequency threshold.
    public var right: String?
    public var left: String?

    public init(ageBand: String, sex: String, right: String?, left: String?) {
      self.ageBand = ageBand
      self.sex = sex
      self.right = right
      self.left = left
    }
  }

  public struct Check: Sendable {
    public var finishedAt: Date
    public var language: String
    public var mode: Mode
    /// Levels in dB HL from a calibration profile, or relative.
    public var calibrated: Bool
    public var reliable: Bool
    public var outcome: Outcome
    /// Free field: the centre of the highest box heard (Hz).
    public var highestBirdHz: Double?
    public var signposting: String
    public var seconds: Double
    public var thresholds: [Threshold]
    /// nil: the room was not measured (no microphone, or not throughout the check).
    public var room: Room?

    public init(
      finishedAt: Date, language: String, mode: Mode, calibrated: Bool, reliable: Bool, outcome: Outcome,
      highestBirdHz: Double? = nil, signposting: String, seconds: Double, thresholds: [Threshold], room: Room? = nil
    ) {
      self.room = room
      self.highestBirdHz = highestBirdHz
      self.finishedAt = finishedAt
      self.language = language
      self.mode = mode
      self.calibrated = calibrated
      self.reliable = reliable
      self.outcome = outcome
      self.signposting = signposting
      self.seconds = seconds
      self.thresholds = thresholds
    }
  }

  public struct DayStats: Sendable, Equatable {
    public var day: String
    public var checks: Int
    public var outcomes: [String: Int]
    public var languages: [String: Int]
    /// The age bands visitors chose to give (those who gave none are not counted).
    public var ageBands: [String: Int] = [:]

    /// One line: the day, its checks, outcomes, languages and the age bands given.
    public var summary: String {
      func counts(_ table: [String: Int]) -> String {
        table.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
      }
      return "\(day)  \(checks) check(s)  outcomes: \(counts(outcomes))  languages: \(counts(languages))"
        + (ageBands.isEmpty ? "" : "  ages given: \(counts(ageBands))")
    }
  }

  private let database: DatabaseQueue
  public let path: String

  public init(path: String) throws {
    self.path = path
    // Create the file owner-only before SQLite opens it (its -wal and -shm files follow suit).
    if !FileManager.default.fileExists(atPath: path) {
      let descriptor = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
      guard descriptor >= 0 else {
        throw SessionStoreError("cannot create '\(path)': \(String(cString: strerror(errno)))")
      }
      close(descriptor)
    }
    var configuration = Configuration()
    configuration.busyMode = .timeout(5)
    database = try DatabaseQueue(path: path, configuration: configuration)
    try database.writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = WAL") }
    try Self.migrator.migrate(database)
  }

  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1") { db in
      try db.create(table: "check_result") { t in
        t.autoIncrementedPrimaryKey("id")
        t.column("finished_at", .datetime).notNull().indexed()
        t.column("language", .text).notNull()
        t.column("mode", .text).notNull()
        t.column("calibrated", .boolean).notNull()
        t.column("reliable", .boolean).notNull()
        t.column("outcome", .text).notNull()
        t.column("signposting", .text).notNull()
        t.column("seconds", .double).notNull()
      }
      try db.create(table: "threshold") { t in
        t.belongsTo("check_result", onDelete: .cascade).notNull()
        t.column("ear", .text).notNull()
        t.column("frequency", .double).notNull()
        t.column("level", .double)
        t.column("presentations", .integer).notNull()
      }
      try db.create(table: "contact_request") { t in
        t.autoIncrementedPrimaryKey("id")
        t.column("created_at", .datetime).notNull()
        t.column("keep_until", .datetime).notNull().indexed()
        t.column("consent_version", .text).notNull()
        t.column("name", .text).notNull()
        t.column("phone", .text)
        t.column("email", .text)
        t.column("service", .text).notNull()
      }
    }
    // Existing databases keep their rows: the new column is empty for them.
    migrator.registerMigration("v2: no response") { db in
      try db.alter(table: "threshold") { t in t.add(column: "no_response_at", .double) }
    }
    // Typed records: the free text of earlier versions ("heard up to 4000 Hz", "right-retest",
    // "free-field") becomes an enum's value and columns of its own; every row is kept.
    migrator.registerMigration("v3: typed records") { db in
      try db.alter(table: "threshold") { t in t.add(column: "retest", .boolean).notNull().defaults(to: false) }
      try db.alter(table: "check_result") { t in t.add(column: "highest_bird_hz", .double) }
      try db.execute(
        sql: """
          UPDATE threshold SET retest = 1, ear = substr(ear, 1, length(ear) - 7) WHERE ear LIKE '%-retest';
          UPDATE check_result SET mode = 'free_field' WHERE mode = 'free-field';
          UPDATE check_result SET outcome = 'not_measured' WHERE outcome = 'not measured';
          UPDATE check_result SET outcome = 'heard_none' WHERE outcome = 'heard none';
          UPDATE check_result
            SET highest_bird_hz = CAST(substr(outcome, 13, length(outcome) - 15) AS REAL), outcome = 'heard_birds'
            WHERE outcome LIKE 'heard up to % Hz';
          """)
    }
    // The room: whether it was measured, how often it stopped the check, its loudest levels.
    migrator.registerMigration("v4: room noise") { db in
      try db.alter(table: "check_result") { t in
        t.add(column: "room_monitored", .boolean).notNull().defaults(to: false)
        t.add(column: "noise_pauses", .integer)
        for band in Room.bands { t.add(column: Self.ambientColumn(band), .double) }
      }
    }
    // Hearing age: what the visitor chose to give, and where each ear stood (issue 12).
    migrator.registerMigration("v5: age comparison") { db in
      try db.alter(table: "check_result") { t in
        t.add(column: "age_band", .text)
        t.add(column: "sex", .text)
        t.add(column: "hf_standing_right", .text)
        t.add(column: "hf_standing_left", .text)
      }
    }
    return migrator
  }

  /// Adds a visitor's age comparison to check `id` (given after its results were recorded).
  public func amend(_ id: Int64, with comparison: AgeComparison) throws {
    try database.write { db in
      try db.execute(
        sql: "UPDATE check_result SET age_band = ?, sex = ?, hf_standing_right = ?, hf_standing_left = ? WHERE id = ?",
        arguments: [comparison.ageBand, comparison.sex, comparison.right, comparison.left, id])
    }
  }

  static func ambientColumn(_ band: Double) -> String { "ambient_max_\(Int(band))_db" }

  /// Records a finished check, thresholds and all, in one transaction.
  @discardableResult
  public func record(_ check: Check) throws -> Int64 {
    try database.write { db in
      try db.execute(
        sql: """
          INSERT INTO check_result
            (finished_at, language, mode, calibrated, reliable, outcome, highest_bird_hz, signposting, seconds,
             room_monitored, noise_pauses, \(Room.bands.map(Self.ambientColumn).joined(separator: ", ")))
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, \(Room.bands.map { _ in "?" }.joined(separator: ", ")))
          """,
        arguments: StatementArguments(
          [
            check.finishedAt, check.language, check.mode.rawValue, check.calibrated, check.reliable,
            check.outcome.rawValue, check.highestBirdHz, check.signposting, check.seconds, check.room != nil,
            check.room?.pauses,
          ] as [(any DatabaseValueConvertible)?]
            + Room.bands.indices.map { check.room?.maxima[$0] as (any DatabaseValueConvertible)? }))
      let id = db.lastInsertedRowID
      for threshold in check.thresholds {
        try db.execute(
          sql: """
            INSERT INTO threshold (check_resultId, ear, retest, frequency, level, presentations, no_response_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
          arguments: [
            id, threshold.ear.rawValue, threshold.retest, threshold.frequency, threshold.level,
            threshold.presentations, threshold.noResponseAt,
          ])
      }
      return id
    }
  }

  /// Records a contact request the visitor consented to, kept for `days` days.
  public func recordContact(
    name: String, phone: String?, email: String?, service: String, consentVersion: String, days: Int, at date: Date
  ) throws {
    try database.write { db in
      try db.execute(
        sql: """
          INSERT INTO contact_request (created_at, keep_until, consent_version, name, phone, email, service)
          VALUES (?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          date, date.addingTimeInterval(Double(days) * 86400), consentVersion, name, phone, email, service,
        ])
    }
  }

  /// Checks, outcomes and languages per day (UTC), oldest first.
  public func dailyStats() throws -> [DayStats] {
    try database.read { db in
      let rows = try Row.fetchAll(
        db,
        sql: "SELECT date(finished_at) AS day, outcome, language, age_band FROM check_result ORDER BY finished_at")
      var days: [String: DayStats] = [:]
      var order: [String] = []
      for row in rows {
        let day: String = row["day"]
        if days[day] == nil {
          days[day] = DayStats(day: day, checks: 0, outcomes: [:], languages: [:])
          order.append(day)
        }
        days[day]!.checks += 1
        days[day]!.outcomes[row["outcome"], default: 0] += 1
        days[day]!.languages[row["language"], default: 0] += 1
        if let band = row["age_band"] as String? { days[day]!.ageBands[band, default: 0] += 1 }
      }
      return order.map { days[$0]! }
    }
  }

  /// The anonymous results as CSV: one line per threshold, with its check's fields.
  public func exportCSV() throws -> String {
    try database.read { db in
      let rows = try Row.fetchAll(
        db,
        sql: """
          SELECT c.id, c.finished_at, c.language, c.mode, c.calibrated, c.reliable, c.outcome, c.highest_bird_hz,
                 c.signposting, c.seconds, c.room_monitored, c.noise_pauses, c.age_band, c.sex, c.hf_standing_right,
                 c.hf_standing_left,
                 \(Room.bands.map { "c." + Self.ambientColumn($0) }.joined(separator: ", ")),
                 t.ear, t.retest, t.frequency, t.level, t.presentations, t.no_response_at
          FROM check_result c LEFT JOIN threshold t ON t.check_resultId = c.id
          ORDER BY c.id, t.ear, t.retest, t.frequency
          """)
      var lines = [
        "check,finished_at,language,mode,calibrated,reliable,outcome,highest_bird_hz,signposting,seconds,"
          + "room_monitored,noise_pauses," + Room.bands.map(Self.ambientColumn).joined(separator: ",")
          + ",age_band,sex,hf_standing_right,hf_standing_left"
          + ",ear,retest,frequency_hz,level_db,presentations,no_response_at_db"
      ]
      for row in rows {
        var fields: [String] = [
          "\(row["id"] as Int64)", row["finished_at"], Self.inert(row["language"]), Self.inert(row["mode"]),
          (row["calibrated"] as Bool) ? "yes" : "no", (row["reliable"] as Bool) ? "yes" : "no",
          Self.inert(row["outcome"]), (row["highest_bird_hz"] as Double?).map { String(format: "%.0f", $0) } ?? "",
          Self.inert(row["signposting"]), String(format: "%.0f", row["seconds"] as Double),
          (row["room_monitored"] as Bool) ? "yes" : "no", (row["noise_pauses"] as Int?).map(String.init) ?? "",
        ]
        fields += Room.bands.map { band in
          (row[Self.ambientColumn(band)] as Double?).map { String(format: "%.1f", $0) } ?? ""
        }
        fields += ["age_band", "sex", "hf_standing_right", "hf_standing_left"].map {
          Self.inert(row[$0] as String? ?? "")
        }
        fields += [
          Self.inert(row["ear"] as String? ?? ""),
          (row["retest"] as Bool?).map { $0 ? "yes" : "no" } ?? "",
          (row["frequency"] as Double?).map { String(format: "%.0f", $0) } ?? "",
          (row["level"] as Double?).map { String(format: "%.1f", $0) }
            ?? (row["ear"] as String? == nil || row["no_response_at"] as Double? != nil ? "" : "not measured"),
          (row["presentations"] as Int?).map(String.init) ?? "",
          (row["no_response_at"] as Double?).map { String(format: "%.0f", $0) } ?? "",
        ]
        lines.append(fields.map(Self.csvField).joined(separator: ","))
      }
      return lines.joined(separator: "\r\n") + "\r\n"
    }
  }

  /// The consented contact requests still within their retention, as CSV (staff only: the
  /// command asks for the staff PIN).
  public func exportContactsCSV(now: Date = Date()) throws -> String {
    try database.read { db in
      let rows = try Row.fetchAll(
        db,
        sql: """
          SELECT id, created_at, keep_until, consent_version, name, phone, email, service
          FROM contact_request WHERE keep_until >= ? ORDER BY id
          """, arguments: [now])
      var lines = ["request,created_at,keep_until,consent_version,name,phone,email,service"]
      for row in rows {
        let fields: [String] = [
          "\(row["id"] as Int64)", row["created_at"], row["keep_until"], Self.inert(row["consent_version"]),
          Self.inert(row["name"]), Self.inert(row["phone"] as String? ?? ""), Self.inert(row["email"] as String? ?? ""),
          Self.inert(row["service"]),
        ]
        lines.append(fields.map(Self.csvField).joined(separator: ","))
      }
      return lines.joined(separator: "\r\n") + "\r\n"
    }
  }

  /// Deletes checks finished before `date`, and contact requests past their keep-until date.
  /// Returns (checks, contacts) deleted.
  @discardableResult
  public func purge(before date: Date, now: Date = Date()) throws -> (checks: Int, contacts: Int) {
    try database.write { db in
      try db.execute(sql: "PRAGMA foreign_keys = ON")
      try db.execute(sql: "DELETE FROM check_result WHERE finished_at < ?", arguments: [date])
      let checks = db.changesCount
      try db.execute(sql: "DELETE FROM contact_request WHERE keep_until < ?", arguments: [now])
      return (checks, db.changesCount)
    }
  }

  /// Checks finished at or after `date` (the status page's "kiosk checks today").
  public func checks(since date: Date) throws -> Int {
    try database.read {
      try Int.fetchOne($0, sql: "SELECT count(*) FROM check_result WHERE finished_at >= ?", arguments: [date]) ?? 0
    }
  }

  /// Rows in a table (for tests and stats).
  public func count(_ table: String) throws -> Int {
    try database.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM \(table)") ?? 0 }
  }

  /// SQLite's own consistency check: "ok" when the file is sound.
  public func integrityCheck() throws -> String {
    try database.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") ?? "" }
  }

  public func journalMode() throws -> String {
    try database.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") ?? "" }
  }

  /// A text field made harmless for a spreadsheet: a leading =, +, -, @, tab or CR would
  /// otherwise be taken as (part of) a formula, so it gets a leading apostrophe.
  static func inert(_ text: String) -> String {
    guard let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return text }
    return "'" + text
  }

  /// A field as RFC 4180 writes it: quoted, with quotes doubled, when it holds a comma, a
  /// quote, a CR or an LF.
  static func csvField(_ text: String) -> String {
    text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
      ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
  }
}

public struct SessionStoreError: Error, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}
