import Foundation

/// A Bayesian adaptive threshold search (after QUEST and the psi method): a joint posterior
/// over the threshold, on a 0.5 dB grid, and the listener's psychometric spread; each tone at
/// the mean threshold, the estimate its mean.
///
/// The model of a listener: P(heard at level L | threshold T) = g + (1 - g - l) / (1 + e^-(L-T)/s),
/// with g the chance of pressing anyway, l the chance of missing a clear tone, s the spread.
/// Listeners differ in s (how sharply "heard" turns into "not heard"), and one listener's s
/// is much the same at every frequency, so what one frequency learns of it (`spreadWeights`)
/// is carried to the next: a steep listener is done in fewer tones, a shallow one gets the
/// tones it needs.
public struct ThresholdEstimator: Sendable {
  public static let grid: [Double] = stride(from: -20.0, through: 110, by: 0.5).map { $0 }
  public static let guessRate = 0.05
  public static let lapseRate = 0.03
  /// The spreads considered (dB, the logistic's scale), and how likely each is before any
  /// answer: 1 to 3.5 dB alike, shallower listeners less often.
  public static let spreads: [Double] = [1, 1.5, 2, 2.75, 3.5, 4.5, 6]
  public static let spreadPrior: [Double] = [1, 1, 1, 1, 1, 0.6, 0.3]

  /// Log posterior over `spreads` × `grid`, spread-major.
  private var logPosterior: [Double]
  public private(set) var presentations = 0
  public let floor: Double
  public let ceiling: Double

  /// - Parameters: the prior's centre or centres and its width (dB HL), and the levels that
  ///   can be played. With `broadWeight`, the prior is a mixture: mostly the narrow guess,
  ///   partly a broad one (`broadSD`), so that evidence against the guess (a notch next to
  ///   good hearing) wins within a few tones instead of being outweighed by it. Several
  ///   `guesses` (the neighbouring frequency, the other ear) are each such a mixture, all
  ///   equally likely: any may be right, and the first tones tell which. `spreadWeights`
  ///   (log, one per `spreads`) is what earlier frequencies learnt of this listener's spread.
  public init(
    guesses: [Double], priorSD: Double, broadSD: Double = 30, broadWeight: Double = 0, floor: Double = -10,
    ceiling: Double = 90, spreadWeights: [Double]? = nil
  ) {
    precondition(!guesses.isEmpty, "at least one guess")
    self.floor = floor
    self.ceiling = ceiling
    let thresholdPrior = Self.grid.map { t in
      log(
        guesses.reduce(0.0) { sum, guess in
          let narrow = exp(-0.5 * pow((t - guess) / priorSD, 2)) / priorSD
          let broad = exp(-0.5 * pow((t - guess) / broadSD, 2)) / broadSD
          return sum + ((1 - broadWeight) * narrow + broadWeight * broad) / Double(guesses.count)
        } + 1e-300)
    }
    precondition(spreadWeights.map { $0.count == Self.spreads.count } ?? true, "one weight per spread")
    let weights = spreadWeights ?? Self.spreadPrior.map { log($0) }
    logPosterior = weights.flatMap { w in thresholdPrior.map { $0 + w } }
  }

  static func probabilityHeard(level: Double, threshold: Double, spread: Double) -> Double {
    guessRate + (1 - guessRate - lapseRate) / (1 + exp(-(level - threshold) / spread))
  }

  /// The posterior over the threshold alone (the spread summed out), scaled to a peak of 1.
  private var thresholdWeights: [Double] {
    let peak = logPosterior.max()!
    var weights = [Double](repeating: 0, count: Self.grid.count)
    for (index, value) in logPosterior.enumerated() { weights[index % Self.grid.count] += exp(value - peak) }
    return weights
  }

  /// Posterior mean and standard deviation.
  public var estimate: (mean: Double, sd: Double) {
    let weights = thresholdWeights
    let total = weights.reduce(0, +)
    let mean = zip(Self.grid, weights).reduce(0) { $0 + $1.0 * $1.1 } / total
    let variance = zip(Self.grid, weights).reduce(0) { $0 + pow($1.0 - mean, 2) * $1.1 } / total
    return (mean, variance.squareRoot())
  }

  /// The posterior probability that the threshold lies above `level`.
  public func probabilityAbove(_ level: Double) -> Double {
    let weights = thresholdWeights
    let above = zip(Self.grid, weights).filter { $0.0 > level }.reduce(0) { $0 + $1.1 }
    return above / weights.reduce(0, +)
  }

  /// What this frequency's answers, with what came before, say of the listener's spread (log
  /// weights, one per `spreads`): the prior for the next frequency.
  public var spreadWeights: [Double] {
    let peak = logPosterior.max()!
    let count = Self.grid.count
    return Self.spreads.indices.map { s in
      log(logPosterior[(s * count)..<((s + 1) * count)].reduce(0) { $0 + exp($1 - peak) } + 1e-300)
    }
  }

  /// The next level to play: the posterior mean, in whole dB, within what can be played.
  public var nextLevel: Double {
    min(max(estimate.mean.rounded(), floor), ceiling)
  }

  public mutating func record(level: Double, heard: Bool) {
    presentations += 1
    let count = Self.grid.count
    for (s, spread) in Self.spreads.enumerated() {
      for (index, t) in Self.grid.enumerated() {
        let p = Self.probabilityHeard(level: level, threshold: t, spread: spread)
        logPosterior[s * count + index] += log(heard ? p : 1 - p)
      }
    }
  }
}
