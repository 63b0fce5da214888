import BirdsongSynthesis
import Foundation

/// The installation on two speakers: each box's channel panned to its own place, the first
/// far left, the last far right, in channel order, so that a laptop or headphones hear what
/// the bird boxes would play and where. Wraps a stereo output.
///
/// Panning keeps each box's power (cos/sin law), and the gains are scaled so that the left
/// gains add up to at most 1, and the right ones too: all boxes at full level together cannot
/// go past the loudest one alone, so the safety stage's cap still holds after the mix. The
/// price is level: with eight boxes each sounds about 14 dB quieter than on its own speaker.
public final class StereoPreview: AudioOutput {
  public let channels: Int
  public let stereo: any AudioOutput
  /// Per source channel: its gain into the left and into the right.
  public let gains: [(left: Float, right: Float)]
  private let buffer: UnsafeMutablePointer<Float>
  private let capacity: Int

  /// - Parameters:
  ///   - stereo: a two-channel output.
  ///   - channels: the installation's channels, mixed down in `write`.
  ///   - maximumFrames: the most frames one write may bring (the runtime's block size).
  public init(wrapping stereo: any AudioOutput, channels: Int, maximumFrames: Int = Mixer.blockSize) {
    precondition(stereo.channels == 2 && channels >= 1, "a stereo preview takes a two-channel output")
    self.stereo = stereo
    self.channels = channels
    capacity = maximumFrames
    buffer = .allocate(capacity: 2 * maximumFrames)
    let places = (0..<channels).map { channels == 1 ? 0.5 : Double($0) / Double(channels - 1) }
    let raw = places.map { (left: cos($0 * .pi / 2), right: sin($0 * .pi / 2)) }
    let scale = 1 / max(raw.map(\.left).reduce(0, +), raw.map(\.right).reduce(0, +))
    gains = raw.map { (left: Float($0.left * scale), right: Float($0.right * scale)) }
  }

  deinit { buffer.deallocate() }

  public func open() throws { try stereo.open() }

  public func write(_ samples: UnsafePointer<Float>, frames: Int) -> OutputWrite {
    precondition(frames <= capacity, "a write larger than the preview's buffer")
    for frame in 0..<frames {
      var left: Float = 0
      var right: Float = 0
      let source = samples + frame * channels
      for channel in 0..<channels {
        left += source[channel] * gains[channel].left
        right += source[channel] * gains[channel].right
      }
      buffer[2 * frame] = left
      buffer[2 * frame + 1] = right
    }
    return stereo.write(buffer, frames: frames)
  }

  public var paces: Bool { stereo.paces }
  public var openedDescription: String { stereo.openedDescription + " (a stereo preview of \(channels) channels)" }
  public var failure: String { stereo.failure }
  public func close() throws { try stereo.close() }
  public func abandon() { stereo.abandon() }
}
