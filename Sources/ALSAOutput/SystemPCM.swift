import BirdsongAudio
import CALSA
import Foundation

/// A playback device opened through alsa-lib: every snd_pcm_* call on it goes through an
/// `ALSACalls` (alsa-lib itself, or a simulated device in tests).
public final class SystemPCM: PCMDevice {
  public let configuration: PCMConfiguration
  private let alsa: any ALSACalls
  private var handle: OpaquePointer?

  /// Opens and configures `name` for `request`: interleaved access, the best sample format
  /// the device takes, exactly the channels asked for, the nearest rate and period sizes.
  public static let open: PCMOpener = { name, request in try SystemPCM(name: name, request: request) }

  /// An opener through other alsa-lib calls (a simulated device).
  public static func opener(through alsa: any ALSACalls) -> PCMOpener {
    { name, request in try SystemPCM(name: name, request: request, alsa: alsa) }
  }

  public init(name: String, request: PCMRequest, alsa: any ALSACalls = LibASound.shared) throws {
    self.alsa = alsa
    // Opened without blocking: a card another program holds answers EBUSY at once instead of
    // keeping this thread (and a stop request) waiting; writes block again once it is ours.
    let (opened, pcm) = alsa.pcmOpen(name, SND_PCM_STREAM_PLAYBACK, SND_PCM_NONBLOCK)
    try Self.check(opened, "snd_pcm_open", name)
    guard let pcm else { throw ALSAError("snd_pcm_open", code: -ENODEV, device: name) }
    do {
      try Self.check(alsa.pcmNonblock(pcm, 0), "snd_pcm_nonblock", name)
      configuration = try Self.configure(pcm, name: name, request: request, alsa: alsa)
    } catch {
      _ = alsa.pcmClose(pcm)
      throw error
    }
    handle = pcm
  }

  deinit { close() }

  public func write(_ bytes: UnsafeRawPointer, frames: Int) -> Int {
    guard let handle else { return Int(-EBADFD) }
    return alsa.pcmWritei(handle, bytes, snd_pcm_uframes_t(frames))
  }

  public func prepare() -> Int32 {
    guard let handle else { return -EBADFD }
    return alsa.pcmPrepare(handle)
  }

  public func resume() -> Int32 {
    guard let handle else { return -EBADFD }
    return alsa.pcmResume(handle)
  }

  public func delay() -> Int {
    guard let handle else { return 0 }
    var frames: snd_pcm_sframes_t = 0
    return alsa.pcmDelay(handle, &frames) == 0 ? max(frames, 0) : 0
  }

  public var isDisconnected: Bool {
    guard let handle else { return true }
    return alsa.pcmState(handle) == SND_PCM_STATE_DISCONNECTED
  }

  // Stopping and closing are best effort: the device may be gone already, and there is
  // nothing to do about a failure but carry on closing.
  public func drop() {
    if let handle { _ = alsa.pcmDrop(handle) }
  }

  public func drain() {
    if let handle { _ = alsa.pcmDrain(handle) }
  }

  public func close() {
    if let handle { _ = alsa.pcmClose(handle) }
    handle = nil
  }

  static func check(_ result: Int32, _ call: String, _ device: String) throws {
    if result < 0 { throw ALSAError(call, code: result, device: device) }
  }

  static let formats: [(SampleFormat, snd_pcm_format_t)] = [
    (.float32, SND_PCM_FORMAT_FLOAT_LE), (.pcm32, SND_PCM_FORMAT_S32_LE), (.pcm24, SND_PCM_FORMAT_S24_3LE),
    (.pcm16, SND_PCM_FORMAT_S16_LE),
  ]

  /// A hardware-parameter space for `pcm` with interleaved access and the first of our sample
  /// formats it takes; `body` sets the rest. Playback and capture both start here.
  /// - Parameter what: how a refusal names the device ("the sound device", "the microphone").
  static func withHardwareParameters<T>(
    _ pcm: OpaquePointer, name: String, alsa: any ALSACalls, what: String,
    _ body: (OpaquePointer, SampleFormat) throws -> T
  ) throws -> T {
    let (made, hwParams) = alsa.hwParamsMalloc()
    try check(made, "snd_pcm_hw_params_malloc", name)
    guard let hw = hwParams else { throw ALSAError("snd_pcm_hw_params_malloc", code: -ENOMEM, device: name) }
    defer { alsa.hwParamsFree(hw) }
    try check(alsa.hwParamsAny(pcm, hw), "snd_pcm_hw_params_any", name)
    try check(
      alsa.hwParamsSetAccess(pcm, hw, SND_PCM_ACCESS_RW_INTERLEAVED), "snd_pcm_hw_params_set_access", name)
    guard let (format, alsaFormat) = formats.first(where: { alsa.hwParamsTestFormat(pcm, hw, $0.1) == 0 }) else {
      throw ALSAConfigurationError(
        message: "\(what) '\(name)' takes none of the sample formats we use (float, 32, 24 or 16-bit); "
          + "try its plughw: name, which converts")
    }
    try check(alsa.hwParamsSetFormat(pcm, hw, alsaFormat), "snd_pcm_hw_params_set_format", name)
    return try body(hw, format)
  }

  private static func configure(
    _ pcm: OpaquePointer, name: String, request: PCMRequest, alsa: any ALSACalls
  ) throws -> PCMConfiguration {
    try withHardwareParameters(pcm, name: name, alsa: alsa, what: "the sound device") { hw, format in
      try configure(pcm, hw, format, name: name, request: request, alsa: alsa)
    }
  }

  private static func configure(
    _ pcm: OpaquePointer, _ hw: OpaquePointer, _ format: SampleFormat, name: String, request: PCMRequest,
    alsa: any ALSACalls
  ) throws -> PCMConfiguration {

    var maximum: UInt32 = 0
    try check(alsa.hwParamsGetChannelsMax(hw, &maximum), "snd_pcm_hw_params_get_channels_max", name)
    if alsa.hwParamsSetChannels(pcm, hw, UInt32(request.channels)) < 0 {
      throw ALSAConfigurationError(
        message: "the sound device '\(name)' plays at most \(maximum) channel(s), but the installation needs "
          + "\(request.channels); choose a device with more outputs ('birdsong devices') or use fewer channels")
    }
    var rate = UInt32(request.sampleRate)
    try check(alsa.hwParamsSetRateNear(pcm, hw, &rate), "snd_pcm_hw_params_set_rate_near", name)
    if Int(rate) != request.sampleRate {
      throw ALSAConfigurationError(
        message: "the sound device '\(name)' cannot play at \(request.sampleRate) Hz (nearest: \(rate) Hz); set "
          + "sample_rate: \(rate) in the config, or use the device's plughw: name, which converts")
    }
    var period = snd_pcm_uframes_t(max(Double(request.sampleRate) * request.latency / Double(request.periods), 32))
    try check(
      alsa.hwParamsSetPeriodSizeNear(pcm, hw, &period), "snd_pcm_hw_params_set_period_size_near", name)
    var buffer = period * snd_pcm_uframes_t(request.periods)
    try check(
      alsa.hwParamsSetBufferSizeNear(pcm, hw, &buffer), "snd_pcm_hw_params_set_buffer_size_near", name)
    try check(alsa.hwParams(pcm, hw), "snd_pcm_hw_params", name)
    try check(alsa.hwParamsGetPeriodSize(hw, &period), "snd_pcm_hw_params_get_period_size", name)
    try check(alsa.hwParamsGetBufferSize(hw, &buffer), "snd_pcm_hw_params_get_buffer_size", name)
    guard period > 0, buffer >= period else {
      throw ALSAConfigurationError(
        message: "the sound device '\(name)' agreed to an unusable buffer (\(buffer) frames, period \(period))")
    }

    // Start once the buffer is full; wake the writer when a period is free.
    let (madeSW, swParams) = alsa.swParamsMalloc()
    try check(madeSW, "snd_pcm_sw_params_malloc", name)
    guard let sw = swParams else { throw ALSAError("snd_pcm_sw_params_malloc", code: -ENOMEM, device: name) }
    defer { alsa.swParamsFree(sw) }
    try check(alsa.swParamsCurrent(pcm, sw), "snd_pcm_sw_params_current", name)
    try check(
      alsa.swParamsSetStartThreshold(pcm, sw, buffer / period * period), "snd_pcm_sw_params_set_start_threshold",
      name)
    try check(alsa.swParamsSetAvailMin(pcm, sw, period), "snd_pcm_sw_params_set_avail_min", name)
    try check(alsa.swParams(pcm, sw), "snd_pcm_sw_params", name)

    let type = alsa.pcmType(pcm)
    return PCMConfiguration(
      device: name, format: format, channels: request.channels, sampleRate: Int(rate), periodFrames: Int(period),
      bufferFrames: Int(buffer), paces: type != SND_PCM_TYPE_NULL && type != SND_PCM_TYPE_FILE)
  }
}
