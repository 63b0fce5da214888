import BirdsongSynthesis
import Foundation

/// An averaged power spectrum by Welch's method (Blackman-Harris window, 50 % overlap).
public struct PowerSpectrum: Sendable {
  public let sampleRate: Double
  public let size: Int
  /// Mean power per bin, bins 0...size/2.
  public let bins: [Double]

  public init(_ samples: [Float], sampleRate: Double, size: Int = 8192) {
    precondition(samples.count >= size, "need at least \(size) samples")
    self.sampleRate = sampleRate
    self.size = size
    let fft = FFT(size: size)
    let window = Window.blackmanHarris(size)
    var sum = [Double](repeating: 0, count: size / 2 + 1)
    var segments = 0
    var start = 0
    while start + size <= samples.count {
      let power = fft.powerSpectrum((0..<size).map { Double(samples[start + $0]) * window[$0] })
      for k in sum.indices { sum[k] += power[k] }
      segments += 1
      start += size / 2
    }
    bins = sum.map { $0 / Double(segments) }
  }

  public func frequency(ofBin bin: Int) -> Double { Double(bin) * sampleRate / Double(size) }

  /// Energy outside [band.low - guard, band.high + guard] relative to the total, in dB
  /// (-infinity for none at all).
  public func leakage(outside band: FrequencyBand, guard width: Double = FrequencyBand.guardWidth) -> Double {
    var inside = 0.0
    var outside = 0.0
    for (bin, power) in bins.enumerated() {
      let f = frequency(ofBin: bin)
      if f < band.low - width || f > band.high + width { outside += power } else { inside += power }
    }
    return 10 * log10(outside / (inside + outside))
  }

  /// The frequency of the strongest bin.
  public var peakFrequency: Double {
    frequency(ofBin: bins.indices.max { bins[$0] < bins[$1] } ?? 0)
  }
}
