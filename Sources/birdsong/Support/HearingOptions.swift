import ArgumentParser
import HearingCheck

/// --heard-at-age (with --sex) and --heard-with, for `render` and `run --preview`.
struct HearingOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "As the median person of this age hears it (ISO 7029:2017, 18 to 80).", valueName: "years"))
  var heardAtAge: Double?

  @Option(help: "With --heard-at-age or --awareness: female or male (default: the mean of the two).")
  var sex: String?

  @Option(help: ArgumentHelp("As someone with this audiogram hears it.", valueName: "Hz:dBHL,..."))
  var heardWith: String?

  var isGiven: Bool { heardAtAge != nil || heardWith != nil }

  /// The hearing asked for, nil for none.
  func profile() throws -> HearingProfile? {
    if heardAtAge != nil, heardWith != nil { throw fail("choose one of --heard-at-age and --heard-with") }
    if let heardAtAge { return try median(age: heardAtAge, option: "--heard-at-age") }
    if sex != nil { throw fail("--sex goes with --heard-at-age") }
    guard let heardWith else { return nil }
    do {
      return try HearingProfile.parse(heardWith)
    } catch {
      throw fail("--heard-with: \(error)")
    }
  }

  /// The median hearing at `age` for --sex (or the mean of the two).
  func median(age: Double, option: String = "--heard-at-age") throws -> HearingProfile {
    var female: Bool?
    if let sex {
      guard ["female", "male"].contains(sex.lowercased()) else {
        throw fail("--sex is female or male, not '\(sex)' (leave it out for the mean of the two)")
      }
      female = sex.lowercased() == "female"
    }
    if age > 70 { note("birdsong: note: above 70, ISO 7029:2017 gives the 3-8 kHz medians for information only") }
    do {
      return try HearingProfile.age(age, female: female)
    } catch {
      throw fail("\(option): \(error)")
    }
  }
}
