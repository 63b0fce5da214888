import Foundation

/// Sine by table lookup with linear interpolation: about -130 dB of error, far below any
/// level the band guarantee measures, at a fraction of the cost of `sin`.
enum SineTable {
  static let size = 4096
  static let values: [Float] = (0...size).map { Float(sin(2 * Double.pi * Double($0) / Double(size))) }

  /// sin(2 pi phase) for a phase in cycles, 0 <= phase < 1.
  @inline(__always)
  static func sine(_ phase: Double, _ table: UnsafePointer<Float>) -> Float {
    let position = phase * Double(size)
    let index = Int(position)
    let fraction = Float(position - Double(index))
    let a = table[index]
    return a + (table[index + 1] - a) * fraction
  }
}

/// Keeps a phase in cycles inside [0, 1).
@inline(__always)
func wrapPhase(_ phase: Double) -> Double {
  phase >= 1 ? phase - Double(Int(phase)) : phase
}
