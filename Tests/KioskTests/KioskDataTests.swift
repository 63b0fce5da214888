import ConfigFiles
import HearingCheck
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
    #expect(config.installations == [folder + "/boxes.sock"])
    #expect(config.notes.contains { $0.contains("installation: \(folder)/boxes.sock") }, "\(config.notes)")
    let current = try KioskConfig.parse("installation: /run/birdsong.sock\n", file: "kiosk.yaml")
    #expect(current.installations == ["/run/birdsong.sock"] && current.notes.isEmpty)
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

/// The kiosk's loaders against damaged files, and the mistakes a kiosk config must not let by.
@Suite struct KioskConfigCheckTests {
  @Test func aKeyListThatIsEmptyIsRefused() throws {
    do {
      _ = try KioskConfig.parse("keys:\n  hear: []\n", file: "kiosk.yaml")
      Issue.record("hear: [] was accepted")
    } catch {
      #expect(error.field == "keys.hear" && error.line == 2 && error.message.contains("space"))
    }
  }

  @Test func aPINHashThatNoPINCanMatchIsRefused() throws {
    let good = try #require(StaffPIN.hash("2468"))
    #expect(try KioskConfig.parse("staff:\n  pin_hash: \"\(good)\"\n", file: "k.yaml").pinHash == good)
    for broken in [
      "$y$j9T$cut", String(good.dropLast(3)), good.replacingOccurrences(of: "$y$", with: "$q$"),
      String(good.dropLast()) + "!", "1234",
    ] {
      #expect(throws: ConfigError.self, "\(broken)") {
        try KioskConfig.parse("staff:\n  pin_hash: \"\(broken)\"\n", file: "k.yaml")
      }
    }
  }

  @Test func aRoomMicrophoneNeedsItsDeviceCalibrationAndAKnownHeadphoneType() throws {
    let cases: [(text: String, field: String, says: String)] = [
      ("room_microphone:\n  device: roommic\n", "room_microphone", "calibrate --microphone"),
      (
        "room_microphone:\n  device: m\n  calibration: m.yaml\n  headphones: open\n", "room_microphone.headphones",
        "supra-aural, circumaural, insert"
      ),
      (
        "room_microphone:\n  device: m\n  calibration: m.yaml\n  attenuation_db: [10, 20]\n",
        "room_microphone.attenuation_db", "125, 250, 500"
      ),
      (
        "room_microphone:\n  device: m\n  calibration: m.yaml\n  test_down_to: 60\n", "room_microphone.test_down_to",
        "40"
      ),
    ]
    for (text, field, says) in cases {
      do {
        _ = try KioskConfig.parse(text, file: "k.yaml")
        Issue.record("accepted: \(text)")
      } catch {
        #expect(error.field == field && error.message.contains(says), "\(error)")
      }
    }
    let folder = temporaryFolder()
    let config = try KioskConfig.parse(
      "locales: \(packageRoot())/Config/locales\nsignposting: \(packageRoot())/Config/signposting/england.yaml\n"
        + "room_microphone:\n  device: m\n  calibration: \(folder)/missing.yaml\n  headphones: insert\n",
      file: "k.yaml")
    #expect(config.roomMicrophone?.limits == AmbientLimits(headphones: .insert, testDownTo: 15))
    do {
      _ = try KioskResources.load(config)
      Issue.record("a missing microphone calibration was accepted")
    } catch {
      #expect(error.file == "k.yaml" && error.line == 5 && error.message.contains("calibrate --microphone"), "\(error)")
    }
  }

  @Test func aMissingFileIsReportedWhereTheKioskConfigNamesIt() throws {
    let folder = temporaryFolder()
    let text = "language: en\nlocales: Config/locales\nsignposting: \(folder)/nowhere.yaml\ncalibration: none\n"
    let config = try KioskConfig.parse(text, file: "venue-kiosk.yaml")
    do {
      _ = try KioskResources.load(config)
      Issue.record("a missing signposting file was accepted")
    } catch {
      #expect(error.file == "venue-kiosk.yaml" && error.line == 3 && error.field == "signposting", "\(error)")
      #expect(error.message.contains("nowhere.yaml") && error.message.contains("does not exist"))
    }
  }

  @Test func mutatedKioskFilesNeverCrashOrHang() throws {
    let root = packageRoot() + "/Config/"
    let kiosk = try String(contentsOfFile: root + "kiosk.yaml", encoding: .utf8)
    let signposting = try String(contentsOfFile: root + "signposting/england.yaml", encoding: .utf8)
    let calibration = try String(contentsOfFile: root + "calibration/example.yaml", encoding: .utf8)
    let french = try String(contentsOfFile: root + "locales/fr.yaml", encoding: .utf8)
    let english = try LocaleCatalog.loadAll(folder: root + "locales").first { $0.code == "en" }
    var mutator = ConfigMutator(seed: 3)
    var outcomes = (accepted: 0, refused: 0)
    for index in 0..<2000 {
      do {
        switch index % 4 {
        case 0: _ = try KioskConfig.parse(mutator.mutate(kiosk), file: "k\(index).yaml")
        case 1: _ = try Signposting.parse(mutator.mutate(signposting), file: "s\(index).yaml")
        case 2: _ = try CalibrationLoader.parse(mutator.mutate(calibration), file: "c\(index).yaml")
        default:
          _ = try LocaleCatalog.parse(mutator.mutate(french), code: "fr", file: "fr\(index).yaml", english: english)
        }
        outcomes.accepted += 1
      } catch {
        outcomes.refused += 1
        #expect(!error.message.isEmpty)
      }
    }
    #expect(outcomes.accepted > 0 && outcomes.refused > 0, "\(outcomes)")
  }
}
