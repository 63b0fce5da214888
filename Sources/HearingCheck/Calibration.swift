import Foundation

/// How a headphone plays: for each frequency, the reference threshold (RETSPL: the sound
/// pressure at 0 dB HL for that headphone's standard) and the sound pressure a sound level
/// meter measured at the reference digital level. With it, levels are in dB HL.
///
/// level (dBFS) = reference level + RETSPL(f) + dB HL - measured SPL(f)   (as ResearchKit and
/// TabSINT compute it; REFERENCE.md section 3).
public struct CalibrationProfile: Sendable, Equatable {
  public struct Point: Sendable, Equatable {
    public var retspl: Double
    public var measuredSPL: Double

    public init(retspl: Double, measuredSPL: Double) {
      self.retspl = retspl
      self.measuredSPL = measuredSPL
    }
  }

  public var headphone: String
  public var standard: String
  /// The digital level the measurements were taken at (a pure tone, dBFS).
  public var referenceLevelDBFS: Double
  /// Nothing is ever played louder than this at the ear (dB SPL).
  public var maximumSPL: Double
  public var points: [Double: Point]

  public init(
    headphone: String, standard: String, referenceLevelDBFS: Double, maximumSPL: Double, points: [Double: Point]
  ) {
    self.headphone = headphone
    self.standard = standard
    self.referenceLevelDBFS = referenceLevelDBFS
    self.maximumSPL = maximumSPL
    self.points = points
  }

  /// The digital level that plays `hearingLevel` dB HL at `frequency`, or why it cannot.
  public func level(frequency: Double, hearingLevel: Double) -> Result<Double, LevelRefusal> {
    guard let point = points[frequency] else { return .failure(.notCalibrated(frequency)) }
    let spl = point.retspl + hearingLevel
    guard spl <= maximumSPL else { return .failure(.overMaximum(spl: spl, maximum: maximumSPL)) }
    let dbfs = referenceLevelDBFS + spl - point.measuredSPL
    guard dbfs <= 0 else { return .failure(.wouldClip(dbfs: dbfs)) }
    return .success(dbfs)
  }

  /// The loudest digital level any calibrated frequency may play (the profile's maximum SPL,
  /// and never over full scale): the headphones' output cap.
  public var maximumDBFS: Double {
    min(points.values.map { referenceLevelDBFS + maximumSPL - $0.measuredSPL }.max() ?? RelativeLevels.maximumDBFS, 0)
  }

  /// The loudest hearing level that can be played at `frequency` (dB HL), nil if uncalibrated.
  public func ceiling(frequency: Double) -> Double? {
    guard let point = points[frequency] else { return nil }
    let byMaximum = maximumSPL - point.retspl
    let byClipping = -referenceLevelDBFS + point.measuredSPL - point.retspl
    return min(byMaximum, byClipping)
  }
}

/// Why a level is not played. A level that is refused leaves its frequency "out of range".
public enum LevelRefusal: Error, Equatable, CustomStringConvertible {
  case notCalibrated(Double)
  case overMaximum(spl: Double, maximum: Double)
  case wouldClip(dbfs: Double)

  public var description: String {
    switch self {
    case .notCalibrated(let frequency):
      "the calibration profile has no \(Int(frequency)) Hz; measure it with 'birdsong calibrate'"
    case .overMaximum(let spl, let maximum):
      String(format: "%.0f dB SPL would be over the profile's maximum of %.0f dB SPL", spl, maximum)
    case .wouldClip(let dbfs):
      String(format: "it would need %+.1f dBFS, beyond full scale: the headphone is not loud enough for it", dbfs)
    }
  }
}

/// Levels without a calibration profile: relative, never claimed as dB HL, and capped well
/// below full scale so that an uncalibrated headphone cannot be made loud.
public enum RelativeLevels {
  /// The digital level of relative level 0.
  public static let zeroDBFS = -80.0
  /// The loudest a tone may be without a profile.
  public static let maximumDBFS = -25.0

  public static func level(relative: Double) -> Result<Double, LevelRefusal> {
    let dbfs = zeroDBFS + relative
    return dbfs <= maximumDBFS ? .success(dbfs) : .failure(.wouldClip(dbfs: dbfs))
  }

  public static var ceiling: Double { maximumDBFS - zeroDBFS }
}

/// Reference equivalent threshold sound pressure levels (dB SPL at 0 dB HL) for common
/// audiometric headphones, from the ISO 389 parts named (REFERENCE.md section 3). A
/// frequency a table lacks must be given by hand.
public enum ReferenceThresholds {
  public struct Table: Sendable {
    public var id: String
    public var standard: String
    public var values: [Double: Double]
  }

  public static let tables: [Table] = [
    Table(
      id: "tdh39", standard: "ISO 389-1 (TDH-39)",
      values: [125: 45, 250: 25.5, 500: 11.5, 1000: 7, 2000: 9, 4000: 9.5, 6000: 15.5, 8000: 13]),
    // Above 8 kHz (the extended high frequencies), ISO 389-5:2006 for the same headphone, as
    // openMHA's calibration tables give it.
    Table(
      id: "hda200", standard: "ISO 389-8 and ISO 389-5 (HDA200)",
      values: [
        125: 30.5, 250: 18, 500: 11, 1000: 5.5, 2000: 4.5, 3000: 2.5, 4000: 9.5, 6000: 17, 8000: 17.5, 9000: 18.5,
        10000: 22, 11200: 23, 12500: 28, 14000: 36, 16000: 56,
      ]),
    Table(
      id: "er3a", standard: "ISO 389-2 (ER-3A insert)",
      values: [125: 28, 250: 17.5, 500: 9.5, 1000: 5.5, 2000: 11.5, 4000: 15, 8000: 15.5]),
  ]

  public static func table(_ id: String) -> Table? {
    tables.first { $0.id == id.lowercased().replacingOccurrences(of: "-", with: "") }
  }
}
