import ALSAOutput
import AudioRuntime
import BirdsongSynthesis
import Foundation
import Installation

/// Plays each bird box in turn so an installer can check the wiring: as many short pips as
/// the box's channel number, in its band, then one song of its bird.
public enum BoxIdentifier {
  /// Plays `boxes` one after another on `device`, calling `announce` before each.
  public static func run(
    config: InstallationConfig, boxes: [InstallationConfig.Box], device: String,
    opener: @escaping PCMOpener = SystemPCM.open, announce: (InstallationConfig.Box) -> Void,
    shouldStop: () -> Bool
  ) throws {
    let rate = Double(config.sampleRate)
    for box in boxes where !shouldStop() {
      announce(box)
      let mixer = Mixer(channels: config.channels, sampleRate: rate, capDBFS: config.outputCapDBFS)
      mixer.add(try Pips(count: box.channel + 1, band: box.band, sampleRate: rate), channel: box.channel)
      let pipsLength = Double(box.channel + 1) * Pips.period + 0.5
      mixer.add(
        try InstallationEngine.voice(for: box, seed: 1, sampleRate: rate, firstAfter: pipsLength),
        channel: box.channel, gainDB: box.gainDB)
      let runtime = AudioRuntime(
        program: MixerProgram(mixer), output: DeviceOutput(name: device, request: config.pcmRequest, opener: opener),
        options: .init(frames: Int((pipsLength + 6) * rate), fadeSeconds: 0.05))
      guard runtime.play(watching: { _ in shouldStop() ? .stop : .carryOn }) else {
        throw IdentifyError(description: runtime.failure ?? "the sound device '\(device)' failed")
      }
    }
  }

  public struct IdentifyError: Error, CustomStringConvertible {
    public let description: String
  }

  /// Short warble pips at the centre of a band, one for each channel number.
  struct Pips: AudioGenerator {
    static let period = 0.35
    var pips: [Stimulus]
    var time = 0
    let periodFrames: Int

    init(count: Int, band: FrequencyBand, sampleRate: Double) throws {
      let pip = try Stimulus(
        .warble, frequency: band.center, levelDBFS: -12, duration: 0.15, ramp: 0.01, sampleRate: sampleRate)
      pips = Array(repeating: pip, count: count)
      periodFrames = Int(Self.period * sampleRate)
    }

    mutating func render(adding buffer: UnsafeMutablePointer<Float>, frames: Int) -> Bool {
      var sounded = false
      for index in pips.indices {
        let start = index * periodFrames
        let from = max(start, time)
        let to = time + frames
        if from < to, !pips[index].isFinished {
          sounded = pips[index].render(adding: buffer + (from - time), frames: to - from) || sounded
        }
      }
      time += frames
      return sounded
    }
  }
}
