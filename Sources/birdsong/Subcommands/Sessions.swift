import ArgumentParser
import ConfigFiles
import Foundation
import Kiosk
import SessionStore

extension Birdsong {
  struct Sessions: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Staff: the kiosk's records: daily statistics, CSV export, purging old records.",
      subcommands: [Stats.self, Export.self, Purge.self])

    struct Database: ParsableArguments {
      @Option(help: ArgumentHelp("The session database.", valueName: "file"))
      var database = "Data/sessions.sqlite"

      func open() throws -> SessionStore {
        guard FileManager.default.fileExists(atPath: database) || database.hasSuffix(".sqlite") else {
          throw fail("no session database at '\(database)'; pass --database")
        }
        // A mistyped folder is a mistake to say, not an empty database to make.
        let folder = URL(fileURLWithPath: database).deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: database) || FileManager.default.fileExists(atPath: folder) else {
          throw fail("no session database at '\(database)', and no folder '\(folder)': check --database")
        }
        return try openSessionStore(database, named: "--database")
      }
    }

    struct Stats: ParsableCommand {
      static let configuration = CommandConfiguration(abstract: "Checks per day, with outcomes and languages.")
      @OptionGroup var database: Database

      func run() throws {
        let days = try database.open().dailyStats()
        if days.isEmpty { print("no checks recorded yet") }
        for day in days { print(day.summary) }
      }
    }

    struct Export: ParsableCommand {
      static let configuration = CommandConfiguration(
        abstract: "The anonymous results as CSV on standard output; with --contacts, the contact requests.",
        discussion: """
          Contact requests hold names and phone numbers: they are exported only with --contacts and
          the staff PIN (asked for on the terminal, or read from standard input).
          """)
      @OptionGroup var database: Database
      @Flag(help: "CSV (the only format for now).") var csv = false
      @Flag(help: "Export the contact requests instead (asks for the staff PIN).") var contacts = false
      @Option(help: ArgumentHelp("The kiosk config holding the staff PIN hash.", valueName: "file"))
      var config = KioskConfig.defaultPath

      func run() throws {
        guard csv else { throw fail("say which format: --csv") }
        guard contacts else {
          print(try database.open().exportCSV(), terminator: "")
          return
        }
        let hash: String
        do {
          guard let configured = try KioskConfig.load(path: config).pinHash else {
            throw fail("\(config) has no staff PIN; set one with 'birdsong kiosk --hash-pin' first")
          }
          hash = configured
        } catch let error as ConfigError {
          throw fail("\(error)")
        }
        guard StaffPIN.matches(try readSecret("Staff PIN: "), hash: hash) else {
          throw fail("wrong staff PIN; nothing exported")
        }
        print(try database.open().exportContactsCSV(), terminator: "")
      }
    }

    struct Purge: ParsableCommand {
      static let configuration = CommandConfiguration(
        abstract: "Delete checks older than a duration, and contact requests past their retention.")
      @OptionGroup var database: Database
      @Option(help: "Age: 30d, 12h, 6w.") var olderThan: String

      func run() throws {
        guard let seconds = Self.age(olderThan) else {
          throw fail("--older-than '\(olderThan)' is not an age; write for example 30d, 6w or 12h")
        }
        let (checks, contacts) = try database.open().purge(before: Date().addingTimeInterval(-seconds))
        print("deleted \(checks) check(s) older than \(olderThan) and \(contacts) expired contact request(s)")
      }

      static func age(_ text: String) -> Double? {
        let units: [Character: Double] = ["h": 3600, "d": 86400, "w": 7 * 86400]
        guard let unit = text.last, let scale = units[unit], let value = Double(text.dropLast()), value >= 0 else {
          return nil
        }
        return value * scale
      }
    }
  }
}

/// Opens (or creates, with its folder) the session database, or says in one line why not.
func openSessionStore(_ path: String, named origin: String) throws -> SessionStore {
  let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
  try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
  do {
    return try SessionStore(path: path)
  } catch {
    throw fail("cannot open the session database '\(path)' (\(origin)): \(error)")
  }
}
