import HearingCheck

/// The hearing to render or preview as: --heard-at-age (with --sex) or --heard-with.
func hearingProfile(age: Double?, sex: String?, audiogram: String?) throws -> HearingProfile? {
  if age != nil, audiogram != nil { throw fail("choose one of --heard-at-age and --heard-with") }
  if sex != nil, age == nil { throw fail("--sex goes with --heard-at-age") }
  var female: Bool?
  if let sex {
    guard ["female", "male"].contains(sex.lowercased()) else {
      throw fail("--sex is female or male, not '\(sex)' (leave it out for the mean of the two)")
    }
    female = sex.lowercased() == "female"
  }
  do {
    if let age {
      if age > 70 {
        note("birdsong: note: above 70, ISO 7029:2017 gives the 3-8 kHz medians for information only")
      }
      return try HearingProfile.age(age, female: female)
    }
    if let audiogram { return try HearingProfile.parse(audiogram) }
  } catch {
    throw fail("\(age != nil ? "--heard-at-age" : "--heard-with"): \(error)")
  }
  return nil
}
