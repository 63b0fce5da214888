/// Kinds of hearing a venue meets, beyond the smooth age-related slope: for `check simulate`
/// to show how the procedure does on each (dB HL at 500 Hz to 8 kHz).
public enum AudiogramShape: String, CaseIterable, Sendable {
  case flat10 = "flat 10"
  case flat30 = "flat 30"
  case flat50 = "flat 50"
  case flat70 = "flat 70"
  case gentleSlope = "gentle slope"
  case steepSlope = "steep slope"
  case notch4k = "notch at 4 kHz"
  case notch6k = "notch at 6 kHz"
  case notchOneEar = "notch, left ear only"
  case reverseSlope = "reverse slope"
  case cookieBite = "cookie bite"
  case unilateral = "one ear (left 60)"
  case asymmetric = "asymmetric"
  case profound = "profound"

  static let frequencies: [Double] = [500, 1000, 2000, 4000, 6000, 8000]

  /// Thresholds per ear (dB HL).
  public var thresholds: [Ear: [Double: Double]] {
    func levels(_ values: [Double]) -> [Double: Double] {
      Dictionary(uniqueKeysWithValues: zip(Self.frequencies, values))
    }
    let right: [Double]
    var left: [Double]? = nil
    switch self {
    case .flat10: right = [10, 10, 10, 10, 10, 10]
    case .flat30: right = [30, 30, 30, 30, 30, 30]
    case .flat50: right = [50, 50, 50, 50, 50, 50]
    case .flat70: right = [70, 70, 70, 70, 70, 70]
    case .gentleSlope: right = [10, 15, 20, 30, 40, 50]
    case .steepSlope: right = [10, 10, 20, 50, 70, 80]
    // Noise-induced: a dip at 4 (or 6) kHz with better hearing on both sides.
    case .notch4k: right = [15, 15, 15, 60, 45, 30]
    case .notch6k: right = [10, 10, 15, 25, 55, 30]
    // A shooter's notch, worse on the side away from the shoulder.
    case .notchOneEar:
      right = [10, 10, 15, 20, 25, 25]
      left = [10, 10, 15, 55, 40, 30]
    case .reverseSlope: right = [60, 50, 40, 25, 20, 20]
    case .cookieBite: right = [15, 35, 50, 35, 20, 15]
    case .unilateral:
      right = [10, 10, 10, 15, 15, 20]
      left = [60, 60, 60, 60, 65, 65]
    case .asymmetric:
      right = [10, 15, 20, 30, 40, 50]
      left = [30, 35, 45, 60, 70, 75]
    case .profound: right = [90, 95, 100, 105, 110, 110]
    }
    return [.right: levels(right), .left: levels(left ?? right)]
  }
}
