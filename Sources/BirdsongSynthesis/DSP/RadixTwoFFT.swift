import Foundation

/// A radix-2 complex FFT on raw buffers, its tables made once: no arrays and no allocation
/// per transform, so the render path can use it (the hearing-loss filter), and the analysis
/// code wraps it (BirdsongAudio's `FFT`).
public struct RadixTwoFFT: Sendable {
  public let size: Int
  private let cosines: [Double]
  /// sin of the forward transform's angles, and of the inverse's.
  private let forwardSines: [Double]
  private let inverseSines: [Double]
  private let reversed: [Int]

  public init(size: Int) {
    precondition(size >= 2 && size & (size - 1) == 0, "FFT size must be a power of two")
    self.size = size
    cosines = (0..<size / 2).map { cos(2 * Double.pi * Double($0) / Double(size)) }
    inverseSines = (0..<size / 2).map { sin(2 * Double.pi * Double($0) / Double(size)) }
    forwardSines = inverseSines.map { -$0 }
    let bits = size.trailingZeroBitCount
    reversed = (0..<size).map { index in
      var value = 0
      for bit in 0..<bits where index & (1 << bit) != 0 { value |= 1 << (bits - 1 - bit) }
      return value
    }
  }

  /// In place; the inverse is unscaled (divide by `size`).
  public func transform(_ real: UnsafeMutablePointer<Double>, _ imaginary: UnsafeMutablePointer<Double>, inverse: Bool)
  {
    reversed.withUnsafeBufferPointer { reversed in
      for i in 0..<size {
        let j = reversed[i]
        if j > i {
          swap(&real[i], &real[j])
          swap(&imaginary[i], &imaginary[j])
        }
      }
    }
    // The first stage's twiddle is 1: sums and differences only.
    var pair = 0
    while pair < size {
      let (r, i) = (real[pair + 1], imaginary[pair + 1])
      real[pair + 1] = real[pair] - r
      imaginary[pair + 1] = imaginary[pair] - i
      real[pair] += r
      imaginary[pair] += i
      pair += 2
    }
    cosines.withUnsafeBufferPointer { cosines in
      (inverse ? inverseSines : forwardSines).withUnsafeBufferPointer { sines in
        var half = 2
        while half < size {
          let step = size / (half * 2)
          var start = 0
          while start < size {
            var k = 0
            while k < half {
              let wr = cosines[k * step]
              let wi = sines[k * step]
              let a = start + k
              let b = a + half
              let tr = real[b] * wr - imaginary[b] * wi
              let ti = real[b] * wi + imaginary[b] * wr
              real[b] = real[a] - tr
              imaginary[b] = imaginary[a] - ti
              real[a] += tr
              imaginary[a] += ti
              k += 1
            }
            start += half * 2
          }
          half *= 2
        }
      }
    }
  }
}
