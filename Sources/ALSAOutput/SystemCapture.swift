import BirdsongAudio
import CALSA
import Foundation

/// A capture device (the kiosk's room microphone) opened through alsa-lib: one channel (the
/// first, when the device only offers more), read as floats in -1...1.
public final class SystemCapture {
  public let device: String
  public let sampleRate: Int
  /// The channels the device delivers; only the first is kept.
  public let channels: Int
  /// False for devices that deliver as fast as they are read (null, file): the reader paces
  /// itself to the clock, as a microphone would.
  public let paces: Bool
  private let format: SampleFormat
  private let alsa: any ALSACalls
  private var handle: OpaquePointer?
  private var bytes: [UInt8] = []

  public init(name: String, sampleRate: Int, alsa: any ALSACalls = LibASound.shared) throws {
    self.alsa = alsa
    device = name
    let (opened, pcm) = alsa.pcmOpen(name, SND_PCM_STREAM_CAPTURE, SND_PCM_NONBLOCK)
    if opened < 0 { throw ALSAError("snd_pcm_open", code: opened, device: name) }
    guard let pcm else { throw ALSAError("snd_pcm_open", code: -ENODEV, device: name) }
    do {
      try SystemPCM.check(alsa.pcmNonblock(pcm, 0), "snd_pcm_nonblock", name)
      (format, channels, self.sampleRate) = try Self.configure(pcm, name: name, sampleRate: sampleRate, alsa: alsa)
    } catch {
      _ = alsa.pcmClose(pcm)
      throw error
    }
    let type = alsa.pcmType(pcm)
    paces = type != SND_PCM_TYPE_NULL && type != SND_PCM_TYPE_FILE
    handle = pcm
  }

  deinit { close() }

  /// Reads up to `samples.count` frames into `samples` (the first channel); blocks until they
  /// come. Returns the frames read, or a negative errno (-EPIPE: an overrun, already recovered
  /// from; anything else: the device has a problem).
  public func read(into samples: inout [Float]) -> Int {
    guard let handle else { return Int(-EBADFD) }
    let frameBytes = format.bytesPerSample * channels
    if bytes.count < samples.count * frameBytes { bytes = [UInt8](repeating: 0, count: samples.count * frameBytes) }
    let got = bytes.withUnsafeMutableBytes { alsa.pcmReadi(handle, $0.baseAddress!, snd_pcm_uframes_t(samples.count)) }
    if got == -Int(EPIPE) || got == -Int(ESTRPIPE) {
      _ = alsa.pcmPrepare(handle)
      return got
    }
    guard got > 0 else { return got }
    bytes.withUnsafeBytes { raw in
      for frame in 0..<got {
        let offset = frame * frameBytes
        switch format {
        case .float32: samples[frame] = raw.loadUnaligned(fromByteOffset: offset, as: Float.self)
        case .pcm32: samples[frame] = Float(raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)) / 2_147_483_648
        case .pcm16: samples[frame] = Float(raw.loadUnaligned(fromByteOffset: offset, as: Int16.self)) / 32768
        case .pcm24:
          let value = Int32(raw[offset]) | Int32(raw[offset + 1]) << 8 | Int32(Int8(bitPattern: raw[offset + 2])) << 16
          samples[frame] = Float(value) / 8_388_608
        }
      }
    }
    return got
  }

  public func close() {
    if let handle { _ = alsa.pcmClose(handle) }
    handle = nil
  }

  private static func configure(
    _ pcm: OpaquePointer, name: String, sampleRate: Int, alsa: any ALSACalls
  ) throws -> (SampleFormat, Int, Int) {
    try SystemPCM.withHardwareParameters(pcm, name: name, alsa: alsa, what: "the microphone") { hw, format in
      let (channels, rate) = try configure(pcm, hw, name: name, sampleRate: sampleRate, alsa: alsa)
      return (format, channels, rate)
    }
  }

  /// Channels, rate and buffer of a capture device (format and access are set already).
  private static func configure(
    _ pcm: OpaquePointer, _ hw: OpaquePointer, name: String, sampleRate: Int, alsa: any ALSACalls
  ) throws -> (Int, Int) {
    let check = SystemPCM.check
    // One channel if it offers one, else its fewest (a stereo-only USB microphone).
    var fewest: UInt32 = 1
    try check(alsa.hwParamsGetChannelsMin(hw, &fewest), "snd_pcm_hw_params_get_channels_min", name)
    let channels = max(fewest, 1)
    try check(alsa.hwParamsSetChannels(pcm, hw, channels), "snd_pcm_hw_params_set_channels", name)
    var rate = UInt32(sampleRate)
    try check(alsa.hwParamsSetRateNear(pcm, hw, &rate), "snd_pcm_hw_params_set_rate_near", name)
    guard (16000...192_000).contains(Int(rate)) else {
      throw ALSAConfigurationError(
        message: "the microphone '\(name)' records at \(rate) Hz; octave bands up to 8 kHz need at least 16000 Hz: "
          + "use its plughw: name, which converts")
    }
    // 20 ms periods, 8 of them: a reader that is late for a moment loses nothing.
    var period = snd_pcm_uframes_t(Int(rate) / 50)
    try check(alsa.hwParamsSetPeriodSizeNear(pcm, hw, &period), "snd_pcm_hw_params_set_period_size_near", name)
    var buffer = period * 8
    try check(alsa.hwParamsSetBufferSizeNear(pcm, hw, &buffer), "snd_pcm_hw_params_set_buffer_size_near", name)
    try check(alsa.hwParams(pcm, hw), "snd_pcm_hw_params", name)
    return (Int(channels), Int(rate))
  }
}
