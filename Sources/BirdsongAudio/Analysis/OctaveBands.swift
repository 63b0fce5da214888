import Foundation

/// Octave-band levels of a stretch of sound, for the room microphone: the power of an FFT's
/// bins summed between each band's edges (fc/√2 to fc·√2), as REFERENCE.md section 7 allows
/// in place of a bank of octave filters. A bin belongs to the band its centre falls in.
public struct OctaveBandMeter: Sendable {
  /// The centre frequencies of the audiometric octave bands (Hz).
  public static let centres: [Double] = [125, 250, 500, 1000, 2000, 4000, 8000]

  public let sampleRate: Double
  public let size: Int
  private let fft: FFT
  private let window: [Double]
  /// Turns a band's summed bin power into mean square (Parseval, one-sided, window power).
  private let scale: Double
  private let bandBins: [Range<Int>]

  public init(sampleRate: Double, size: Int = 8192) {
    self.sampleRate = sampleRate
    self.size = size
    fft = FFT(size: size)
    window = (0..<size).map { 0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(size)) }
    scale = 2 / (Double(size) * window.reduce(0) { $0 + $1 * $1 })
    let binWidth = sampleRate / Double(size)
    bandBins = Self.centres.map { centre in
      let low = Int((centre / 2.squareRoot() / binWidth).rounded(.up))
      let high = min(Int((centre * 2.squareRoot() / binWidth).rounded(.up)), size / 2)
      return max(low, 1)..<max(high, max(low, 1))
    }
  }

  /// Each band's level in dB relative to a full-scale square wave's mean square (a full-scale
  /// sine in its band reads -3 dB), of the last `size` samples of `samples`; -infinity for
  /// digital silence.
  public func levels(_ samples: [Float]) -> [Double] {
    precondition(samples.count >= size, "need at least \(size) samples")
    return bandPowers(samples, from: samples.count - size).map { 10 * log10($0) }
  }

  /// Each band's equivalent continuous level (the power averaged over half-overlapping
  /// windows) over all of `samples`, in the same dB as `levels`.
  public func averageLevels(_ samples: [Float]) -> [Double] {
    precondition(samples.count >= size, "need at least \(size) samples")
    var sum = [Double](repeating: 0, count: Self.centres.count)
    var windows = 0
    for start in stride(from: 0, through: samples.count - size, by: size / 2) {
      for (band, power) in bandPowers(samples, from: start).enumerated() { sum[band] += power }
      windows += 1
    }
    return sum.map { 10 * log10($0 / Double(windows)) }
  }

  /// The total of several band levels (dB), as one level.
  public static func total(_ levels: [Double]) -> Double {
    10 * log10(levels.reduce(0) { $0 + pow(10, $1 / 10) })
  }

  private func bandPowers(_ samples: [Float], from start: Int) -> [Double] {
    let power = fft.powerSpectrum((0..<size).map { Double(samples[start + $0]) * window[$0] })
    return bandBins.map { bins in bins.reduce(0) { $0 + power[$1] } * scale }
  }
}
