import AudioRuntime
import BirdsongAudio
import BirdsongCore
import BirdsongSynthesis
import ConfigFiles
import Foundation
import Installation
import InstallationService
import TestSupport
import Testing

@Suite struct InstallationConfigTests {
  static let valid = """
    seed: 5
    sample_rate: 48000
    output:
      channels: 4
      cap_dbfs: -3
    boxes:
      - name: Low
        channel: 1
        species: wood-pigeon
      - name: High
        channel: 3
        species: goldcrest
        band: 9000-11000
        gain_db: -2
    """

  func error(_ yaml: String) -> ConfigError? {
    do {
      _ = try InstallationConfig.parse(yaml, file: "test.yaml")
      return nil
    } catch {
      return error
    }
  }

  @Test func theShippedConfigLoads() throws {
    let config = try InstallationConfig.load(path: packageRoot() + "/Config/installation.yaml")
    #expect(config.boxes.count == 8 && config.channels == 8)
    #expect(Set(config.boxes.map(\.channel)).count == 8)
  }

  @Test func readsBoxesWithChannelsCountedFromOne() throws {
    let config = try InstallationConfig.parse(Self.valid, file: "test.yaml")
    #expect(config.channels == 4 && config.seed == 5 && config.outputCapDBFS == -3)
    #expect(config.boxes.map(\.channel) == [0, 2])
    #expect(config.boxes[1].band == (try FrequencyBand(low: 9000, high: 11000)))
    #expect(config.boxes[0].band == config.boxes[0].species?.naturalBand)
  }

  @Test func namesTheLineAndKeyOfAnUnknownKey() throws {
    let found = try #require(error(Self.valid.replacingOccurrences(of: "gain_db: -2", with: "gain_bd: -2")))
    #expect(found.line == 14 && found.field == "boxes[2].gain_bd")
    #expect(found.description.contains("did you mean 'gain_db'"))
  }

  @Test func suggestsSpeciesForATypo() throws {
    let found = try #require(error(Self.valid.replacingOccurrences(of: "goldcrest", with: "goldcrst")))
    #expect(found.line == 12 && found.description.contains("did you mean 'goldcrest'"))
  }

  @Test func bandsInKilohertzOrTooNarrowAreRefusedWithTheFix() throws {
    let high = try #require(
      error(Self.valid.replacingOccurrences(of: "band: 9000-11000", with: "band: 9-11")))
    #expect(high.description.contains("did you mean 9k-11k"), "\(high.description)")
    let narrow = try #require(
      error(Self.valid.replacingOccurrences(of: "band: 9000-11000", with: "band: 9000-9001")))
    #expect(narrow.description.contains("too narrow"), "\(narrow.description)")
  }

  @Test func aFileThatIsNotUTF8IsSaidToBeSo() throws {
    let path = temporaryFolder() + "/latin1.yaml"
    try Data("output: {channels: 2}\n# caf\u{E9}\n".data(using: .isoLatin1)!).write(to: URL(fileURLWithPath: path))
    #expect {
      try InstallationConfig.load(path: path)
    } throws: { error in
      "\(error)".contains("is not UTF-8 text")
    }
  }

  @Test func refusesTwoBoxesOnOneChannel() throws {
    let found = try #require(error(Self.valid.replacingOccurrences(of: "channel: 3", with: "channel: 1")))
    #expect(found.line == 11 && found.message.contains("already used by box 'Low'"))
  }

  @Test func refusesAChannelBeyondTheOutput() throws {
    let found = try #require(error(Self.valid.replacingOccurrences(of: "channel: 3", with: "channel: 6")))
    #expect(found.message.contains("beyond the output's 4 channels"))
  }

  @Test func refusesABandBeyondNyquist() throws {
    let found = try #require(
      error(Self.valid.replacingOccurrences(of: "sample_rate: 48000", with: "sample_rate: 22050")))
    #expect(found.field == "boxes[2].band" && found.message.contains("does not fit"))
  }

  @Test func readsOpeningHoursIncludingOnesPastMidnight() throws {
    // 2026-11-30 is a Monday.
    let monday = try #require(LocalTime.day(year: 2026, month: 11, day: 30))
    func at(_ day: Int, _ hour: Int, _ minute: Int = 0) -> LocalTime { LocalTime(day: day, minute: hour * 60 + minute) }
    #expect(at(monday, 0).weekday == 1 && at(monday + 6, 0).weekday == 7)
    let day = try InstallationConfig.parse(
      Self.valid.replacingOccurrences(of: "boxes:", with: "schedule:\n  hours: 09:00-17:30\nboxes:"), file: "t.yaml")
    #expect(day.isOpen(at: at(monday, 9)) && day.isOpen(at: at(monday + 5, 17, 29)))
    #expect(!day.isOpen(at: at(monday, 17, 30)) && !day.isOpen(at: at(monday, 3)))
    let night = try InstallationConfig.parse(
      Self.valid.replacingOccurrences(of: "boxes:", with: "schedule:\n  hours: 22:00-06:00\nboxes:"), file: "t.yaml")
    #expect(night.isOpen(at: at(monday, 23)) && night.isOpen(at: at(monday, 1)) && !night.isOpen(at: at(monday, 12)))
    let found = try #require(
      error(Self.valid.replacingOccurrences(of: "boxes:", with: "schedule:\n  hours: 9am-5pm\nboxes:")))
    #expect(found.field == "schedule.hours" && found.message.contains("09:00-17:30"))
  }

  @Test func openingHoursFollowTheDayOfTheWeekAndClosedDates() throws {
    let schedule = """
      schedule:
        hours:
          mon: closed
          tue-fri: 09:00-17:30
          sat: 10:00-02:00
        closed: [2026-12-25]
      boxes:
      """
    let config = try InstallationConfig.parse(
      Self.valid.replacingOccurrences(of: "boxes:", with: schedule), file: "t.yaml")
    let monday = try #require(LocalTime.day(year: 2026, month: 11, day: 30))
    func at(_ day: Int, _ hour: Int) -> LocalTime { LocalTime(day: day, minute: hour * 60) }
    #expect(!config.isOpen(at: at(monday, 12)))  // closed on Mondays
    #expect(config.isOpen(at: at(monday + 1, 12)) && config.isOpen(at: at(monday + 4, 9)))  // Tuesday, Friday
    #expect(config.isOpen(at: at(monday + 5, 23)) && config.isOpen(at: at(monday + 6, 1)))  // Saturday night
    #expect(!config.isOpen(at: at(monday + 6, 12)))  // Sunday is not named: closed
    let christmas = try #require(LocalTime.day(parsing: "2026-12-25"))  // a Friday
    #expect(at(christmas, 0).weekday == 5 && !config.isOpen(at: at(christmas, 12)))
    #expect(config.isOpen(at: at(christmas - 1, 12)))
    for (bad, field) in [
      ("schedule:\n  hours:\n    mon-fri: 09:00-17:00\n    fri: 10:00-12:00\nboxes:", "schedule.hours.fri"),
      ("schedule:\n  hours:\n    weekdays: 09:00-17:00\nboxes:", "schedule.hours.weekdays"),
      ("schedule:\n  hours: 09:00-17:00\n  closed: [25/12/2026]\nboxes:", "schedule.closed[1]"),
    ] {
      let found = try #require(error(Self.valid.replacingOccurrences(of: "boxes:", with: bad)))
      #expect(found.field == field, "\(found)")
    }
  }

  @Test func aBoxCanPlayATestStimulusInsteadOfABird() throws {
    let yaml = Self.valid.replacingOccurrences(
      of: "species: wood-pigeon", with: "stimulus: warble 1000\n    level_dbfs: -30\n    every: 5")
    let config = try InstallationConfig.parse(yaml, file: "t.yaml")
    #expect(config.boxes[0].species == nil && config.boxes[0].sound.label == "warble 1000 Hz at -30 dBFS")
    #expect(config.boxes[0].band == Stimulus.band(.warble, 1000))
    let found = try #require(
      error(Self.valid.replacingOccurrences(of: "species: wood-pigeon", with: "stimulus: whistle 1000")))
    #expect(found.line == 9 && found.message.contains("'warble 4000'"))
    let both = try #require(
      error(
        Self.valid.replacingOccurrences(of: "species: wood-pigeon", with: "species: robin\n    stimulus: tone 1000")))
    #expect(both.message.contains("both 'species' and 'stimulus'"))
  }

  @Test func reportsBrokenYAMLWithALine() throws {
    let found = try #require(error("boxes:\n  - name: [unclosed\n    channel: 1\n"))
    #expect(found.line != nil && found.message.contains("not valid YAML"))
  }

  @Test func reportsAMissingFileAndHowToFixIt() {
    #expect {
      try InstallationConfig.load(path: "/nonexistent/installation.yaml")
    } throws: { error in
      "\(error)".contains("does not exist") && "\(error)".contains("--config")
    }
  }
}

@Suite struct InstallationEngineTests {
  func render(_ yaml: String, seconds: Double, seed: UInt64? = nil) throws -> MemorySink {
    let config = try InstallationConfig.parse(yaml, file: "test.yaml")
    let engine = try InstallationEngine(config: config, seed: seed)
    let sink = MemorySink(channels: config.channels)
    try AudioRuntime.render(engine.mixer, frames: Int(seconds * 48000), to: [sink])
    return sink
  }

  @Test func sameConfigAndSeedGiveTheSameSamples() throws {
    let a = try render(InstallationConfigTests.valid, seconds: 20)
    let b = try render(InstallationConfigTests.valid, seconds: 20)
    let c = try render(InstallationConfigTests.valid, seconds: 20, seed: 6)
    #expect(a.samples.elementsEqual(b.samples), "the same seed gave other samples")
    #expect(!a.samples.elementsEqual(c.samples), "another seed gave the same samples")
  }

  @Test func eachBoxSingsOnItsOwnChannelOnly() throws {
    let sink = try render(InstallationConfigTests.valid, seconds: 30)
    let energy = (0..<4).map { sink.channel($0).reduce(0) { $0 + Double($1 * $1) } }
    #expect(energy[0] > 0 && energy[2] > 0)
    #expect(energy[1] == 0 && energy[3] == 0)
  }

  @Test func aStimulusBoxPlaysItsToneAgainAndAgain() throws {
    let yaml = InstallationConfigTests.valid.replacingOccurrences(
      of: "species: wood-pigeon", with: "stimulus: tone 1000\n    level_dbfs: -20\n    every: 4")
    let sink = try render(yaml, seconds: 12)
    let channel = sink.channel(0)
    // 2 s tones starting at 0.5, 4.5 and 8.5 s.
    func peak(_ from: Double, _ to: Double) -> Float { channel[Int(from * 48000)..<Int(to * 48000)].map(abs).max()! }
    #expect(abs(peak(1, 2) - 0.1) < 0.002)
    #expect(peak(2.6, 4.4) == 0)
    #expect(abs(peak(5, 6) - 0.1) < 0.002 && abs(peak(9, 10) - 0.1) < 0.002)
  }

  @Test func changingOneBoxLeavesTheOthersAlone() throws {
    let a = try render(InstallationConfigTests.valid, seconds: 20)
    let edited = InstallationConfigTests.valid.replacingOccurrences(of: "band: 9000-11000", with: "band: natural")
    let b = try render(edited, seconds: 20)
    #expect(a.channel(0).elementsEqual(b.channel(0)), "editing box 2 changed box 1")
    #expect(!a.channel(2).elementsEqual(b.channel(2)))
  }
}

@Suite struct BoxControlTests {
  static let twoBoxes = """
    output: {device: "null", channels: 2}
    boxes:
      - {name: Low, channel: 1, species: wood-pigeon}
      - {name: High, channel: 2, species: goldcrest}
    """

  /// Plays the engine block by block, applying what the control asks, as the service does.
  final class Player {
    let program: InstallationProgram
    var gains: [Float]
    init(_ config: InstallationConfig) throws {
      program = InstallationProgram(engine: try InstallationEngine(config: config, seed: 1))
      gains = program.mixer.inputs.map(\.gain)
    }
    func follow(_ control: BoxControl, now: Double) {
      let commands = control.commands(now: now, audioFrame: program.mixer.time) {
        self.program.boxes[$0].singing.load(ordering: .relaxed)
      }
      for var command in commands {
        if case .gain(let box, let gain) = command { gains[box] = gain }
        program.apply(&command)
      }
    }
    func play() {
      _ = program.mixer.nextBlock()
      program.didRender()
    }
  }

  @Test func aBoxAskedToSingIsHeardThroughAQuietSpellUntilItsSongEnds() throws {
    let config = try InstallationConfig.parse(Self.twoBoxes, file: "c.yaml")
    let player = try Player(config)
    let control = BoxControl(config: config)
    #expect(control.handle("quiet 600", now: 0, status: { "" }).hasPrefix("ok"))
    #expect(control.handle("sing Low", now: 0, status: { "" }).hasPrefix("ok"))
    player.follow(control, now: 0)
    #expect(player.gains[0] > 0, "the box asked to sing is silent")
    #expect(player.gains[1] == 0, "the quiet spell did not keep the other box quiet")
    // Once its song is over, the quiet spell holds it again.
    var seconds = 0.0
    while seconds < 30, player.gains[0] > 0 {
      player.play()
      seconds += Double(Mixer.blockSize) / 48000
      player.follow(control, now: seconds)
    }
    #expect(player.gains[0] == 0, "the box kept singing through the quiet spell")
    #expect(seconds > 1, "the song was cut short after \(seconds) s")
    #expect(player.program.boxes[0].songs.load(ordering: .relaxed) >= 1)
  }

  @Test func quietAndPausedBoxesStaySoAfterAReload() throws {
    let config = try InstallationConfig.parse(Self.twoBoxes, file: "c.yaml")
    let control = BoxControl(config: config)
    #expect(control.handle("pause High", now: 0, status: { "" }).hasPrefix("ok"))
    #expect(control.handle("quiet 60", now: 0, status: { "" }).hasPrefix("ok"))
    // The new config renames Low and keeps High.
    let edited = try InstallationConfig.parse(
      Self.twoBoxes.replacingOccurrences(of: "name: Low", with: "name: Hedge"), file: "c.yaml")
    let reloaded = BoxControl(config: edited, carryingOver: control)
    #expect(reloaded.state(ofBox: 0, now: 10) == "quiet")
    #expect(reloaded.state(ofBox: 1, now: 61) == "paused")
    #expect(reloaded.state(ofBox: 0, now: 61) == "on")
    let player = try Player(edited)
    player.follow(reloaded, now: 61)
    #expect(player.gains[0] > 0 && player.gains[1] == 0)
  }
}
