import Foundation

/// The last stage before every sink: a fade in at the start, a fade out on request, and an
/// output cap that no gain, config or upstream bug can get past.
///
/// The cap is a per-channel peak limiter with instant attack (so it never overshoots) and a
/// smooth release, followed by a hard clamp that also turns NaN and infinity into silence.
public struct SafetyStage: Sendable {
  public let channels: Int
  public let capDBFS: Double
  public let cap: Float
  private let releaseCoefficient: Float
  private var limiterGains: [Float]
  private var fadeGain: Float = 0
  private var fadeStep: Float
  private var fadeTarget: Float = 1
  private var limiterIsIdle = true

  public init(channels: Int, sampleRate: Double, capDBFS: Double, fadeIn: Double = 0.01) {
    precondition(channels > 0)
    self.channels = channels
    self.capDBFS = min(capDBFS, 0)
    cap = Float(pow(10, min(capDBFS, 0) / 20))
    releaseCoefficient = Float(exp(-1 / (0.1 * sampleRate)))  // 100 ms release
    limiterGains = Array(repeating: 1, count: channels)
    fadeStep = Float(1 / max(fadeIn * sampleRate, 1))
  }

  /// Starts a fade to silence over `seconds`; `isSilent` tells when it is done.
  public mutating func fadeOut(over seconds: Double, sampleRate: Double) {
    fadeTarget = 0
    fadeStep = Float(1 / max(seconds * sampleRate, 1))
  }

  public var isSilent: Bool { fadeTarget == 0 && fadeGain == 0 }

  /// True when no fade is under way: silence in gives silence out, with nothing to update.
  public var isSteady: Bool { fadeGain == fadeTarget }

  /// Applies fades, limiter and cap in place to `frames` interleaved frames.
  public mutating func process(_ samples: UnsafeMutablePointer<Float>, frames: Int) {
    let count = frames * channels
    if fadeGain == 1, fadeTarget == 1, limiterIsIdle {
      // Fast path: nothing to fade and no peak over the cap (a NaN fails `<=` too).
      var peak: Float = 0
      var finite = true
      for i in 0..<count {
        let magnitude = abs(samples[i])
        finite = finite && magnitude <= cap
        peak = max(peak, magnitude)
      }
      if finite { return }
    }
    let cap = cap
    let release = releaseCoefficient
    limiterGains.withUnsafeMutableBufferPointer { gains in
      for frame in 0..<frames {
        if fadeGain != fadeTarget {
          fadeGain = fadeTarget > fadeGain ? min(fadeGain + fadeStep, 1) : max(fadeGain - fadeStep, 0)
        }
        // A raised-cosine curve through the linear fade position: no corner at either end.
        let fade = fadeGain == 1 ? 1 : 0.5 - 0.5 * Float(cos(Double.pi * Double(fadeGain)))
        let base = frame * channels
        for channel in 0..<channels {
          var x = samples[base + channel] * fade
          if !x.isFinite { x = 0 }
          // Recover towards unity, but cut at once to whatever keeps this sample under the cap.
          var gain = 1 - (1 - gains[channel]) * release
          if gain > 0.99999 { gain = 1 }
          if abs(x) * gain > cap { gain = cap / abs(x) }
          gains[channel] = gain
          samples[base + channel] = min(max(x * gain, -cap), cap)
        }
      }
    }
    limiterIsIdle = limiterGains.allSatisfy { $0 == 1 }
  }
}
