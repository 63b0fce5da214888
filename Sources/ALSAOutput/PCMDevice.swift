import BirdsongAudio

/// What the installation asks of a playback device.
public struct PCMRequest: Sendable, Equatable {
  public var channels: Int
  public var sampleRate: Int
  /// Total buffer latency in seconds, split into `periods` periods.
  public var latency: Double
  public var periods: Int

  public init(channels: Int, sampleRate: Int, latency: Double = 0.04, periods: Int = 4) {
    self.channels = channels
    self.sampleRate = sampleRate
    self.latency = latency
    self.periods = periods
  }
}

/// What a device agreed to.
public struct PCMConfiguration: Sendable, Equatable, CustomStringConvertible {
  public var device: String
  public var format: SampleFormat
  public var channels: Int
  public var sampleRate: Int
  public var periodFrames: Int
  public var bufferFrames: Int
  /// False for devices that take data as fast as it comes (null, file): nothing paces them.
  public var paces: Bool

  public init(
    device: String, format: SampleFormat, channels: Int, sampleRate: Int, periodFrames: Int, bufferFrames: Int,
    paces: Bool
  ) {
    self.device = device
    self.format = format
    self.channels = channels
    self.sampleRate = sampleRate
    self.periodFrames = periodFrames
    self.bufferFrames = bufferFrames
    self.paces = paces
  }

  public var description: String {
    let ms = { (frames: Int) in String(format: "%.1f ms", Double(frames) * 1000 / Double(sampleRate)) }
    return "'\(device)': \(channels) channels, \(sampleRate) Hz, \(format.alsaName), period \(periodFrames) frames "
      + "(\(ms(periodFrames))), buffer \(bufferFrames) frames (\(ms(bufferFrames)))"
      + (paces ? "" : ", not paced by the device")
  }
}

/// An open playback device. Every alsa-lib call on a PCM goes through this seam, so that tests
/// can put a device in between that fails on cue (an unplugged USB card cannot be had here).
public protocol PCMDevice: AnyObject {
  var configuration: PCMConfiguration { get }
  /// Writes interleaved frames in the configured format; returns the frames taken or a
  /// negative errno (snd_pcm_writei).
  func write(_ bytes: UnsafeRawPointer, frames: Int) -> Int
  /// snd_pcm_prepare: 0 or a negative errno.
  func prepare() -> Int32
  /// snd_pcm_resume: 0, -EAGAIN while the device wakes, or another negative errno.
  func resume() -> Int32
  /// Frames written but not yet heard (snd_pcm_delay), 0 when unknown.
  func delay() -> Int
  /// True once the device has gone (state DISCONNECTED).
  var isDisconnected: Bool { get }
  /// Stops at once, dropping what is queued (snd_pcm_drop).
  func drop()
  /// Stops after what is queued has gone out (snd_pcm_drain). Only for devices that do not
  /// pace: on a sound card it can hang.
  func drain()
  func close()
}

/// Opens a device by name: `SystemPCM.open`, or a stand-in in tests.
public typealias PCMOpener = @Sendable (_ name: String, _ request: PCMRequest) throws -> any PCMDevice
