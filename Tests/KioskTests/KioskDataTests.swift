import ConfigFiles
import Kiosk
import TestSupport
import Testing

@Suite struct LocaleCatalogTests {
  @Test func theShippedLanguagesLoadAndFrenchMissesNothing() throws {
    let catalogues = try LocaleCatalog.loadAll(folder: packageRoot() + "/Config/locales")
    #expect(catalogues.map(\.code) == ["en", "fr"])
    #expect(catalogues[1].missingKeys(comparedTo: catalogues[0]).isEmpty)
    #expect(catalogues[1].name == "Français")
  }

  @Test func aMissingKeyFallsBackToEnglishAndIsListed() throws {
    let english = try LocaleCatalog.parse(
      "language: English\nthanks: Thank you\nidle: \"Back in {seconds} s\"\n", code: "en", file: "en.yaml", english: nil
    )
    let welsh = try LocaleCatalog.parse(
      "language: Cymraeg\nthanks: Diolch\n", code: "cy", file: "cy.yaml", english: english)
    #expect(welsh.missingKeys(comparedTo: english) == ["idle"])
    #expect(welsh.text("thanks", english: english) == "Diolch")
    #expect(welsh.text("idle", ["seconds": "9"], english: english) == "Back in 9 s")
  }

  @Test func refusesUnknownKeysAndDroppedPlaceholders() throws {
    let english = try LocaleCatalog.parse(
      "language: English\nidle: \"Back in {seconds} s\"\n", code: "en", file: "en.yaml", english: nil)
    #expect(throws: ConfigError.self) {
      try LocaleCatalog.parse("language: X\nidel: y\n", code: "x", file: "x.yaml", english: english)
    }
    do {
      _ = try LocaleCatalog.parse(
        "language: X\nidle: \"Retour bientôt\"\n", code: "x", file: "x.yaml", english: english)
      Issue.record("a dropped placeholder was accepted")
    } catch {
      #expect(error.line == 2 && error.message.contains("placeholders differ"))
    }
  }
}

@Suite struct SignpostingTests {
  @Test func theEnglandFileHasUrgentRoutesAndFlagsItsPlaceholders() throws {
    let signposting = try Signposting.load(path: packageRoot() + "/Config/signposting/england.yaml")
    #expect(signposting.urgent.contains { $0.name == "NHS 111" && $0.phone == "111" })
    #expect(!signposting.placeholders.isEmpty)
    #expect(signposting.local.allSatisfy { $0.isPlaceholder })
    #expect(signposting.retentionDays == 30)
  }

  @Test func refusesAFileWithoutUrgentRoutes() {
    #expect(throws: ConfigError.self) { try Signposting.parse("region: X\nroutes: []\n", file: "s.yaml") }
  }
}

@Suite struct CalibrationLoaderTests {
  @Test func theExampleProfileLoads() throws {
    let profile = try CalibrationLoader.load(path: packageRoot() + "/Config/calibration/example.yaml")
    #expect(profile.points.count == 6 && profile.referenceLevelDBFS == -20 && profile.maximumSPL == 90)
    #expect(profile.headphone.hasPrefix("EXAMPLE"))
  }

  @Test func namesTheFieldOfAMistake() {
    #expect {
      try CalibrationLoader.parse(
        "headphone: x\nreference_level_dbfs: -20\nfrequencies:\n  1000: {retspl: 5.5}\n", file: "c.yaml")
    } throws: { error in
      "\(error)".contains("c.yaml:4") && "\(error)".contains("measured_db_spl")
    }
  }
}

@Suite struct KioskConfigTests {
  @Test func anOldConfigNamingTheInstallationFileStillFindsItsSocket() throws {
    let folder = temporaryFolder()
    try "control_socket: \(folder)/boxes.sock\nboxes: []\n".write(
      toFile: folder + "/installation.yaml", atomically: true, encoding: .utf8)
    let config = try KioskConfig.parse("installation: \(folder)/installation.yaml\n", file: "kiosk.yaml")
    #expect(config.installationSocket == folder + "/boxes.sock")
    #expect(config.notes.contains { $0.contains("installation: \(folder)/boxes.sock") }, "\(config.notes)")
    let current = try KioskConfig.parse("installation: /run/birdsong.sock\n", file: "kiosk.yaml")
    #expect(current.installationSocket == "/run/birdsong.sock" && current.notes.isEmpty)
  }
}

@Suite struct KeyWordsTests {
  /// The keys a kiosk has come from its key map ({ok}, {back}, {next}, {hear}); a text that
  /// names a key itself would disagree with the key bar on a kiosk mapped otherwise.
  @Test func noTextNamesAKeyItself() throws {
    for catalogue in try LocaleCatalog.loadAll(folder: packageRoot() + "/Config/locales") {
      for (key, text) in catalogue.texts where !key.hasPrefix("hint.") && !key.hasPrefix("contact.") {
        for word in [" OK", "←", "→", "↑", "↓", "big button", "gros bouton", "Space", "Espace"] {
          #expect(!text.contains(word), "\(catalogue.code).yaml \(key) names a key itself: '\(word)'")
        }
      }
    }
  }
}
