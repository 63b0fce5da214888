import Foundation

/// Onset and offset ramps. A sound that starts abruptly splatters energy across the spectrum,
/// so every stimulus and every syllable starts and ends on one of these.
public enum Ramp {
  /// The raised-cosine (Hann) ramp gain at `position` in [0, 1]: 0 at the start, 1 at the end.
  @inline(__always)
  public static func raisedCosine(_ position: Double) -> Double {
    if position <= 0 { return 0 }
    if position >= 1 { return 1 }
    return 0.5 - 0.5 * cos(Double.pi * position)
  }
}
