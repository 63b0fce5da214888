import ALSAOutput
import BirdsongSynthesis
import Foundation
import HearingCheck
import Installation
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

/// What the kiosk needs from the headphones: play a tone now, stop, and say what is wrong.
public protocol ToneOutput: AnyObject, Sendable {
  func play(_ tone: HeadphoneTone)
  func silence()
  /// Why the headphones cannot play, in a line for staff; nil when they can.
  var problem: String? { get }
}

/// Plays tones on the headphones from a thread of its own, which keeps the device fed with
/// silence between tones (so a tone starts within the device's latency, about 40 ms) and
/// reopens the device every 2 s while it is missing. Left is channel 1, right channel 2.
public final class HeadphoneOutput: ToneOutput {
  private struct Shared {
    var pending: (stimulus: Stimulus, ear: Ear?)?
    var silenceRequested = false
    var problem: String?
    var stopping = false
  }

  public let device: String
  public let sampleRate: Int
  private let shared = Mutex(Shared())
  private let finished = DispatchSemaphore(value: 0)

  public init(device: String, sampleRate: Int) {
    self.device = device
    self.sampleRate = sampleRate
    let thread = Thread { [self] in run() }
    thread.name = "headphones"
    thread.start()
  }

  /// The tone is made here, on the caller's thread, so the audio thread only renders.
  public func play(_ tone: HeadphoneTone) {
    do {
      let stimulus = try Stimulus(
        .pureTone, frequency: tone.frequency, levelDBFS: tone.levelDBFS, duration: tone.duration,
        sampleRate: Double(sampleRate))
      shared.withLock { $0.pending = (stimulus, tone.ear) }
    } catch {
      // The kiosk asks only for levels it has checked; a tone that cannot be made is not played.
    }
  }

  public func silence() {
    shared.withLock {
      $0.pending = nil
      $0.silenceRequested = true
    }
  }

  public var problem: String? { shared.withLock { $0.problem } }

  /// Stops the thread, letting what is queued play out; call once, before exit.
  public func close() {
    shared.withLock { $0.stopping = true }
    finished.wait()
  }

  private func run() {
    defer { finished.signal() }
    let block = max(sampleRate / 100, 64)  // 10 ms
    var interleaved = [Float](repeating: 0, count: block * 2)
    var mono = [Float](repeating: 0, count: block)
    var playback: ALSAPlayback?
    var tone: (stimulus: Stimulus, ear: Ear?)?
    let clock = SystemClock()
    var pacer = WallClockPacer()
    var frames = 0
    while true {
      let (request, silence, stopping) = shared.withLock { state in
        defer {
          state.pending = nil
          state.silenceRequested = false
        }
        return (state.pending, state.silenceRequested, state.stopping)
      }
      if stopping { break }
      if silence { tone = nil }
      if let request { tone = request }
      if playback == nil {
        do {
          let pcm = try SystemPCM(name: device, request: PCMRequest(channels: 2, sampleRate: sampleRate))
          playback = ALSAPlayback(device: pcm)
          pacer.restart()
          shared.withLock { $0.problem = nil }
        } catch {
          shared.withLock { $0.problem = "the headphones ('\(device)') cannot be opened: \(error)" }
          tone = nil
          for _ in 0..<20 where !shared.withLock({ $0.stopping }) { clock.sleep(0.1) }
          continue
        }
      }
      guard let output = playback else { continue }
      for i in interleaved.indices { interleaved[i] = 0 }
      if tone != nil {
        let ear = tone!.ear
        for i in mono.indices { mono[i] = 0 }
        // Rendered in place (a copy of the stimulus would copy its arrays every block).
        let more = mono.withUnsafeMutableBufferPointer { tone!.stimulus.render(adding: $0.baseAddress!, frames: block) }
        for frame in 0..<block {
          if ear != .right { interleaved[frame * 2] = mono[frame] }
          if ear != .left { interleaved[frame * 2 + 1] = mono[frame] }
        }
        if !more { tone = nil }
      }
      if case .lost(let code) = interleaved.withUnsafeBufferPointer({ output.play($0.baseAddress!, frames: block) }) {
        output.device.close()
        playback = nil
        shared.withLock { $0.problem = "the headphones ('\(device)') stopped working (error \(code)); retrying" }
        continue
      }
      frames += block
      // A device that does not pace itself (null, file) is kept to the wall clock.
      if !output.configuration.paces {
        pacer.hold(framesPlayed: frames, sampleRate: Double(sampleRate), clock: clock)
      }
    }
    playback?.stop()
  }
}
