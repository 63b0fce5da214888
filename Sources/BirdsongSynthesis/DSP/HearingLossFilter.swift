import Foundation

/// Sound as a listener with a hearing loss hears it: each frequency made quieter by that
/// listener's threshold shift there (dB), a loss of audibility only.
///
/// A linear-phase FIR filter (2047 taps at 48 kHz, scaled with the rate) designed by
/// frequency sampling from the attenuation curve and shaped by a 4-term Blackman-Harris
/// window, so that its ripple and leakage stay below -90 dB: a tone where the loss is 60 dB
/// comes out 60 dB quieter, give or take a tenth. It is applied by overlap-save FFT
/// convolution in blocks, with every buffer made up front, so `process` never allocates. A
/// smooth curve and a long, symmetric filter add no clicks and hardly any ringing (the
/// filter's response is as smooth as the curve; its pre-echo sits 90 dB down).
public final class HearingLossFilter {
  public let sampleRate: Double
  /// The filter's length (odd) and so its delay, (taps - 1) / 2 samples.
  public let taps: Int
  /// New samples in each of the two blocks a transform filters.
  public let hop: Int
  private let size: Int
  private let fft: RadixTwoFFT
  /// The filter's spectrum (real and imaginary parts).
  private let responseReal: UnsafeMutablePointer<Double>
  private let responseImaginary: UnsafeMutablePointer<Double>
  private let real: UnsafeMutablePointer<Double>
  private let imaginary: UnsafeMutablePointer<Double>
  /// taps - 1 inputs of history, then the two blocks being gathered.
  private let history: UnsafeMutablePointer<Double>
  private var gathered = 0
  /// Filtered samples waiting to go out, a ring of `4 * hop`.
  private let ready: UnsafeMutablePointer<Float>
  private var readyStart = 0
  private var readyCount = 0

  /// - Parameter attenuation: dB of loss at a frequency (Hz), from 0 up to the Nyquist frequency.
  public init(sampleRate: Double, attenuation: (Double) -> Double) {
    self.sampleRate = sampleRate
    // About 43 ms of filter at any rate: its smoothing (the window's main lobe) stays near
    // ±90 Hz, fine enough for audiogram curves from 125 Hz up.
    var length = Int((sampleRate * 2047 / 48000).rounded()) | 1
    length = max(length, 255)
    taps = length
    var size = 1
    while size < 8 * length { size *= 2 }
    self.size = size
    hop = size - length + 1
    fft = RadixTwoFFT(size: size)
    responseReal = .allocate(capacity: size)
    responseImaginary = .allocate(capacity: size)
    real = .allocate(capacity: size)
    imaginary = .allocate(capacity: size)
    history = .allocate(capacity: size + hop)
    history.initialize(repeating: 0, count: size + hop)
    ready = .allocate(capacity: 4 * hop)
    ready.initialize(repeating: 0, count: 4 * hop)

    // Frequency sampling on a grid of `size` points: the wanted magnitude, zero phase; its
    // inverse transform, centred and windowed, is the filter.
    for bin in 0...size / 2 {
      let frequency = Double(bin) * sampleRate / Double(size)
      let gain = pow(10, -max(attenuation(frequency), 0) / 20)
      real[bin] = gain
      imaginary[bin] = 0
      if bin > 0, bin < size / 2 {
        real[size - bin] = gain
        imaginary[size - bin] = 0
      }
    }
    fft.transform(real, imaginary, inverse: true)
    let half = length / 2
    for index in 0..<size { responseReal[index] = 0 }
    for offset in -half...half {
      let x = 2 * Double.pi * Double(offset + half) / Double(length - 1)
      let window = 0.35875 - 0.48829 * cos(x) + 0.14128 * cos(2 * x) - 0.01168 * cos(3 * x)
      let source = (offset + size) % size
      responseReal[offset + half] = real[source] / Double(size) * window
    }
    for index in 0..<size { responseImaginary[index] = 0 }
    fft.transform(responseReal, responseImaginary, inverse: false)
  }

  deinit {
    for pointer in [responseReal, responseImaginary, real, imaginary, history] { pointer.deallocate() }
    ready.deallocate()
  }

  /// Filters `count` samples (one channel, `stride` apart) in place. Each output is the
  /// filtered input of `latency` samples before; the first `latency` outputs are silence.
  public func process(_ samples: UnsafeMutablePointer<Float>, count: Int, stride: Int = 1) {
    for index in 0..<count {
      let position = index * stride
      history[taps - 1 + gathered] = Double(samples[position])
      gathered += 1
      if gathered == 2 * hop { filterBlocks() }
      samples[position] = take()
    }
  }

  /// Samples between a sample going in and its filtered self coming out of `process`.
  public var latency: Int { 2 * hop - 1 + taps / 2 }

  /// A whole recording filtered at once, lined up with the input (the filter's delay taken
  /// out) and just as long: for offline clips and tests.
  public static func filtered(_ samples: [Float], sampleRate: Double, attenuation: (Double) -> Double) -> [Float] {
    let filter = HearingLossFilter(sampleRate: sampleRate, attenuation: attenuation)
    var padded = samples + [Float](repeating: 0, count: filter.latency)
    padded.withUnsafeMutableBufferPointer { filter.process($0.baseAddress!, count: $0.count) }
    return Array(padded[filter.latency...])
  }

  private func take() -> Float {
    // Until the first block is done, what goes out is the silence before the sound.
    guard readyCount > 0 else { return 0 }
    let value = ready[readyStart]
    readyStart = (readyStart + 1) % (4 * hop)
    readyCount -= 1
    return value
  }

  /// Two overlap-save blocks in one transform: of each block's `size` inputs, the last `hop`
  /// outputs are whole (the first taps - 1 wrap around and are dropped).
  private func filterBlocks() {
    for index in 0..<size {
      real[index] = history[index]
      imaginary[index] = history[hop + index]
    }
    fft.transform(real, imaginary, inverse: false)
    for index in 0..<size {
      let (a, b) = (real[index], imaginary[index])
      let (c, d) = (responseReal[index], responseImaginary[index])
      real[index] = a * c - b * d
      imaginary[index] = a * d + b * c
    }
    fft.transform(real, imaginary, inverse: true)
    let scale = 1 / Double(size)
    var slot = (readyStart + readyCount) % (4 * hop)
    func keep(_ part: UnsafeMutablePointer<Double>) {
      for index in (taps - 1)..<size {
        ready[slot] = Float(part[index] * scale)
        slot = slot + 1 == 4 * hop ? 0 : slot + 1
      }
    }
    keep(real)
    keep(imaginary)
    readyCount += 2 * hop
    // Keep the last taps - 1 inputs as the next blocks' history.
    history.update(from: history + 2 * hop, count: taps - 1)
    gathered = 0
  }
}
