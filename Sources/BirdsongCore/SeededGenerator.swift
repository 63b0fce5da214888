/// A small, fast, seeded random number generator (SplitMix64).
///
/// Every random choice in the engine comes from one of these, so the same seed gives the same
/// samples on every machine and in every release. The standard library's `random(in:using:)`
/// helpers are avoided on purpose: their algorithms are not promised to stay the same.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
  private var state: UInt64

  public init(seed: UInt64) {
    state = seed
  }

  /// A generator for an independent stream, derived from a seed and a label (a box name, say),
  /// so that adding one stream never changes the numbers another one draws.
  public init(seed: UInt64, stream label: String) {
    state = seed ^ Self.fingerprint(label)
    _ = next()
  }

  /// FNV-1a of the text: stable across runs and releases, unlike `Hasher`.
  public static func fingerprint(_ text: String) -> UInt64 { fingerprint(bytes: text.utf8) }

  /// FNV-1a of any bytes (golden hashes of renders and files use it too).
  public static func fingerprint(bytes: some Sequence<UInt8>) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
      hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }
    return hash
  }

  public mutating func next() -> UInt64 {
    state &+= 0x9e37_79b9_7f4a_7c15
    var z = state
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
  }

  /// A uniform double in [0, 1).
  public mutating func unit() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  /// A uniform double in the closed range.
  public mutating func uniform(_ range: ClosedRange<Double>) -> Double {
    range.lowerBound + (range.upperBound - range.lowerBound) * unit()
  }

  /// A uniform integer in the closed range.
  public mutating func integer(_ range: ClosedRange<Int>) -> Int {
    let span = UInt64(range.upperBound - range.lowerBound) + 1
    return range.lowerBound + Int(next() % span)
  }

  /// A symmetric jitter in [-amount, amount].
  public mutating func jitter(_ amount: Double) -> Double {
    amount == 0 ? 0 : uniform(-amount...amount)
  }
}
