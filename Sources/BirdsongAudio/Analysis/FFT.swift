import BirdsongSynthesis
import Foundation

/// An in-place radix-2 complex FFT of a fixed power-of-two size on arrays, for analysis:
/// Synthesis's `RadixTwoFFT` (one FFT in the project) behind an array interface.
public struct FFT: Sendable {
  public let size: Int
  private let core: RadixTwoFFT

  public init(size: Int) {
    self.size = size
    core = RadixTwoFFT(size: size)
  }

  /// Transforms (real, imaginary) in place (the forward transform, e^-i).
  public func transform(_ real: inout [Double], _ imaginary: inout [Double]) {
    precondition(real.count == size && imaginary.count == size)
    real.withUnsafeMutableBufferPointer { real in
      imaginary.withUnsafeMutableBufferPointer { imaginary in
        core.transform(real.baseAddress!, imaginary.baseAddress!, inverse: false)
      }
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
