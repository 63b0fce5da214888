import Foundation

/// A Bayesian adaptive threshold search (after QUEST): a posterior over the threshold on a
/// 0.5 dB grid, each tone at the posterior mean, the estimate its mean.
///
/// The model of a listener: P(heard at level L | threshold T) = g + (1 - g - l) / (1 + e^-(L-T)/s),
/// with g the chance of pressing anyway, l the chance of missing a clear tone, s the spread.
public struct ThresholdEstimator: Sendable {
  public static let grid: [Double] = stride(from: -20.0, through: 110, by: 0.5).map { $0 }
  public static let guessRate = 0.05
  public static let lapseRate = 0.03
  public static let spread = 2.0

  /// Log posterior over `grid`.
  private var logPosterior: [Double]
  public private(set) var presentations = 0
  public let floor: Double
  public let ceiling: Double

  /// - Parameters: the prior's centre and width (dB HL), and the levels that can be played.
  ///   With `broadWeight`, the prior is a mixture: mostly the narrow guess, partly a broad one
  ///   (`broadSD`), so that evidence against the guess (a notch next to good hearing) wins
  ///   within a few tones instead of being outweighed by it.
  public init(
    priorMean: Double, priorSD: Double, broadSD: Double = 30, broadWeight: Double = 0, floor: Double = -10,
    ceiling: Double = 90
  ) {
    self.floor = floor
    self.ceiling = ceiling
    logPosterior = Self.grid.map { t in
      let narrow = exp(-0.5 * pow((t - priorMean) / priorSD, 2)) / priorSD
      let broad = exp(-0.5 * pow((t - priorMean) / broadSD, 2)) / broadSD
      return log((1 - broadWeight) * narrow + broadWeight * broad + 1e-300)
    }
  }

  static func probabilityHeard(level: Double, threshold: Double) -> Double {
    guessRate + (1 - guessRate - lapseRate) / (1 + exp(-(level - threshold) / spread))
  }

  /// Posterior mean and standard deviation.
  public var estimate: (mean: Double, sd: Double) {
    let peak = logPosterior.max()!
    let weights = logPosterior.map { exp($0 - peak) }
    let total = weights.reduce(0, +)
    let mean = zip(Self.grid, weights).reduce(0) { $0 + $1.0 * $1.1 } / total
    let variance = zip(Self.grid, weights).reduce(0) { $0 + pow($1.0 - mean, 2) * $1.1 } / total
    return (mean, variance.squareRoot())
  }

  /// The posterior probability that the threshold lies above `level`.
  public func probabilityAbove(_ level: Double) -> Double {
    let peak = logPosterior.max()!
    let weights = logPosterior.map { exp($0 - peak) }
    let above = zip(Self.grid, weights).filter { $0.0 > level }.reduce(0) { $0 + $1.1 }
    return above / weights.reduce(0, +)
  }

  /// The next level to play: the posterior mean, in whole dB, within what can be played.
  public var nextLevel: Double {
    min(max(estimate.mean.rounded(), floor), ceiling)
  }

  public mutating func record(level: Double, heard: Bool) {
    presentations += 1
    for (index, t) in Self.grid.enumerated() {
      let p = Self.probabilityHeard(level: level, threshold: t)
      logPosterior[index] += log(heard ? p : 1 - p)
    }
  }
}
