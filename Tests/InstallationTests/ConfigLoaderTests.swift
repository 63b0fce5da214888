import BirdsongSynthesis
import ConfigFiles
import Foundation
import Installation
import TestSupport
import Testing

/// The loaders against hostile and damaged files: alias bombs, syntax errors, and thousands of
/// random mutations of the shipped files.
@Suite struct ConfigLoaderTests {
  /// Ten levels of nine aliases each: 9^9 nodes once expanded, used as a mapping key.
  static let aliasBomb: String = {
    var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for level in 1..<10 {
      lines.append(
        "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ") + "]")
    }
    return lines.joined(separator: "\n") + "\n? *a9\n: 1\n"
  }()

  @Test func anAliasBombIsRefusedAtOnceAtItsFirstAlias() throws {
    let started = Date()
    #expect(throws: ConfigError.self) { try InstallationConfig.parse(Self.aliasBomb, file: "bomb.yaml") }
    do {
      _ = try ConfigNode.parse(Self.aliasBomb, file: "bomb.yaml")
    } catch {
      #expect(error.line == 2 && error.message.contains("aliases"))
    }
    #expect(Date().timeIntervalSince(started) < 1)
  }

  @Test func starsInTextCommentsAndBlockScalarsAreNotAliases() throws {
    let text = """
      a: '*quoted'
      b: "also *quoted"
      c: 3 * 4 # a comment with *star
      d: |
        - *inside a block scalar
        * and here
      e: &anchor plain
      """
    let node = try ConfigNode.parse(text, file: "stars.yaml")
    #expect(try node.mapping(allowed: ["a", "b", "c", "d", "e"])["d"]?.string().contains("*inside") == true)
    #expect(throws: ConfigError.self) { try ConfigNode.parse("a: &x 1\nb: [1, *x]\n", file: "alias.yaml") }
  }

  @Test func anUnclosedQuoteOrBracketIsReportedWhereItOpens() throws {
    for (text, line) in [
      ("seed: 1\noutput:\n  device: \"default\n  channels: 8\nboxes: []\n", 3),
      ("seed: 1\nboxes: [\n  {name: a, channel: 1\n\nschedule:\n  density: 1\n", 3),
    ] {
      do {
        _ = try ConfigNode.parse(text, file: "broken.yaml")
        Issue.record("a broken file was accepted")
      } catch {
        #expect(error.line == line, "\(error)")
        #expect(error.message.contains("starts on this line"))
      }
    }
  }

  /// Runs `load` on `count` mutations of `text`: each must load or throw a ConfigError (the
  /// typed throws see to that; a crash ends the test run), each within a second, and the
  /// mutations must both break and spare the file, or they test nothing.
  static func fuzz(_ text: String, seed: UInt64, count: Int, _ load: (String, Int) throws(ConfigError) -> Void) {
    var mutator = ConfigMutator(seed: seed)
    var accepted = 0
    var refused = 0
    var slowest = 0.0
    for index in 0..<count {
      let mutated = mutator.mutate(text)
      let started = Date()
      do {
        try load(mutated, index)
        accepted += 1
      } catch {
        refused += 1
        #expect(!error.message.isEmpty)
      }
      slowest = max(slowest, Date().timeIntervalSince(started))
    }
    #expect(accepted > 0 && refused > 0, "accepted \(accepted), refused \(refused)")
    #expect(slowest < 1, "the slowest mutation took \(slowest) s")
  }

  @Test func thousandsOfMutatedInstallationConfigsNeverCrashOrHang() throws {
    let shipped = try String(contentsOfFile: packageRoot() + "/Config/installation.yaml", encoding: .utf8)
    Self.fuzz(shipped, seed: 1, count: 3000) { text, index throws(ConfigError) in
      _ = try InstallationConfig.parse(text, file: "mutated-\(index).yaml")
    }
  }

  @Test(arguments: ["blackbird", "grasshopper-warbler", "chaffinch"])
  func mutatedSpeciesFilesNeverCrashOrHang(id: String) throws {
    let shipped = try String(contentsOfFile: packageRoot() + "/Config/species/\(id).yaml", encoding: .utf8)
    let folder = temporaryFolder()
    Self.fuzz(shipped, seed: 2, count: 300) { text, _ throws(ConfigError) in
      try? text.write(toFile: folder + "/\(id).yaml", atomically: false, encoding: .utf8)
      _ = try SpeciesCatalogue.load(folder: folder)
    }
  }
}
