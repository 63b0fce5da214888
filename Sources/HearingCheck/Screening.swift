/// The screening rule: refer when any threshold at 1, 2 or 4 kHz is above 25 dB HL in either
/// ear (ASHA adult screening), or when one of those could not be measured.
public enum Screening {
  public static let frequencies: [Double] = [1000, 2000, 4000]
  public static let cutoff = 25.0
  /// Estimates within this much below the cutoff refer too: a check's estimate is a few dB
  /// either side of the truth, and a screening should err towards a proper test. Chosen with
  /// `check simulate`: at 1 dB older listeners' specificity fell to 85-87 %, at 0 dB the
  /// sensitivity dipped under 95 % for some seeds.
  public static let estimateMargin = 0.5

  /// Whether true thresholds are beyond the cutoff.
  public static func refers(trueThresholds thresholds: (Ear, Double) -> Double?) -> Bool {
    refers(thresholds, above: cutoff)
  }

  /// Whether a check's estimates call for a referral.
  public static func refers(estimates: (Ear, Double) -> Double?) -> Bool {
    refers(estimates, above: cutoff - estimateMargin)
  }

  private static func refers(_ thresholds: (Ear, Double) -> Double?, above limit: Double) -> Bool {
    Ear.allCases.contains { ear in
      frequencies.contains { frequency in (thresholds(ear, frequency) ?? .infinity) > limit }
    }
  }
}
