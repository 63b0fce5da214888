import BirdsongSynthesis
import Foundation

/// Everything written as a listener with a hearing loss would hear it: each channel through
/// its own `HearingLossFilter`, then on to the output it wraps (a file, a device or a
/// stereo preview).
///
/// The filter delays the sound by its latency. To a file (an output nothing paces) the
/// delay is taken out: the first `latency` frames are held back and `close` plays the filter
/// out, so the file lines up with an unfiltered render, frame for frame. To a device, the
/// delay (about 0.6 s at 48 kHz) is left in, and every write passes on exactly as many frames as it got.
public final class HearingLossOutput: AudioOutput {
  public let inner: any AudioOutput
  public let channels: Int
  private let filters: [HearingLossFilter]
  private let buffer: UnsafeMutablePointer<Float>
  private let capacity: Int
  /// Frames still to be held back before a file's first frame.
  private var toSkip: Int

  /// - Parameters:
  ///   - attenuation: dB of loss at a frequency (Hz).
  ///   - maximumFrames: the most frames one write may bring (the runtime's block size).
  /// Whose hearing, for the log ("the median hearing of people aged 70").
  public let hearing: String

  public init(
    wrapping inner: any AudioOutput, sampleRate: Double, attenuation: (Double) -> Double,
    hearing: String = "a hearing loss", maximumFrames: Int = Mixer.blockSize
  ) {
    self.inner = inner
    self.hearing = hearing
    channels = inner.channels
    filters = (0..<inner.channels).map { _ in HearingLossFilter(sampleRate: sampleRate, attenuation: attenuation) }
    capacity = max(maximumFrames, filters[0].latency)
    buffer = .allocate(capacity: capacity * channels)
    toSkip = 0
  }

  deinit { buffer.deallocate() }

  /// Frames between a frame going in and its filtered self coming out.
  public var latency: Int { filters[0].latency }

  public func open() throws {
    try inner.open()
    // Known once open: a device paces, a file does not.
    toSkip = inner.paces ? 0 : latency
  }

  public func write(_ samples: UnsafePointer<Float>, frames: Int) -> OutputWrite {
    precondition(frames <= capacity, "a write larger than the hearing-loss stage's buffer")
    buffer.update(from: samples, count: frames * channels)
    for (channel, filter) in filters.enumerated() {
      filter.process(buffer + channel, count: frames, stride: channels)
    }
    let skipped = min(toSkip, frames)
    toSkip -= skipped
    guard frames > skipped else { return .written }
    return inner.write(buffer + skipped * channels, frames: frames - skipped)
  }

  /// Plays the filter out into a file (the last `latency` frames), then closes.
  public func close() throws {
    if !inner.paces {
      // `latency` frames of silence push the last of the sound through the filter.
      var left = latency
      while left > 0 {
        let frames = min(left, capacity)
        buffer.update(repeating: 0, count: frames * channels)
        for (channel, filter) in filters.enumerated() {
          filter.process(buffer + channel, count: frames, stride: channels)
        }
        let skipped = min(toSkip, frames)
        toSkip -= skipped
        if inner.write(buffer + skipped * channels, frames: frames - skipped) == .failed { break }
        left -= frames
      }
    }
    try inner.close()
  }

  public var paces: Bool { inner.paces }
  public var openedDescription: String { inner.openedDescription + " (as heard with \(hearing))" }
  public var failure: String { inner.failure }
  public func abandon() { inner.abandon() }
}
