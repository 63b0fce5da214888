import ALSAOutput
import AudioRuntime
import BirdsongAudio
import Foundation
import HearingCheck
import Synchronization

/// The room's noise, for a check that must not go on when the room would mask its tones.
public protocol RoomNoiseSource: AnyObject, Sendable {
  /// The latest octave-band levels (dB SPL, bands of `AmbientLimits.bands`), nil while there
  /// is no fresh reading (the microphone failed or has not started).
  var levels: [Double]? { get }
  /// Why the microphone gives no readings, in a line for staff; nil when it does.
  var problem: String? { get }
}

/// The kiosk's room microphone, read on a thread of its own: octave-band levels every 125 ms
/// over the last 170 ms (8192 samples at 48 kHz), in dB SPL through the staff's calibration
/// offset. A device that fails is reopened every 2 s; readings older than a second are stale.
public final class RoomMicrophone: RoomNoiseSource {
  public let device: String
  /// dB SPL of a reading of 0 dB re full scale ('birdsong calibrate --microphone').
  public let offsetDB: Double
  private struct State {
    var levels: [Double]?
    var readAt = -Double.infinity
    var problem: String?
    var stopping = false
  }
  private let state = Mutex(State())
  private let clock = SystemClock()
  private let finished = DispatchSemaphore(value: 0)

  public init(device: String, offsetDB: Double, sampleRate: Int = 48000) {
    self.device = device
    self.offsetDB = offsetDB
    Thread { [self] in
      listen(sampleRate: sampleRate)
      finished.signal()
    }.start()
  }

  public var levels: [Double]? {
    let now = clock.now()
    return state.withLock { now - $0.readAt <= 1 ? $0.levels : nil }
  }

  public var problem: String? { state.withLock { $0.problem } }

  /// Stops reading and closes the device; call once. A device stuck in a read is not waited
  /// for more than a second: the kiosk is leaving anyway.
  public func close() {
    state.withLock { $0.stopping = true }
    _ = finished.wait(timeout: .now() + 1)
  }

  /// Why `device` cannot record now, or nil when it opens.
  public static func problem(opening device: String) -> String? {
    do {
      try SystemCapture(name: device, sampleRate: 48000).close()
      return nil
    } catch {
      return "\(error)"
    }
  }

  /// Records `seconds` of the first channel of `device` (for calibration), at the pace of a
  /// microphone even from a file device.
  public static func record(device: String, seconds: Double, sampleRate: Int = 48000) throws -> (
    samples: [Float], sampleRate: Int
  ) {
    let capture = try SystemCapture(name: device, sampleRate: sampleRate)
    defer { capture.close() }
    let clock = SystemClock()
    let wanted = Int(seconds * Double(capture.sampleRate))
    var samples: [Float] = []
    var block = [Float](repeating: 0, count: capture.sampleRate / 10)
    let started = clock.now()
    while samples.count < wanted {
      let got = capture.read(into: &block)
      if got == -Int(EPIPE) || got == -Int(ESTRPIPE) { continue }
      guard got > 0 else { throw ALSAError("snd_pcm_readi", code: Int32(got), device: device) }
      samples.append(contentsOf: block[0..<min(got, wanted - samples.count)])
      if !capture.paces { clock.sleep(started + Double(samples.count) / Double(capture.sampleRate) - clock.now()) }
    }
    return (samples, capture.sampleRate)
  }

  private var stopping: Bool { state.withLock { $0.stopping } }

  private func listen(sampleRate: Int) {
    while !stopping {
      let capture: SystemCapture
      do {
        capture = try SystemCapture(name: device, sampleRate: sampleRate)
      } catch {
        fail("the room microphone ('\(device)') cannot record: \(error)")
        continue
      }
      state.withLock { $0.problem = nil }
      measure(capture)
      capture.close()
    }
  }

  private func fail(_ message: String) {
    state.withLock {
      $0.problem = message
      $0.levels = nil
    }
    for _ in 0..<20 where !stopping { clock.sleep(0.1) }
  }

  /// Reads until the device fails or the kiosk stops.
  private func measure(_ capture: SystemCapture) {
    let rate = Double(capture.sampleRate)
    let meter = OctaveBandMeter(sampleRate: rate, size: rate > 64000 ? 16384 : 8192)
    var recent = [Float](repeating: 0, count: meter.size)
    var block = [Float](repeating: 0, count: capture.sampleRate / 8)
    var filled = 0
    let started = clock.now()
    var frames = 0
    while !stopping {
      let got = capture.read(into: &block)
      if got == -Int(EPIPE) || got == -Int(ESTRPIPE) { continue }  // an overrun: read on
      guard got > 0 else {
        fail(
          "the room microphone ('\(device)') stopped: \(ALSAError("snd_pcm_readi", code: Int32(got), device: device))")
        return
      }
      recent.removeFirst(got)
      recent.append(contentsOf: block[0..<got])
      filled += got
      frames += got
      // A file or null device gives its samples at once: take them at the pace of a microphone.
      if !capture.paces { clock.sleep(started + Double(frames) / rate - clock.now()) }
      guard filled >= meter.size else { continue }
      let levels = meter.levels(recent).map { max($0 + offsetDB, 0) }  // digital silence reads 0 dB SPL
      let now = clock.now()
      state.withLock {
        $0.levels = levels
        $0.readAt = now
      }
    }
  }
}
