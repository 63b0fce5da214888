/// How much background noise a headphone check can hear through: for each audiometric octave
/// band (125 Hz to 8 kHz), the highest room level (dB SPL) that leaves the quietest tone the
/// check must hear unmasked.
///
/// From ANSI S3.1-1999's maximum permissible ambient noise levels (REFERENCE.md section 7):
/// the ears-not-covered column is what masks a 0 dB HL tone at the open ear; headphones take
/// off their attenuation of room noise, and a check that only needs to hear down to N dB HL
/// tolerates N dB more. With supra-aural or insert earphones at 0 dB HL this gives the
/// standard's own columns.
public struct AmbientLimits: Sendable, Equatable {
  public enum Headphones: String, Sendable, CaseIterable {
    case supraAural = "supra-aural"
    /// Without measured figures, taken to attenuate as supra-aural ones do (audiometric
    /// circumaural headphones attenuate more, so the limits err on the quiet side).
    case circumaural
    case insert
  }

  /// The octave bands' centre frequencies (Hz).
  public static let bands: [Double] = [125, 250, 500, 1000, 2000, 4000, 8000]
  /// ANSI S3.1-1999, testing to 0 dB HL, 125-8000 Hz, dB SPL per band.
  public static let earsNotCovered: [Double] = [35, 21, 16, 13, 14, 11, 14]
  public static let supraAuralCovered: [Double] = [39, 25, 21, 26, 34, 37, 37]
  public static let insertCovered: [Double] = [67, 53, 50, 47, 49, 50, 56]

  /// How much each type keeps out, per band (dB), as the standard's columns imply.
  public static func attenuation(of headphones: Headphones) -> [Double] {
    let covered = headphones == .insert ? insertCovered : supraAuralCovered
    return zip(covered, earsNotCovered).map { $0 - $1 }
  }

  /// The limit per band, dB SPL.
  public let levels: [Double]

  /// - Parameters:
  ///   - attenuation: measured figures for the headphones in use, per band; nil takes the type's.
  ///   - testDownTo: the quietest level (dB HL) the check must hear through the room.
  public init(headphones: Headphones, attenuation: [Double]? = nil, testDownTo: Double) {
    let kept = attenuation ?? Self.attenuation(of: headphones)
    precondition(kept.count == Self.bands.count, "one attenuation per octave band")
    levels = zip(Self.earsNotCovered, kept).map { $0 + $1 + testDownTo }
  }

  /// How far the loudest band is over (positive) or under (negative) its limit, in dB.
  public func excess(_ measured: [Double]) -> Double {
    zip(measured, levels).map { $0 - $1 }.max() ?? -.infinity
  }

  /// True when any band is over its limit.
  public func isTooLoud(_ measured: [Double]) -> Bool { excess(measured) > 0 }
}
