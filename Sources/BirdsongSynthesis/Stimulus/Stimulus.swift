import BirdsongCore
import Foundation

/// A test sound for the hearing check and for calibration: a pure tone, a warble tone or a
/// one-third-octave band of noise, at an exact level, with raised-cosine ramps at both ends.
///
/// Levels are in dBFS as AES17 defines them: 0 dBFS is a full-scale sine, so a tone at L dBFS
/// peaks at 10^(L/20) and a noise at L dBFS has the RMS of that tone.
public struct Stimulus: AudioGenerator, Sendable {
  public enum Kind: String, Sendable, CaseIterable {
    /// A sine at the frequency.
    case pureTone = "tone"
    /// A sine swept +-5 % around the frequency, 5 times a second (for loudspeakers: no standing waves).
    case warble
    /// Noise filling the one-third octave around the frequency.
    case noise
    /// A sound made beforehand (a bird as someone would hear it), played as it is.
    case recording
  }

  public static let warbleRate = 5.0
  public static let warbleDeviation = 0.05
  /// Sinusoids summed to make the noise: enough for a Gaussian-looking, unpitched band.
  static let noiseComponents = 64

  public let kind: Kind
  public let frequency: Double
  public let levelDBFS: Double
  public let length: Int
  public let rampFrames: Int
  public private(set) var time = 0

  private let amplitude: Float
  /// The samples of a recording (empty for the other kinds); shared, never copied.
  private let recording: [Float]
  /// Cycles per sample of the tone (the warble's centre).
  private let increment: Double
  private var phase = 0.0
  private var warblePhase = 0.0
  private let warbleIncrement: Double
  /// The noise's components, eight a vector: cycles per sample, phases, and the per-sample
  /// turn of each phasor. Stored inline (no heap), so copying or restarting a stimulus on the
  /// render thread allocates nothing.
  private var noiseIncrements = InlineArray<8, SIMD8<Double>>(repeating: .zero)
  private var noisePhases = InlineArray<8, SIMD8<Double>>(repeating: .zero)
  private var noiseTurnCos = InlineArray<8, SIMD8<Double>>(repeating: .zero)
  private var noiseTurnSin = InlineArray<8, SIMD8<Double>>(repeating: .zero)

  /// - Parameters:
  ///   - duration: seconds, ramps included.
  ///   - ramp: each ramp's length in seconds (IEC 60645-1 asks 20-50 ms for audiometric tones).
  public init(
    _ kind: Kind, frequency: Double, levelDBFS: Double, duration: Double, ramp: Double = 0.02,
    sampleRate: Double, seed: UInt64 = 1
  ) throws(SynthesisError) {
    guard frequency >= 20 else {
      throw .invalidStimulus("the stimulus frequency must be at least 20 Hz, got \(FrequencyBand.format(frequency)) Hz")
    }
    try Self.band(kind, frequency).check(sampleRate: sampleRate)
    let ceiling = kind == .noise ? -12.0 : 0.0
    guard levelDBFS <= ceiling, levelDBFS.isFinite else {
      throw .invalidStimulus(
        "a \(kind.rawValue) level must be at most \(Int(ceiling)) dBFS"
          + (kind == .noise ? " (noise peaks stand about 12 dB above its RMS)" : "")
          + ", got \(levelDBFS) dBFS")
    }
    guard ramp >= 0.005, duration >= 2 * ramp else {
      throw .invalidStimulus(
        "a stimulus needs ramps of at least 5 ms and must last at least two ramps (\(Int(2 * ramp * 1000)) ms)")
    }
    guard kind != .recording else {
      throw .invalidStimulus("a recording is made with init(recording:levelDBFS:sampleRate:)")
    }
    recording = []
    self.kind = kind
    self.frequency = frequency
    self.levelDBFS = levelDBFS
    length = Int((duration * sampleRate).rounded())
    rampFrames = Int((ramp * sampleRate).rounded())
    let peak = pow(10, levelDBFS / 20)
    warbleIncrement = Self.warbleRate / sampleRate
    if kind == .noise {
      var random = SeededGenerator(seed: seed, stream: "noise")
      let band = Self.band(kind, frequency)
      for group in 0..<8 {
        for lane in 0..<8 { noiseIncrements[group][lane] = random.uniform(band.low...band.high) / sampleRate }
      }
      for group in 0..<8 {
        for lane in 0..<8 {
          noisePhases[group][lane] = random.unit()
          let angle = 2 * Double.pi * noiseIncrements[group][lane]
          noiseTurnCos[group][lane] = cos(angle)
          noiseTurnSin[group][lane] = sin(angle)
        }
      }
      increment = frequency / sampleRate
      amplitude = Float(peak * (1 / Double(Self.noiseComponents)).squareRoot())
    } else {
      increment = frequency / sampleRate
      amplitude = Float(peak)
    }
  }

  /// A recording, its peak scaled to `levelDBFS` (a sine's peak at that level), with 20 ms
  /// ramps at both ends so that it neither starts nor ends with a click.
  public init(recording samples: [Float], levelDBFS: Double, sampleRate: Double) throws(SynthesisError) {
    guard levelDBFS <= 0, levelDBFS.isFinite else {
      throw .invalidStimulus("a recording's peak must be at most 0 dBFS, got \(levelDBFS) dBFS")
    }
    let peak = samples.reduce(Float(0)) { max($0, abs($1)) }
    guard peak > 0 else { throw .invalidStimulus("a recording of silence") }
    kind = .recording
    frequency = 0
    self.levelDBFS = levelDBFS
    recording = samples
    length = samples.count
    rampFrames = min(Int((0.02 * sampleRate).rounded()), samples.count / 2)
    amplitude = Float(pow(10, levelDBFS / 20)) / peak
    increment = 0
    warbleIncrement = 0
  }

  /// The band the stimulus fills.
  public static func band(_ kind: Kind, _ frequency: Double) -> FrequencyBand {
    let (low, high) =
      switch kind {
      case .recording: (20.0, 20000.0)
      case .pureTone: (frequency * 0.999, frequency * 1.001)
      case .warble: (frequency * (1 - warbleDeviation), frequency * (1 + warbleDeviation))
      case .noise: (frequency * pow(2, -1.0 / 6), frequency * pow(2, 1.0 / 6))
      }
    return FrequencyBand(checkedLow: low, high: high)
  }

  public var isFinished: Bool { time >= length }

  /// Marks the stimulus as played through.
  mutating func skipToEnd() { time = length }

  public mutating func skip(frames: Int) { time = min(time + frames, length) }

  @discardableResult
  public mutating func render(adding buffer: UnsafeMutablePointer<Float>, frames: Int) -> Bool {
    let count = min(frames, length - time)
    guard count > 0 else { return false }
    let inverseRamp = 0.25 / Double(max(rampFrames, 1))
    if kind == .recording {
      renderRecording(buffer, count: count, inverseRamp: inverseRamp)
      time += count
      return true
    }
    if kind == .noise {
      renderNoise(buffer, count: count, inverseRamp: inverseRamp)
      time += count
      return true
    }
    SineTable.values.withUnsafeBufferPointer { table in
      let table = table.baseAddress!
      var i = 0
      while i < count {
        let position = time + i
        if kind == .pureTone, position >= rampFrames, position + 8 <= length - rampFrames {
          // The steady part of a tone: no ramp to apply, so take the fast path.
          let steady = min(count - i, length - rampFrames - position) & ~7
          addSteadyTone(buffer + i, frames: steady, from: position)
          i += steady
          continue
        }
        let gain = amplitude * Self.ramp(position, length, rampFrames, inverseRamp, table)
        buffer[i] += gain * nextSample(table, at: position)
        i += 1
      }
    }
    time += count
    return true
  }

  /// The raised-cosine ramps' gain at `position`: rising over the first `rampFrames`,
  /// falling over the last, 1 between.
  @inline(__always)
  private static func ramp(
    _ position: Int, _ length: Int, _ rampFrames: Int, _ inverseRamp: Double, _ table: UnsafePointer<Float>
  ) -> Float {
    let edge = position < rampFrames ? position : length - position
    guard edge <= rampFrames else { return 1 }
    let s = SineTable.sine(Double(edge) * inverseRamp, table)
    return s * s
  }

  private func renderRecording(_ buffer: UnsafeMutablePointer<Float>, count: Int, inverseRamp: Double) {
    recording.withUnsafeBufferPointer { samples in
      SineTable.values.withUnsafeBufferPointer { table in
        for i in 0..<count {
          let position = time + i
          let gain = amplitude * Self.ramp(position, length, rampFrames, inverseRamp, table.baseAddress!)
          buffer[i] += gain * samples[position]
        }
      }
    }
  }

  /// Noise: the 64 components as eight vectors of eight phasors, each rotated one step a
  /// sample (a few multiplies, no lookups), restarted from the exact phases on every call so
  /// that nothing drifts; then the ramps.
  private mutating func renderNoise(_ buffer: UnsafeMutablePointer<Float>, count: Int, inverseRamp: Double) {
    var cosines = InlineArray<8, SIMD8<Double>>(repeating: .zero)
    var sines = InlineArray<8, SIMD8<Double>>(repeating: .zero)
    for g in 0..<8 {
      for lane in 0..<8 {
        cosines[g][lane] = cos(2 * Double.pi * noisePhases[g][lane])
        sines[g][lane] = sin(2 * Double.pi * noisePhases[g][lane])
      }
    }
    let (start, length, rampFrames, amplitude) = (time, length, rampFrames, amplitude)
    let (turnCos, turnSin) = (noiseTurnCos, noiseTurnSin)
    SineTable.values.withUnsafeBufferPointer { table in
      for i in 0..<count {
        var total = SIMD8<Double>.zero
        for g in 0..<8 {
          let (c, s) = (cosines[g], sines[g])
          total += s
          cosines[g] = c * turnCos[g] - s * turnSin[g]
          sines[g] = s * turnCos[g] + c * turnSin[g]
        }
        let position = start + i
        let gain = amplitude * Self.ramp(position, length, rampFrames, inverseRamp, table.baseAddress!)
        buffer[i] += gain * Float(total.sum())
      }
    }
    for g in 0..<8 {
      let moved = noisePhases[g] + Double(count) * noiseIncrements[g]
      noisePhases[g] = moved - moved.rounded(.down)
    }
  }

  /// A steady sine by rotating eight phasors at once (exact at every call's start, so there
  /// is no drift): several times faster than a table lookup per sample.
  private func addSteadyTone(_ out: UnsafeMutablePointer<Float>, frames: Int, from position: Int) {
    let increment = increment
    var cosines = SIMD8<Double>()
    var sines = SIMD8<Double>()
    for lane in 0..<8 {
      let phase = 2 * Double.pi * Self.fraction(Double(position + lane) * increment)
      cosines[lane] = cos(phase)
      sines[lane] = sin(phase)
    }
    let stepAngle = 2 * Double.pi * Self.fraction(8 * increment)
    let stepCos = SIMD8<Double>(repeating: cos(stepAngle))
    let stepSin = SIMD8<Double>(repeating: sin(stepAngle))
    let gain = SIMD8<Double>(repeating: Double(amplitude))
    var index = 0
    while index < frames {
      let tone = SIMD8<Float>(sines * gain)
      for lane in 0..<8 { out[index + lane] += tone[lane] }
      (cosines, sines) = (cosines * stepCos - sines * stepSin, sines * stepCos + cosines * stepSin)
      index += 8
    }
  }

  @inline(__always)
  private static func fraction(_ x: Double) -> Double { x - x.rounded(.down) }

  @inline(__always)
  private mutating func nextSample(_ table: UnsafePointer<Float>, at position: Int) -> Float {
    switch kind {
    case .pureTone:
      return Float(sin(2 * Double.pi * Self.fraction(Double(position) * increment)))
    case .warble:
      let sample = SineTable.sine(phase, table)
      let swing = Self.warbleDeviation * Double(SineTable.sine(warblePhase, table))
      phase = wrapPhase(phase + increment * (1 + swing))
      warblePhase = wrapPhase(warblePhase + warbleIncrement)
      return sample
    case .noise, .recording:
      preconditionFailure("noise and recordings render in their own functions")
    }
  }
}
