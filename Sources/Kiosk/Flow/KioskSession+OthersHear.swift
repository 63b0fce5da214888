import BirdsongSynthesis
import Foundation
import HearingCheck

/// "Hear it as others do", after a headphone check's results: three of the birds (low,
/// middle, high), each as the median 20-year-old hears it, as the median 70-year-old does
/// (ISO 7029), and, when the check measured them, as the visitor's own thresholds suggest.
/// An illustration of a loss of audibility (HearingLossFilter), not a diagnosis.
extension KioskSession {
  enum Hearer: String, Equatable {
    case young, old, visitor
  }

  struct OthersHear {
    /// Each clip: a bird, the band it sings in (its box's; nil: its natural band), who hears it.
    var steps: [(bird: Species, band: FrequencyBand?, hearer: Hearer)]
    /// The step sounding (or last sounded); -1 before the first.
    var index = -1
    var nextAt: Double
  }

  static let othersAges = (young: 20.0, old: 70.0)
  static let clipSeconds = 4.5
  /// The level (dB HL at 1 kHz, or relative) a bird's loudest note has as sung: comfortable.
  static let clipLevel = 55.0

  /// Three birds: the installation's boxes when it runs (each in its box's band), else the
  /// catalogue's (in their natural bands): the lowest, the one nearest 3 kHz, the highest.
  var othersBirds: [(bird: Species, band: FrequencyBand?)] {
    let boxes = installationBoxes.compactMap { box -> (bird: Species, band: FrequencyBand?)? in
      guard let id = box.species, let bird = try? SpeciesCatalogue.lookup(id) else { return nil }
      return (bird, try? FrequencyBand(low: box.low, high: box.high))
    }
    let candidates = (boxes.count >= 3 ? boxes : SpeciesCatalogue.all.map { ($0, nil) }).sorted {
      ($0.band ?? $0.bird.naturalBand).center < ($1.band ?? $1.bird.naturalBand).center
    }
    guard let low = candidates.first, let high = candidates.last else { return [] }
    let distance = { (entry: (bird: Species, band: FrequencyBand?)) in
      abs(Foundation.log((entry.band ?? entry.bird.naturalBand).center / 3000))
    }
    let middle = candidates.min { distance($0) < distance($1) }!
    var seen: Set<String> = []
    return [low, middle, high].filter {
      seen.insert("\($0.bird.id) \(($0.band ?? $0.bird.naturalBand).center)").inserted
    }
  }

  /// The visitor's thresholds per ear as a hearing to render with; nil when the check gave
  /// no levels in dB HL (uncalibrated, or not measured).
  var visitorHearing: (left: HearingProfile, right: HearingProfile)? {
    guard calibrated, let result = lastResult, result.outcome != .notMeasured else { return nil }
    func profile(_ ear: Ear) -> HearingProfile? {
      let points = result.outcomes.filter { $0.point.ear == ear && !$0.point.isRetest }.compactMap { outcome in
        (outcome.threshold ?? outcome.noResponseAt).map { (frequency: outcome.point.frequency, level: $0) }
      }
      return points.isEmpty ? nil : HearingProfile(points: points, description: "the visitor's \(ear.rawValue) ear")
    }
    guard let left = profile(.left), let right = profile(.right) else { return nil }
    return (left, right)
  }

  func startOthersHear(now: Double) {
    var steps: [(bird: Species, band: FrequencyBand?, hearer: Hearer)] = []
    let hearers: [Hearer] = visitorHearing == nil ? [.young, .old] : [.young, .old, .visitor]
    for entry in othersBirds {
      for hearer in hearers { steps.append((entry.bird, entry.band, hearer)) }
    }
    log("hear it as others do: \(steps.count) clips")
    go(.othersHear(OthersHear(steps: steps, nextAt: now + 1)), now: now)
  }

  func advance(_ demo: inout OthersHear, now: Double) {
    guard now >= demo.nextAt, demo.index + 1 < demo.steps.count else { return }
    demo.index += 1
    let step = demo.steps[demo.index]
    guard let clip = clip(step.bird, in: step.band, heardBy: step.hearer) else {
      demo.nextAt = now
      return
    }
    emit(.playClip(clip))
    // A longer pause after each bird's last clip.
    let lastOfBird = demo.index + 1 == demo.steps.count || demo.steps[demo.index + 1].bird.id != step.bird.id
    demo.nextAt = now + clip.seconds + (lastOfBird ? 1.8 : 0.9)
  }

  var othersFinished: Bool {
    guard case .othersHear(let demo) = stage else { return false }
    return demo.index + 1 >= demo.steps.count && demo.index >= 0
  }

  /// One song of `bird` (in `band`, or its own) as `hearer` hears it, on both ears, its level as sung set by
  /// `clipLevel`: a bird the hearer hears less comes out quieter by just that much.
  func clip(_ bird: Species, in band: FrequencyBand?, heardBy hearer: Hearer) -> HeadphoneClip? {
    let rate = Double(resources.config.sampleRate)
    let bands = band.map { [bird.id: $0] } ?? [:]
    guard var song = try? SpeciesSweep(species: [bird], bands: bands, sampleRate: rate, seed: random()) else {
      return nil
    }
    var sung = [Float](repeating: 0, count: min(song.length, Int(Self.clipSeconds * rate)))
    sung.withUnsafeMutableBufferPointer { _ = song.render(adding: $0.baseAddress!, frames: $0.count) }
    let sungPeak = sung.reduce(Float(0)) { max($0, abs($1)) }
    guard sungPeak > 0 else { return nil }
    let hearings: (left: HearingProfile, right: HearingProfile)
    switch hearer {
    case .young, .old:
      let age = hearer == .young ? Self.othersAges.young : Self.othersAges.old
      guard let median = try? HearingProfile.age(age, female: nil) else { return nil }
      hearings = (median, median)
    case .visitor:
      guard let own = visitorHearing else { return nil }
      hearings = own
    }
    let left = HearingLossFilter.filtered(sung, sampleRate: rate, attenuation: hearings.left.attenuation(at:))
    let right = HearingLossFilter.filtered(sung, sampleRate: rate, attenuation: hearings.right.attenuation(at:))
    let heardPeak = max(left.reduce(Float(0)) { max($0, abs($1)) }, right.reduce(Float(0)) { max($0, abs($1)) })
    guard heardPeak > 0, case .success(let reference) = dbfs(frequency: 1000, level: Self.clipLevel) else { return nil }
    return HeadphoneClip(
      left: left, right: right, levelDBFS: reference + 20 * log10(Double(heardPeak / sungPeak)), sampleRate: rate)
  }
}
