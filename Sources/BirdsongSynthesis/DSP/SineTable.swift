import Foundation

/// Sine by table lookup with linear interpolation: about -130 dB of error, far below any
/// level the band guarantee measures, at a fraction of the cost of `sin`.
enum SineTable {
  static let size = 4096
  static let values: [Float] = (0...size).map { Float(sin(2 * Double.pi * Double($0) / Double(size))) }

  /// sin(2 pi phase) for a phase in cycles, 0 <= phase < 2^40.
  ///
  /// Taking any phase, not just [0, 1), lets oscillators accumulate without wrapping on every
  /// sample: the wrap would sit in the loop's critical dependency chain.
  ///
  /// The whole part comes from the 1.5 * 2^52 trick (adding it leaves the rounded integer in
  /// the low mantissa bits) instead of `Int(_:)`, whose conversion and range check cost more
  /// than the rest of the lookup. Rounding `position - 0.5` gives the floor, give or take a
  /// tie, where the fraction is then 0 or 1 and the interpolation is still exact.
  @inline(__always)
  static func sine(_ phase: Double, _ table: UnsafePointer<Float>) -> Float {
    let magic = 6_755_399_441_055_744.0
    let position = phase * Double(size)
    let rounded = (position - 0.5) + magic
    let index = Int(truncatingIfNeeded: rounded.bitPattern) & (size - 1)
    let fraction = Float(position - (rounded - magic))
    let a = table[index]
    return a + (table[index + 1] - a) * fraction
  }
}

/// Brings a phase in cycles back into [0, 1), keeping its fraction.
@inline(__always)
func wrapPhase(_ phase: Double) -> Double {
  phase - Double(Int(phase))
}
