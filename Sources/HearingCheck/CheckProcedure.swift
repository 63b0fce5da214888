import BirdsongCore
import Foundation

/// The self-check as a pure state machine: it says what to play next, is told what the
/// visitor did, and in the end gives each ear's thresholds. No clock, no sound, no screen:
/// the kiosk drives it live and `check simulate` drives it with simulated listeners.
public struct CheckProcedure: Sendable {
  public struct Settings: Sendable {
    /// In test order; a repeat of the first frequency at the end is the retest (first ear only).
    public var frequencies: [Double] = [1000, 2000, 4000, 6000, 8000, 500, 1000]
    public var ears: [Ear] = [.right, .left]
    public var maxPresentations = 14
    public var minPresentations = 3
    /// Stop a frequency once the posterior is this narrow (dB): 2.8 dB puts 95 % of estimates
    /// within 5 dB for every kind of hearing and keeps the median of the ISO 7029 population
    /// under 5 minutes (`check simulate`; `--shapes` for each kind of hearing, where the
    /// median takes longer).
    public var targetSD = 2.8
    /// The silence before a tone (s), random so that the moment cannot be guessed. After a
    /// tone that was not answered, the response window has already been a second of silence,
    /// so the pause is shorter: tones are still 1.3 s or more apart, longer than a tone (the
    /// clinical rule), and the check spends its time on tones rather than waiting.
    public var pause: ClosedRange<Double> = 1.0...1.9
    public var pauseAfterMiss: ClosedRange<Double> = 0.3...1.2
    /// Where the visitor confirmed the headphone check's 1 kHz tone in each ear (dB HL; it
    /// starts at 40 and grows 10 dB each time it repeats): the first tones at 1 kHz in that
    /// ear start just below it rather than at 20 dB HL.
    public var checkToneHeardAt: [Ear: Double] = [:]
    /// Share of trials that are silent catch trials. The pause before every tone is watched
    /// for presses too, so a few catch trials suffice; each costs as long as a missed tone.
    public var catchTrialRate = 0.05
    public var floor = -10.0
    public var ceiling = 80.0
    /// Lower ceilings for some frequencies (the calibration's maximum there), dB HL.
    public var frequencyCeilings: [Double: Double] = [:]
    /// Tones missed at the ceiling, none heard there, before the result is "no response".
    public var missesForNoResponse = 2
    /// The prior for a frequency next to one already measured: centred on it, this wide, with
    /// this share of a broad (30 dB) prior so that a notch or a cliff is not outweighed.
    public var neighbourPriorSD = 12.0
    public var broadPriorWeight = 0.3

    /// The loudest level the check plays at `frequency`.
    public func ceiling(at frequency: Double) -> Double { min(ceiling, frequencyCeilings[frequency] ?? ceiling) }

    public init() {}
  }

  /// What to do next.
  public enum Step: Sendable, Equatable {
    /// Play a tone (or, for a catch trial, nothing) after a silent pause.
    case present(Trial)
    case finished
  }

  public struct Trial: Sendable, Equatable {
    public var point: TestPoint
    /// nil for a catch trial: nothing is played.
    public var level: Double?
    /// Silence before the tone, seconds (random, so the visitor cannot guess the moment).
    public var pause: Double

    public init(point: TestPoint, level: Double?, pause: Double) {
      (self.point, self.level, self.pause) = (point, level, pause)
    }
  }

  /// What the visitor did during a trial.
  public enum Response: Sendable {
    case heard
    case notHeard
    /// Pressed in the silent pause before the tone: counted as a false press, trial repeated.
    case pressedTooEarly
  }

  public struct Outcome: Sendable {
    public var point: TestPoint
    /// nil when not measured (too many presentations without settling, or out of range).
    public var threshold: Double?
    public var presentations: Int
    /// The level the procedure asked for could not be played (it would clip, or exceed the
    /// calibration's maximum): the threshold is above what this kiosk can measure.
    public var outOfRange = false
    /// No response at the loudest level the check plays here (dB HL): the threshold lies
    /// above it. Shown as "no response at N" with an arrow down, never as a number.
    public var noResponseAt: Double?
  }

  public let settings: Settings
  /// The last tone went unanswered: its response window has already been a silence.
  private var lastMissed = false
  public private(set) var outcomes: [Outcome] = []
  /// Tones at the current frequency's ceiling that were heard and missed.
  private var heardAtCeiling = 0
  private var missedAtCeiling = 0
  /// Levels heard at the current frequency.
  private var heardLevels: [Double] = []
  public private(set) var falsePresses = 0
  public private(set) var catchTrials = 0
  /// Catch trials (silent) the visitor said they heard: the surest sign of guessing.
  public private(set) var catchTrialsAnswered = 0
  public private(set) var trials = 0
  private var points: [TestPoint]
  private var estimator: ThresholdEstimator?
  /// What the frequencies finished so far say of the visitor's psychometric spread.
  private var spreadWeights: [Double]?
  private var current: Trial?
  private var random: SeededGenerator

  public init(settings: Settings = Settings(), seed: UInt64) {
    self.settings = settings
    random = SeededGenerator(seed: seed)
    // The retest belongs to the first ear tested: it checks that the visitor has understood
    // the task, and by the second ear that is known.
    var points: [TestPoint] = []
    for (index, ear) in settings.ears.enumerated() {
      var seen: Set<Double> = []
      for frequency in settings.frequencies where index == 0 || !seen.contains(frequency) {
        points.append(TestPoint(ear: ear, frequency: frequency, isRetest: seen.contains(frequency)))
        seen.insert(frequency)
      }
    }
    self.points = points
  }

  public var progress: (done: Int, total: Int) {
    (outcomes.count, outcomes.count + points.count)
  }

  /// What to play next; the same trial again until `record` is called.
  public mutating func next() -> Step {
    if let current { return .present(current) }
    guard let point = points.first else { return .finished }
    if estimator == nil {
      let prior = prior(for: point)
      estimator = ThresholdEstimator(
        guesses: prior.guesses, priorSD: prior.sd, broadWeight: settings.broadPriorWeight, floor: settings.floor,
        ceiling: settings.ceiling(at: point.frequency), spreadWeights: spreadWeights)
      (heardAtCeiling, missedAtCeiling, heardLevels) = (0, 0, [])
    }
    let pause = random.uniform(lastMissed ? settings.pauseAfterMiss : settings.pause)
    let isCatch = estimator!.presentations > 0 && random.unit() < settings.catchTrialRate
    current = Trial(point: point, level: isCatch ? nil : estimator!.nextLevel, pause: pause)
    return .present(current!)
  }

  public mutating func record(_ response: Response) {
    guard let trial = current else { return }
    current = nil
    lastMissed = response == .notHeard
    trials += 1
    if response == .pressedTooEarly {
      falsePresses += 1
      return
    }
    guard let level = trial.level else {
      catchTrials += 1
      if response == .heard {
        falsePresses += 1
        catchTrialsAnswered += 1
      }
      return
    }
    estimator!.record(level: level, heard: response == .heard)
    let (mean, sd) = estimator!.estimate
    let done = estimator!.presentations
    let top = settings.ceiling(at: trial.point.frequency)
    if level >= top {
      if response == .heard { heardAtCeiling += 1 } else { missedAtCeiling += 1 }
    }
    if response == .heard { heardLevels.append(level) }
    // Missed at the loudest the check may play more often than heard there (a press by chance
    // does not count for much): no number can be claimed, only that the threshold is above
    // the ceiling. The same when the estimate ends up pressed against the ceiling.
    let silentAtTop = missedAtCeiling - heardAtCeiling >= settings.missesForNoResponse
    let finishing = (done >= settings.minPresentations && sd <= settings.targetSD) || done >= settings.maxPresentations
    // Near the ceiling a number needs two presses near it: one press could be chance, and a
    // guess there would hide a loss beyond what can be played.
    let supported = heardLevels.filter { $0 >= mean - 5 }.count >= 2
    let pressedAgainstTop =
      finishing && (estimator!.probabilityAbove(top) > 0.5 || (mean > top - 5 && !supported))
    guard silentAtTop || finishing else { return }
    spreadWeights = estimator!.spreadWeights
    if silentAtTop || pressedAgainstTop {
      outcomes.append(
        Outcome(point: trial.point, threshold: nil, presentations: done, outOfRange: true, noResponseAt: top))
    } else {
      let settled = sd <= settings.targetSD + 1.5
      // Nothing quieter than the floor is ever played, so no threshold below it is claimed.
      outcomes.append(
        Outcome(point: trial.point, threshold: settled ? max(mean, settings.floor) : nil, presentations: done))
    }
    points.removeFirst()
    estimator = nil
  }

  /// The current trial's level cannot be played: the frequency is recorded as out of range
  /// and the check moves on.
  public mutating func markOutOfRange() {
    guard let trial = current else { return }
    current = nil
    outcomes.append(
      Outcome(
        point: trial.point, threshold: nil, presentations: estimator?.presentations ?? 0, outOfRange: true))
    points.removeFirst()
    estimator = nil
  }

  /// The room was too loud while this frequency was being measured: answers already given may
  /// have been masked, so it starts again from its prior (the trial under way is dropped).
  public mutating func restartFrequency() {
    current = nil
    estimator = nil
  }

  /// The very first frequency starts from a wide prior (with the broad share, for a visitor
  /// who hears little anywhere); every later one from the nearest frequency already measured
  /// in that ear and, where it has been measured, the other ear at the same frequency; at
  /// 1 kHz also from where the headphone check's tone was heard, when that took more than
  /// 40 dB HL (the threshold is probably just below it, and certainly not at 20). The guesses
  /// are equally likely, each a mixture whose broad share covers a notch, a cliff or ears that
  /// differ; the first tones tell which is right. A neighbour with no response counts as just
  /// above the loudest level played there, so a visitor who hears nothing is not walked up
  /// from 20 dB at every frequency.
  private func prior(for point: TestPoint) -> (guesses: [Double], sd: Double) {
    let level = { (outcome: Outcome) in outcome.threshold ?? outcome.noResponseAt.map { $0 + 5 } }
    let measured = outcomes.filter { $0.point.ear == point.ear && level($0) != nil }
    let distance = { (outcome: Outcome) in abs(log(outcome.point.frequency / point.frequency)) }
    let neighbour = measured.min(by: { distance($0) < distance($1) })
    // The other ear counts only where it was measured: one ear hearing nothing says little
    // of the other.
    let otherEar = outcomes.first {
      $0.point.ear != point.ear && $0.point.frequency == point.frequency && !$0.point.isRetest && $0.threshold != nil
    }
    let checkTone = point.frequency == 1000 && !point.isRetest ? settings.checkToneHeardAt[point.ear] : nil
    let belowCheckTone = checkTone.flatMap { $0 > 40 ? $0 - 10 : nil }
    let guesses = [neighbour.flatMap(level), otherEar.flatMap(level), belowCheckTone].compactMap { $0 }
    return guesses.isEmpty ? ([20], 20) : (guesses, settings.neighbourPriorSD)
  }
}
