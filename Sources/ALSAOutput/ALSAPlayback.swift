import BirdsongAudio
import Foundation

/// Plays interleaved float frames on an open device: converts them to the device's format
/// and recovers from underruns and suspends on the spot. A device that has gone is reported,
/// not retried: reopening it is the caller's business (it can take seconds).
public final class ALSAPlayback {
  public enum Outcome: Equatable {
    case played
    /// The device ran dry and was restarted (counted in `underruns`).
    case recoveredUnderrun
    /// The system suspended the device and it was woken.
    case recoveredSuspend
    /// The device is gone (unplugged) or failed for good: close it and reopen later.
    case lost(Int32)
  }

  public let device: any PCMDevice
  public var configuration: PCMConfiguration { device.configuration }
  public private(set) var underruns = 0
  public private(set) var suspends = 0

  private let bytes: UnsafeMutableRawPointer
  private let capacityFrames: Int
  /// The same encoder, and dither, as WAV files.
  private var encoder: SampleEncoder

  public init(device: any PCMDevice) {
    self.device = device
    capacityFrames = max(device.configuration.periodFrames, 256)
    encoder = SampleEncoder(format: device.configuration.format)
    bytes = .allocate(
      byteCount: encoder.bytesNeeded(for: capacityFrames * device.configuration.channels), alignment: 16)
  }

  deinit {
    bytes.deallocate()
  }

  /// Plays `frames` interleaved frames, finite and within [-1, 1] (what a `Mixer` gives).
  /// Blocks while a pacing device's buffer is full.
  public func play(_ samples: UnsafePointer<Float>, frames: Int) -> Outcome {
    var outcome = Outcome.played
    var done = 0
    let channels = configuration.channels
    // Float devices take the samples as they are (little-endian hosts; the mixer's safety
    // stage has already made every sample finite and within the cap); others get them encoded.
    let direct = configuration.format == .float32 && Int(littleEndian: 1) == 1
    while done < frames {
      let count = direct ? frames - done : min(frames - done, capacityFrames)
      let source = direct ? UnsafeRawPointer(samples + done * channels) : UnsafeRawPointer(bytes)
      if !direct { encoder.encode(samples + done * channels, count: count * channels, into: bytes) }
      var offset = 0
      while offset < count {
        let frameBytes = channels * configuration.format.bytesPerSample
        let result = device.write(source + offset * frameBytes, frames: count - offset)
        if result >= 0 {
          offset += result
          continue
        }
        switch Int32(result) {
        case -EINTR, -EAGAIN:
          continue
        case -EPIPE:
          underruns += 1
          outcome = .recoveredUnderrun
          if device.prepare() < 0 { return .lost(Int32(result)) }
        case -ESTRPIPE:
          suspends += 1
          outcome = .recoveredSuspend
          if !wake() { return .lost(Int32(result)) }
        default:
          return .lost(Int32(result))
        }
      }
      done += count
    }
    return outcome
  }

  /// After a suspend: resume (retrying while the device wakes, up to about 5 s), else prepare.
  private func wake() -> Bool {
    for _ in 0..<50 {
      let result = device.resume()
      if result == 0 { return true }
      if result != -EAGAIN { break }
      usleep(100_000)
    }
    return device.prepare() >= 0
  }

  /// Ends playback within the device's latency: waits (bounded) for what is queued, such as a
  /// fade, to be heard, then drops the rest. A sound card is never drained (snd_pcm_drain can
  /// hang on one); a device that does not pace (null, file) is, so a capture file gets all.
  public func stop() {
    if configuration.paces {
      let queued = min(device.delay(), configuration.bufferFrames)
      usleep(UInt32(Double(queued) / Double(configuration.sampleRate) * 1_000_000))
      device.drop()
    } else {
      device.drain()
    }
    device.close()
  }
}
