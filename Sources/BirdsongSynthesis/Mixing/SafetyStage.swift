import Foundation

/// The last stage before every sink: a fade in at the start, a fade out on request, and an
/// output cap that no gain, config or upstream bug can get past.
///
/// The cap is a peak limiter per channel with instant attack (so it never overshoots) and a
/// 100 ms release, followed by a hard clamp that also turns NaN and infinity into silence.
/// It works on one channel's block at a time (planar samples).
public struct SafetyStage: Sendable {
  public let channels: Int
  public let capDBFS: Double
  public let cap: Float
  private let releaseCoefficient: Float
  private var limiterGains: [Float]
  private var fadeGains: [Float]
  private var fadeStep: Float
  private var fadeTarget: Float = 1

  public init(channels: Int, sampleRate: Double, capDBFS: Double, fadeIn: Double = 0.01) {
    precondition(channels > 0)
    self.channels = channels
    self.capDBFS = min(capDBFS, 0)
    cap = Float(pow(10, min(capDBFS, 0) / 20))
    releaseCoefficient = Float(exp(-1 / (0.1 * sampleRate)))
    limiterGains = Array(repeating: 1, count: channels)
    fadeGains = Array(repeating: 0, count: channels)
    fadeStep = Float(1 / max(fadeIn * sampleRate, 1))
  }

  /// Starts a fade to silence over `seconds`; `isSilent` tells when it is done.
  public mutating func fadeOut(over seconds: Double, sampleRate: Double) {
    fadeTarget = 0
    fadeStep = Float(1 / max(seconds * sampleRate, 1))
  }

  /// Starts again from silence with the fade in (after a gap in the output).
  public mutating func restartFadeIn(over seconds: Double = 0.01, sampleRate: Double) {
    for channel in 0..<channels { fadeGains[channel] = 0 }
    fadeTarget = 1
    fadeStep = Float(1 / max(seconds * sampleRate, 1))
  }

  public var isSilent: Bool { fadeTarget == 0 && fadeGains.allSatisfy { $0 == 0 } }

  /// True when no fade is under way on `channel`: silence in gives silence out.
  public func isSteady(channel: Int) -> Bool { fadeGains[channel] == fadeTarget }

  /// True when samples under the cap pass `channel` unchanged: no fade under way, and the
  /// limiter at rest.
  public func isTransparent(channel: Int) -> Bool {
    fadeGains[channel] == 1 && fadeTarget == 1 && limiterGains[channel] == 1
  }

  /// Lets a channel's fade advance over a block of silence.
  public mutating func advance(channel: Int, frames: Int) {
    let gain = fadeGains[channel]
    fadeGains[channel] =
      fadeTarget > gain ? min(gain + fadeStep * Float(frames), 1) : max(gain - fadeStep * Float(frames), 0)
  }

  /// Applies fade, limiter and cap in place to one channel's `frames` samples.
  public mutating func process(channel: Int, _ samples: UnsafeMutablePointer<Float>, frames: Int) {
    if isTransparent(channel: channel), Self.isWithin(cap, samples, frames) {
      return
    }
    var fadeGain = fadeGains[channel]
    var gain = limiterGains[channel]
    let (cap, release, target, step) = (cap, releaseCoefficient, fadeTarget, fadeStep)
    for i in 0..<frames {
      if fadeGain != target { fadeGain = target > fadeGain ? min(fadeGain + step, 1) : max(fadeGain - step, 0) }
      // A raised-cosine curve through the linear fade position: no corner at either end.
      let fade = fadeGain == 1 ? 1 : 0.5 - 0.5 * Float(cos(Double.pi * Double(fadeGain)))
      var x = samples[i] * fade
      if !x.isFinite { x = 0 }
      // Recover towards unity, but cut at once to whatever keeps this sample under the cap.
      gain = 1 - (1 - gain) * release
      if gain > 0.99999 { gain = 1 }
      if abs(x) * gain > cap { gain = cap / abs(x) }
      samples[i] = min(max(x * gain, -cap), cap)
    }
    fadeGains[channel] = fadeGain
    limiterGains[channel] = gain
  }

  /// Whether every sample is finite and within the cap (vectorised: this runs on every block).
  private static func isWithin(_ cap: Float, _ samples: UnsafeMutablePointer<Float>, _ frames: Int) -> Bool {
    var peaks = SIMD8<Float>(repeating: 0)
    var poison = SIMD8<Float>(repeating: 0)  // becomes NaN if any sample is NaN or infinite
    var i = 0
    while i + 8 <= frames {
      let v = UnsafeRawPointer(samples + i).loadUnaligned(as: SIMD8<Float>.self)
      let magnitude = v.replacing(with: -v, where: v .< 0)
      peaks.replace(with: magnitude, where: magnitude .> peaks)
      poison += v * 0
      i += 8
    }
    var peak = peaks.max()
    var bad = poison.sum()
    while i < frames {
      peak = max(peak, abs(samples[i]))
      bad += samples[i] * 0
      i += 1
    }
    return bad == 0 && peak <= cap
  }
}
