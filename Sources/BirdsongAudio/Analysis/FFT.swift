import Foundation

/// An in-place radix-2 complex FFT of a fixed power-of-two size, twiddles computed once.
public struct FFT: Sendable {
  public let size: Int
  private let cosines: [Double]
  private let sines: [Double]
  private let bitReversed: [Int]

  public init(size: Int) {
    precondition(size >= 2 && size & (size - 1) == 0, "FFT size must be a power of two")
    self.size = size
    cosines = (0..<size / 2).map { cos(-2 * Double.pi * Double($0) / Double(size)) }
    sines = (0..<size / 2).map { sin(-2 * Double.pi * Double($0) / Double(size)) }
    let bits = size.trailingZeroBitCount
    bitReversed = (0..<size).map { index in
      var reversed = 0
      for bit in 0..<bits where index & (1 << bit) != 0 { reversed |= 1 << (bits - 1 - bit) }
      return reversed
    }
  }

  /// Transforms (real, imaginary) in place.
  public func transform(_ real: inout [Double], _ imaginary: inout [Double]) {
    precondition(real.count == size && imaginary.count == size)
    for i in 0..<size {
      let j = bitReversed[i]
      if j > i {
        real.swapAt(i, j)
        imaginary.swapAt(i, j)
      }
    }
    var half = 1
    while half < size {
      let step = size / (half * 2)
      var start = 0
      while start < size {
        for k in 0..<half {
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
        }
        start += half * 2
      }
      half *= 2
    }
  }

  /// |X[k]|^2 for k in 0...size/2 of a real, already windowed, signal.
  public func powerSpectrum(_ signal: [Double]) -> [Double] {
    var real = signal
    var imaginary = [Double](repeating: 0, count: size)
    transform(&real, &imaginary)
    return (0...size / 2).map { real[$0] * real[$0] + imaginary[$0] * imaginary[$0] }
  }
}

public enum Window {
  /// The 4-term Blackman-Harris window: sidelobes below -92 dB, so leakage from a loud band
  /// does not hide the quiet energy outside it.
  public static func blackmanHarris(_ size: Int) -> [Double] {
    let (a0, a1, a2, a3) = (0.35875, 0.48829, 0.14128, 0.01168)
    return (0..<size).map { n in
      let x = 2 * Double.pi * Double(n) / Double(size)
      return a0 - a1 * cos(x) + a2 * cos(2 * x) - a3 * cos(3 * x)
    }
  }
}
