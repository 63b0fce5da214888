import BirdsongCore
import BirdsongSynthesis

/// Turns float samples into the bytes of a sample format: one encoder, and one dither policy,
/// for WAV files and sound devices alike.
///
/// Every format clamps to [-1, 1] and turns NaN into silence; integer formats scale by a power
/// of two (1.0 is 2^15, 2^23 or 2^31) and clamp at the top step, as readers divide. 16-bit samples get TPDF dither
/// (two uniform values of +-0.5 LSB summed), which turns the quantisation error of quiet test
/// tones into steady noise instead of distortion; 24 and 32-bit samples are rounded to the
/// nearest step, whose error lies below any converter's own noise.
public struct SampleEncoder: Sendable {
  public let format: SampleFormat
  private var dither: SeededGenerator

  public init(format: SampleFormat, seed: UInt64 = 0x5eed) {
    self.format = format
    dither = SeededGenerator(seed: seed)
  }

  /// Bytes `encode` may touch for `count` samples: one more than they take, because 24-bit
  /// samples are stored four bytes at a time (the next sample overwrites the spare byte).
  public func bytesNeeded(for count: Int) -> Int { count * format.bytesPerSample + 1 }

  /// Writes `count` samples from `source` to `out` (`bytesNeeded(for: count)` bytes).
  public mutating func encode(_ source: UnsafePointer<Float>, count: Int, into out: UnsafeMutableRawPointer) {
    switch format {
    case .pcm16:
      var dither = dither  // a local copy: no access checks in the loop
      for i in 0..<count {
        let random = dither.next()
        let noise = Double(UInt32(truncatingIfNeeded: random)) + Double(UInt32(truncatingIfNeeded: random >> 32))
        let value = Self.quantise(source[i], scale: 32768, offset: noise * 0x1p-32 - 1)
        (out + i &* 2).storeBytes(of: Int16(truncatingIfNeeded: value).littleEndian, as: Int16.self)
      }
      self.dither = dither
    case .pcm24:
      for i in 0..<count {
        // A four-byte store whose top byte the next sample overwrites.
        (out + i &* 3).storeBytes(of: Self.quantise(source[i], scale: 8_388_608).littleEndian, as: Int32.self)
      }
    case .pcm32:
      for i in 0..<count {
        (out + i &* 4).storeBytes(of: Self.quantise(source[i], scale: 2_147_483_648).littleEndian, as: Int32.self)
      }
    case .float32:
      for i in 0..<count {
        (out + i &* 4).storeBytes(of: Self.clamp(source[i]).bitPattern.littleEndian, as: UInt32.self)
      }
    }
  }

  /// Scales to an integer of `scale` full scale (a power of two), rounded to nearest (ties to
  /// even) and clamped to [-scale, scale - 1]. Adding 1.5 * 2^52 rounds in the floating-point
  /// unit and leaves the integer in the low bits of the double: no branch and no conversion
  /// instruction, about twice as fast as converting.
  @inline(__always)
  static func quantise(_ x: Float, scale: Double, offset: Double = 0) -> Int32 {
    let y = min(max(Double(clamp(x)) * scale + offset, -scale), scale - 1)
    return Int32(truncatingIfNeeded: (y + 6_755_399_441_055_744.0).bitPattern)
  }

  /// Clamps to [-1, 1]; NaN becomes 0.
  @inline(__always)
  static func clamp(_ x: Float) -> Float {
    x > -1 ? (x < 1 ? x : 1) : (x <= -1 ? -1 : 0)
  }
}
