import ALSAOutput
import AudioRuntime
import BirdsongSynthesis
import Foundation
import HearingCheck
import Synchronization

/// A tone for one ear (or both) of the headphones.
public struct HeadphoneTone: Sendable, Equatable {
  public var frequency: Double
  public var levelDBFS: Double
  /// nil: both ears.
  public var ear: Ear?
  public var duration: Double

  public init(frequency: Double, levelDBFS: Double, ear: Ear?, duration: Double) {
    self.frequency = frequency
    self.levelDBFS = levelDBFS
    self.ear = ear
    self.duration = duration
  }
}

/// A sound made beforehand for each ear (a bird as someone hears it), its loudest peak at
/// `levelDBFS`; nil for an ear leaves it silent.
public struct HeadphoneClip: Sendable {
  public var left: [Float]?
  public var right: [Float]?
  public var levelDBFS: Double
  public var sampleRate: Double

  public init(left: [Float]?, right: [Float]?, levelDBFS: Double, sampleRate: Double) {
    self.left = left
    self.right = right
    self.levelDBFS = levelDBFS
    self.sampleRate = sampleRate
  }

  public var seconds: Double { Double(max(left?.count ?? 0, right?.count ?? 0)) / sampleRate }
}

/// What the kiosk needs from the headphones: play a tone now, stop, and say what is wrong.
public protocol ToneOutput: AnyObject, Sendable {
  func play(_ tone: HeadphoneTone)
  /// Plays a clip (replacing what sounds, with its release).
  func play(clip: HeadphoneClip)
  func silence()
  /// Why the headphones cannot play, in a line for staff; nil when they can.
  var problem: String? { get }
}

/// The headphones as the render thread plays them: a tone voice per ear (left is channel 1,
/// right channel 2), so that every stop and every change ends in a 20 ms release, then the
/// safety stage and its cap.
public final class HeadphoneProgram: AudioProgram {
  /// New stimuli per ear; nil silences that ear. After `apply`, the command holds what the
  /// voices let go of, to be freed off the render thread.
  public struct Command: Sendable {
    public var left: Stimulus?
    public var right: Stimulus?

    public init(left: Stimulus?, right: Stimulus?) {
      self.left = left
      self.right = right
    }
  }

  public let mixer: Mixer
  let left: ToneVoice
  let right: ToneVoice

  public init(sampleRate: Double, capDBFS: Double) {
    mixer = Mixer(channels: 2, sampleRate: sampleRate, capDBFS: capDBFS)
    left = ToneVoice(sampleRate: sampleRate)
    right = ToneVoice(sampleRate: sampleRate)
    mixer.add(left, channel: 0)
    mixer.add(right, channel: 1)
  }

  public func apply(_ command: inout Command) {
    Self.steer(left, &command.left)
    Self.steer(right, &command.right)
  }

  private static func steer(_ voice: ToneVoice, _ slot: inout Stimulus?) {
    if slot != nil { voice.play(swapping: &slot) } else { voice.silence(swapping: &slot) }
  }
}

/// Plays tones on the headphones through the audio runtime, which keeps the device fed with
/// silence between tones (so a tone starts within the device's latency, about 40 ms), fades
/// every stop, caps the output, and reopens the device with back-off while it is missing.
public final class HeadphoneOutput: ToneOutput {
  public let device: String
  public let sampleRate: Int
  public let capDBFS: Double
  private let runtime: AudioRuntime<HeadphoneProgram>
  /// Commands are made on whichever thread calls; the queue takes one producer at a time.
  private let sending = Mutex(())

  /// - Parameter capDBFS: the loudest any sample may be: the calibration profile's maximum,
  ///   or the uncalibrated ceiling.
  public init(device: String, sampleRate: Int, capDBFS: Double, opener: @escaping PCMOpener = SystemPCM.open) {
    self.device = device
    self.sampleRate = sampleRate
    self.capDBFS = capDBFS
    runtime = AudioRuntime(
      program: HeadphoneProgram(sampleRate: Double(sampleRate), capDBFS: capDBFS),
      output: DeviceOutput(name: device, request: PCMRequest(channels: 2, sampleRate: sampleRate), opener: opener),
      options: .init(paceToWallClock: true, retry: .init(first: 0.1, longest: 2)))
    runtime.start()
  }

  /// The tone is made here, on the caller's thread, so the audio thread only renders.
  public func play(_ tone: HeadphoneTone) {
    guard
      let stimulus = try? Stimulus(
        .pureTone, frequency: tone.frequency, levelDBFS: tone.levelDBFS, duration: tone.duration,
        sampleRate: Double(sampleRate))
    else { return }  // the kiosk asks only for levels it has checked
    send(.init(left: tone.ear == .right ? nil : stimulus, right: tone.ear == .left ? nil : stimulus))
  }

  public func play(clip: HeadphoneClip) {
    // Both ears' peaks are set together: the louder ear's peak at the level, the other as it
    // stands against it.
    let peaks = [clip.left, clip.right].map { $0?.reduce(Float(0)) { max($0, abs($1)) } ?? 0 }
    let loudest = max(peaks[0], peaks[1])
    guard loudest > 0 else { return silence() }
    func stimulus(_ samples: [Float]?, peak: Float) -> Stimulus? {
      guard let samples, peak > 0 else { return nil }
      let level = clip.levelDBFS + 20 * log10(Double(peak / loudest))
      return try? Stimulus(recording: samples, levelDBFS: level, sampleRate: clip.sampleRate)
    }
    send(.init(left: stimulus(clip.left, peak: peaks[0]), right: stimulus(clip.right, peak: peaks[1])))
  }

  public func silence() {
    send(.init(left: nil, right: nil))
  }

  private func send(_ command: HeadphoneProgram.Command) {
    sending.withLock { _ in _ = runtime.send(.program(command)) }
  }

  public var problem: String? {
    runtime.failure.map { "the headphones ('\(device)') cannot play: \($0)" }
  }

  /// Fades out what sounds, stops the device and waits for the audio thread; call once.
  public func close() {
    sending.withLock { _ in
      runtime.requestStop()
      runtime.wait()  // frees what came back, as the one consumer of the queue back
    }
  }
}
