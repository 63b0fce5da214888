import CALSA
import Foundation

/// A playback device opened through alsa-lib: the one place that calls snd_pcm_* on a PCM.
public final class SystemPCM: PCMDevice {
  public let configuration: PCMConfiguration
  private var handle: OpaquePointer?

  /// Opens and configures `name` for `request`: interleaved access, the best sample format
  /// the device takes, exactly the channels asked for, the nearest rate and period sizes.
  public static let open: PCMOpener = { name, request in try SystemPCM(name: name, request: request) }

  public init(name: String, request: PCMRequest) throws {
    birdsong_alsa_silence_errors()
    var pcm: OpaquePointer?
    try Self.check(snd_pcm_open(&pcm, name, SND_PCM_STREAM_PLAYBACK, 0), "snd_pcm_open", name)
    guard let pcm else { throw ALSAError("snd_pcm_open", code: -ENODEV, device: name) }
    do {
      configuration = try Self.configure(pcm, name: name, request: request)
    } catch {
      snd_pcm_close(pcm)
      throw error
    }
    handle = pcm
  }

  deinit { close() }

  public func write(_ bytes: UnsafeRawPointer, frames: Int) -> Int {
    guard let handle else { return Int(-EBADFD) }
    return snd_pcm_writei(handle, bytes, snd_pcm_uframes_t(frames))
  }

  public func prepare() -> Int32 {
    guard let handle else { return -EBADFD }
    return snd_pcm_prepare(handle)
  }

  public func resume() -> Int32 {
    guard let handle else { return -EBADFD }
    return snd_pcm_resume(handle)
  }

  public func delay() -> Int {
    guard let handle else { return 0 }
    var frames: snd_pcm_sframes_t = 0
    return snd_pcm_delay(handle, &frames) == 0 ? max(frames, 0) : 0
  }

  public var isDisconnected: Bool {
    guard let handle else { return true }
    return snd_pcm_state(handle) == SND_PCM_STATE_DISCONNECTED
  }

  public func drop() {
    if let handle { snd_pcm_drop(handle) }
  }

  public func drain() {
    if let handle { snd_pcm_drain(handle) }
  }

  public func close() {
    if let handle { snd_pcm_close(handle) }
    handle = nil
  }

  private static func check(_ result: Int32, _ call: String, _ device: String) throws {
    if result < 0 { throw ALSAError(call, code: result, device: device) }
  }

  private static func configure(_ pcm: OpaquePointer, name: String, request: PCMRequest) throws -> PCMConfiguration {
    var hw: OpaquePointer?
    try check(snd_pcm_hw_params_malloc(&hw), "snd_pcm_hw_params_malloc", name)
    defer { snd_pcm_hw_params_free(hw) }
    try check(snd_pcm_hw_params_any(pcm, hw), "snd_pcm_hw_params_any", name)
    try check(
      snd_pcm_hw_params_set_access(pcm, hw, SND_PCM_ACCESS_RW_INTERLEAVED), "snd_pcm_hw_params_set_access", name)

    let formats: [(PCMSampleFormat, snd_pcm_format_t)] = [
      (.float32, SND_PCM_FORMAT_FLOAT_LE), (.int32, SND_PCM_FORMAT_S32_LE), (.int24Packed, SND_PCM_FORMAT_S24_3LE),
      (.int16, SND_PCM_FORMAT_S16_LE),
    ]
    guard let (format, alsaFormat) = formats.first(where: { snd_pcm_hw_params_test_format(pcm, hw, $0.1) == 0 }) else {
      throw ALSAConfigurationError(
        message: "the sound device '\(name)' takes none of the sample formats we write (float, 32, 24 or 16-bit); "
          + "try its plughw: name, which converts")
    }
    try check(snd_pcm_hw_params_set_format(pcm, hw, alsaFormat), "snd_pcm_hw_params_set_format", name)

    var maximum: UInt32 = 0
    snd_pcm_hw_params_get_channels_max(hw, &maximum)
    if snd_pcm_hw_params_set_channels(pcm, hw, UInt32(request.channels)) < 0 {
      throw ALSAConfigurationError(
        message: "the sound device '\(name)' plays at most \(maximum) channel(s), but the installation needs "
          + "\(request.channels); choose a device with more outputs ('birdsong devices') or use fewer channels")
    }
    var rate = UInt32(request.sampleRate)
    try check(snd_pcm_hw_params_set_rate_near(pcm, hw, &rate, nil), "snd_pcm_hw_params_set_rate_near", name)
    if Int(rate) != request.sampleRate {
      throw ALSAConfigurationError(
        message: "the sound device '\(name)' cannot play at \(request.sampleRate) Hz (nearest: \(rate) Hz); set "
          + "sample_rate: \(rate) in the config, or use the device's plughw: name, which converts")
    }
    var period = snd_pcm_uframes_t(max(Double(request.sampleRate) * request.latency / Double(request.periods), 32))
    try check(
      snd_pcm_hw_params_set_period_size_near(pcm, hw, &period, nil), "snd_pcm_hw_params_set_period_size_near", name)
    var buffer = period * snd_pcm_uframes_t(request.periods)
    try check(
      snd_pcm_hw_params_set_buffer_size_near(pcm, hw, &buffer), "snd_pcm_hw_params_set_buffer_size_near", name)
    try check(snd_pcm_hw_params(pcm, hw), "snd_pcm_hw_params", name)
    snd_pcm_hw_params_get_period_size(hw, &period, nil)
    snd_pcm_hw_params_get_buffer_size(hw, &buffer)

    // Start once the buffer is full; wake the writer when a period is free.
    var sw: OpaquePointer?
    try check(snd_pcm_sw_params_malloc(&sw), "snd_pcm_sw_params_malloc", name)
    defer { snd_pcm_sw_params_free(sw) }
    try check(snd_pcm_sw_params_current(pcm, sw), "snd_pcm_sw_params_current", name)
    try check(
      snd_pcm_sw_params_set_start_threshold(pcm, sw, buffer / period * period), "snd_pcm_sw_params_set_start_threshold",
      name)
    try check(snd_pcm_sw_params_set_avail_min(pcm, sw, period), "snd_pcm_sw_params_set_avail_min", name)
    try check(snd_pcm_sw_params(pcm, sw), "snd_pcm_sw_params", name)

    let type = snd_pcm_type(pcm)
    return PCMConfiguration(
      device: name, format: format, channels: request.channels, sampleRate: Int(rate), periodFrames: Int(period),
      bufferFrames: Int(buffer), paces: type != SND_PCM_TYPE_NULL && type != SND_PCM_TYPE_FILE)
  }
}
