import Foundation
import GRDB
import SessionStore
import TestSupport
import Testing

@Suite struct SessionStoreTests {
  func check(_ outcome: SessionStore.Outcome, language: String = "en", at date: Date = Date()) -> SessionStore.Check {
    SessionStore.Check(
      finishedAt: date, language: language, mode: .headphones, calibrated: false, reliable: true, outcome: outcome,
      signposting: "england", seconds: 290,
      thresholds: [
        .init(ear: .right, frequency: 1000, level: 15, presentations: 5),
        .init(ear: .left, frequency: 8000, level: nil, presentations: 10),
      ])
  }

  @Test func keepsItsFileOwnerOnlyInWALMode() throws {
    let path = temporaryFolder() + "/s.sqlite"
    let store = try SessionStore(path: path)
    try store.record(check(.within))
    var status = stat()
    #expect(stat(path, &status) == 0 && status.st_mode & 0o777 == 0o600)
    #expect(try store.journalMode() == "wal")
  }

  @Test func countsChecksPerDayAndExportsThemWithoutContacts() throws {
    let store = try SessionStore(path: temporaryFolder() + "/s.sqlite")
    let day = Date(timeIntervalSince1970: 1_790_000_000)
    try store.record(check(.within, at: day))
    try store.record(check(.refer, language: "fr", at: day.addingTimeInterval(60)))
    try store.recordContact(
      name: "A Visitor", phone: "07000 000000", email: nil, service: "audiology", consentVersion: "v1", days: 30,
      at: day)
    let stats = try store.dailyStats()
    #expect(stats.count == 1 && stats[0].checks == 2)
    #expect(stats[0].outcomes == ["within": 1, "refer": 1] && stats[0].languages == ["en": 1, "fr": 1])
    let csv = try store.exportCSV()
    #expect(csv.components(separatedBy: "\r\n").dropLast().count == 1 + 4)
    #expect(csv.contains("not measured") && !csv.contains("A Visitor"))
  }

  @Test func aNoResponseIsStoredAndExportedAsSuch() throws {
    let store = try SessionStore(path: temporaryFolder() + "/nr.sqlite")
    try store.record(
      SessionStore.Check(
        finishedAt: Date(), language: "en", mode: .headphones, calibrated: true, reliable: true, outcome: .refer,
        signposting: "England", seconds: 250,
        thresholds: [
          .init(ear: .left, frequency: 8000, level: nil, presentations: 4, noResponseAt: 80),
          .init(ear: .left, frequency: 1000, level: 20, presentations: 6),
        ]))
    let csv = try store.exportCSV()
    #expect(csv.contains(",left,no,8000,,4,80\r\n"), "\(csv)")
    #expect(csv.contains(",left,no,1000,20.0,6,\r\n"))
  }

  @Test func exportsAreRFC4180AndNoFieldRunsAsAFormula() throws {
    let store = try SessionStore(path: temporaryFolder() + "/csv.sqlite")
    let now = Date()
    try store.recordContact(
      name: "=HYPERLINK(\"http://x\"),\r\nEve", phone: "+44 7700 900123", email: nil, service: "\tcmd",
      consentVersion: "v1", days: 30, at: now)
    let csv = try store.exportContactsCSV(now: now)
    let lines = csv.components(separatedBy: "\r\n")
    #expect(lines[0].hasPrefix("request,created_at"))
    // The name is one quoted field with its quotes doubled and its line break kept inside.
    #expect(csv.contains(",\"'=HYPERLINK(\"\"http://x\"\"),\r\nEve\","), "\(csv)")
    #expect(csv.contains(",'+44 7700 900123,"))
    #expect(csv.contains(",'\tcmd\r\n"))
    #expect(csv.hasSuffix("\r\n"))
  }

  @Test func purgesOldChecksWithTheirThresholdsAndExpiredContacts() throws {
    let store = try SessionStore(path: temporaryFolder() + "/s.sqlite")
    let now = Date()
    try store.record(check(.within, at: now.addingTimeInterval(-40 * 86400)))
    try store.record(check(.refer, at: now))
    try store.recordContact(
      name: "Old", phone: nil, email: "old@example.org", service: "s", consentVersion: "v1", days: 30,
      at: now.addingTimeInterval(-31 * 86400))
    try store.recordContact(
      name: "New", phone: nil, email: "new@example.org", service: "s", consentVersion: "v1", days: 30, at: now)
    let deleted = try store.purge(before: now.addingTimeInterval(-30 * 86400), now: now)
    #expect(deleted.checks == 1 && deleted.contacts == 1)
    #expect(
      try store.count("check_result") == 1 && store.count("threshold") == 2 && store.count("contact_request") == 1)
  }

  /// A writer killed mid-stream leaves a sound database holding whole checks only.
  @Test func survivesTheWriterBeingKilledMidWrite() throws {
    let path = temporaryFolder() + "/crash.sqlite"
    for attempt in 0..<3 {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: birdsongBinary).deletingLastPathComponent()
        .appendingPathComponent("session-filler")
      process.arguments = [path, "100000"]
      let output = Pipe()
      process.standardOutput = output
      try process.run()
      _ = output.fileHandleForReading.availableData  // the first check is in: it printed its number
      usleep(UInt32(100_000 + attempt * 70_000))
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
    }
    let store = try SessionStore(path: path)
    #expect(try store.integrityCheck() == "ok")
    let checks = try store.count("check_result")
    #expect(checks > 0)
    #expect(try store.count("threshold") == checks * 14, "a check was stored without all its thresholds")
  }

  @Test func aDatabaseOfAnEarlierVersionKeepsItsRowsInTypedColumns() throws {
    // A database as version 2 left it: free text for the retest, the mode and the boxes heard.
    let path = temporaryFolder() + "/old.sqlite"
    let old = try DatabaseQueue(path: path)
    try old.write { db in
      try db.execute(
        sql: """
          CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
          INSERT INTO grdb_migrations VALUES ('v1'), ('v2: no response');
          CREATE TABLE check_result (id INTEGER PRIMARY KEY AUTOINCREMENT, finished_at DATETIME NOT NULL,
            language TEXT NOT NULL, mode TEXT NOT NULL, calibrated BOOLEAN NOT NULL, reliable BOOLEAN NOT NULL,
            outcome TEXT NOT NULL, signposting TEXT NOT NULL, seconds DOUBLE NOT NULL);
          CREATE TABLE threshold (check_resultId INTEGER NOT NULL REFERENCES check_result(id) ON DELETE CASCADE,
            ear TEXT NOT NULL, frequency DOUBLE NOT NULL, level DOUBLE, presentations INTEGER NOT NULL,
            no_response_at DOUBLE);
          CREATE TABLE contact_request (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at DATETIME NOT NULL,
            keep_until DATETIME NOT NULL, consent_version TEXT NOT NULL, name TEXT NOT NULL, phone TEXT,
            email TEXT, service TEXT NOT NULL);
          INSERT INTO check_result VALUES (1, '2026-11-01 10:00:00.000', 'en', 'headphones', 1, 1, 'refer', 'england', 280);
          INSERT INTO threshold VALUES (1, 'right', 1000, 15, 5, NULL), (1, 'right-retest', 1000, 20, 4, NULL),
            (1, 'left', 8000, NULL, 6, 80);
          INSERT INTO check_result VALUES (2, '2026-11-01 11:00:00.000', 'fr', 'free-field', 0, 1,
            'heard up to 4100 Hz', 'england', 60);
          INSERT INTO check_result VALUES (3, '2026-11-01 12:00:00.000', 'en', 'free-field', 0, 1, 'heard none',
            'england', 50);
          INSERT INTO check_result VALUES (4, '2026-11-01 13:00:00.000', 'en', 'headphones', 1, 0, 'not measured',
            'england', 90);
          """)
    }
    try old.close()

    let store = try SessionStore(path: path)
    #expect(try store.count("check_result") == 4 && store.count("threshold") == 3)
    let csv = try store.exportCSV().split(separator: "\r\n").map(String.init)
    #expect(
      csv[0]
        == "check,finished_at,language,mode,calibrated,reliable,outcome,highest_bird_hz,signposting,seconds,"
        + "room_monitored,noise_pauses,ambient_max_125_db,ambient_max_250_db,ambient_max_500_db,ambient_max_1000_db,"
        + "ambient_max_2000_db,ambient_max_4000_db,ambient_max_8000_db,age_band,sex,hf_standing_right,hf_standing_left,"
        + "ear,retest,frequency_hz,level_db,presentations,no_response_at_db"
    )
    // Checks from before the room microphone and the age comparison: not monitored, no levels, no age.
    #expect(
      csv.contains { $0.hasPrefix("1,") && $0.contains(",refer,,england,280,no,,,,,,,,,,,,,right,yes,1000,20.0,4,") })
    #expect(csv.contains { $0.hasPrefix("1,") && $0.contains(",right,no,1000,15.0,5,") })
    #expect(csv.contains { $0.hasPrefix("2,") && $0.contains(",free_field,") && $0.contains(",heard_birds,4100,") })
    #expect(csv.contains { $0.hasPrefix("3,") && $0.contains(",heard_none,,") })
    #expect(csv.contains { $0.hasPrefix("4,") && $0.contains(",not_measured,") })
    // Every stored value is one the code's enums know.
    let outcomes = Set(try store.dailyStats().flatMap { $0.outcomes.keys })
    #expect(outcomes.allSatisfy { SessionStore.Outcome(rawValue: $0) != nil }, "\(outcomes)")
  }

  @Test func theRoomDuringACheckIsStoredAndExportedBandByBand() throws {
    let store = try SessionStore(path: temporaryFolder() + "/s.sqlite")
    var loud = check(.refer)
    loud.room = SessionStore.Room(maxima: [40, 38, 36, 34, 52.3, 30, 28], pauses: 2)
    try store.record(loud)
    try store.record(check(.within))
    let lines = try store.exportCSV().split(separator: "\r\n").map {
      $0.split(separator: ",", omittingEmptySubsequences: false)
    }
    let columns = lines[0].map(String.init)
    let monitored = try #require(columns.firstIndex(of: "room_monitored"))
    let pauses = try #require(columns.firstIndex(of: "noise_pauses"))
    let twoKHz = try #require(columns.firstIndex(of: "ambient_max_2000_db"))
    let first = lines.filter { $0[0] == "1" }
    let second = lines.filter { $0[0] == "2" }
    #expect(
      first.count == 2 && first.allSatisfy { $0[monitored] == "yes" && $0[pauses] == "2" && $0[twoKHz] == "52.3" })
    #expect(second.count == 2 && second.allSatisfy { $0[monitored] == "no" && $0[pauses] == "" && $0[twoKHz] == "" })
  }

  @Test func anAgeComparisonIsAddedToItsCheckAndCountedInTheStats() throws {
    let store = try SessionStore(path: temporaryFolder() + "/s.sqlite")
    let day = Date(timeIntervalSince1970: 1_790_000_000)
    let first = try store.record(check(.refer, at: day))
    try store.record(check(.within, at: day.addingTimeInterval(60)))
    try store.amend(first, with: .init(ageBand: "60-69", sex: "female", right: "over_90", left: "75_to_90"))
    let stats = try store.dailyStats()
    #expect(stats.count == 1 && stats[0].ageBands == ["60-69": 1], "\(stats)")
    #expect(stats[0].summary.contains("ages given: 60-69 1"))
    let csv = try store.exportCSV()
    #expect(csv.contains(",60-69,female,over_90,75_to_90,"))
    #expect(
      csv.split(separator: "\r\n").filter { $0.hasPrefix("2,") }.allSatisfy {
        $0.contains(",,,,,right,") || $0.contains(",,,,,left,")
      })
  }
}
