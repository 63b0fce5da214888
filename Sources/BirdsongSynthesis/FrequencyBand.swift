import Foundation

/// A frequency band [low, high] in Hz in which a song or stimulus must stay.
public struct FrequencyBand: Sendable, Hashable, CustomStringConvertible {
  /// Room kept free on each side of a band: energy beyond it is held 60 dB down.
  public static let guardWidth = 500.0

  public let low: Double
  public let high: Double

  public init(low: Double, high: Double) throws(SynthesisError) {
    guard low.isFinite, high.isFinite, low > 0 else {
      throw .invalidBand("the band's edges must be positive numbers of Hz, got \(low)-\(high)")
    }
    guard low < high else {
      throw .invalidBand(
        "the band's low edge (\(Self.format(low)) Hz) must be below its high edge (\(Self.format(high)) Hz)")
    }
    self.low = low
    self.high = high
  }

  /// Parses "6000-9000" or "6k-9k" (Hz).
  public init(parsing text: String) throws(SynthesisError) {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 2, let low = Self.hertz(parts[0]), let high = Self.hertz(parts[1]) else {
      throw .invalidBand("'\(text)' is not a band: write LOW-HIGH in Hz, for example 6000-9000 or 6k-9k")
    }
    try self.init(low: low, high: high)
  }

  /// Parses a band someone types to place a song in (a box's band, `--band`): as
  /// `init(parsing:)`, and it catches kHz written as Hz and bands too narrow for a song.
  public init(placing text: String) throws(SynthesisError) {
    let checked = try FrequencyBand(parsing: text)
    let (low, high) = (checked.low, checked.high)
    if high < Self.lowestTyped {
      throw .invalidBand(
        "'\(text)' is below \(Int(Self.lowestTyped)) Hz; bands are in Hz: did you mean \(Self.format(low))k-\(Self.format(high))k?"
      )
    }
    guard low >= Self.lowestTyped else {
      throw .invalidBand("the band '\(text)' starts below \(Int(Self.lowestTyped)) Hz, where no bird box sings")
    }
    guard high >= low * Self.narrowestRatio else {
      throw .invalidBand(
        "the band '\(text)' is too narrow for a song: its high edge must be at least \(Int(((Self.narrowestRatio - 1) * 100).rounded())) % above its low edge (e.g. \(Self.format(low))-\(Self.format((low * 1.25).rounded())))"
      )
    }
    self = checked
  }

  /// The lowest edge a typed band may have (Hz), and how wide it must at least be (high/low).
  static let lowestTyped = 100.0
  static let narrowestRatio = 1.2

  public var center: Double { (low * high).squareRoot() }
  public var description: String { "\(Self.format(low))-\(Self.format(high)) Hz" }

  /// Refuses a band whose upper guard does not fit under the Nyquist frequency.
  public func check(sampleRate: Double) throws(SynthesisError) {
    let nyquist = sampleRate / 2
    guard high + Self.guardWidth <= nyquist else {
      throw .invalidBand(
        "the band \(description) does not fit at \(Self.format(sampleRate)) Hz: its top plus the "
          + "\(Int(Self.guardWidth)) Hz guard must stay below \(Self.format(nyquist)) Hz (half the sample "
          + "rate); lower the band to at most \(Self.format(nyquist - Self.guardWidth)) Hz or raise --sample-rate")
    }
  }

  public static func format(_ hertz: Double) -> String {
    hertz == hertz.rounded() ? String(Int(hertz)) : String(format: "%.1f", hertz)
  }

  private static func hertz(_ text: Substring) -> Double? {
    let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
    if trimmed.hasSuffix("khz") { return Double(trimmed.dropLast(3)).map { $0 * 1000 } }
    if trimmed.hasSuffix("k") { return Double(trimmed.dropLast()).map { $0 * 1000 } }
    if trimmed.hasSuffix("hz") { return Double(trimmed.dropLast(2)) }
    return Double(trimmed)
  }
}

/// Moves and scales frequencies from a song's natural band into a target band.
///
/// The map is affine on a logarithmic frequency axis: f -> low' * (f / low)^s with
/// s = log(high'/low') / log(high/low). Musical intervals shrink or stretch by s, a band of the
/// same width in octaves is a plain transposition, and harmonic partial k lands at k^s.
public struct BandPlacement: Sendable {
  public let source: FrequencyBand
  public let target: FrequencyBand
  /// How much intervals are scaled (1 = a plain transposition).
  public let scale: Double

  public init(from source: FrequencyBand, to target: FrequencyBand) {
    self.source = source
    self.target = target
    scale = log(target.high / target.low) / log(source.high / source.low)
  }

  public func map(_ frequency: Double) -> Double {
    target.low * pow(frequency / source.low, scale)
  }
}

public enum SynthesisError: Error, Equatable, CustomStringConvertible {
  case invalidBand(String)
  case invalidStimulus(String)

  public var description: String {
    switch self {
    case .invalidBand(let message), .invalidStimulus(let message): message
    }
  }
}

extension FrequencyBand {
  /// For bands computed from checked inputs, which are bands by construction.
  init(checkedLow low: Double, high: Double) {
    precondition(low > 0 && low < high, "\(low)-\(high) is not a band")
    self = try! FrequencyBand(low: low, high: high)
  }
}
