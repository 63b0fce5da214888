import CALSA
import Foundation

/// Every alsa-lib call the playback and capture code makes on a PCM, one method each, named after the C
/// function it wraps: the one seam between our code and the sound system. `LibASound` calls
/// alsa-lib; tests put a simulated device here (which formats, channels and rates it takes,
/// how its writes fail), so negotiation and failures are tested without a sound card.
///
/// Methods return what the C function returns: 0 or a frame count, or a negative errno.
public protocol ALSACalls: AnyObject, Sendable {
  func pcmOpen(_ name: String, _ stream: snd_pcm_stream_t, _ mode: Int32) -> (Int32, OpaquePointer?)
  func pcmClose(_ pcm: OpaquePointer) -> Int32
  func pcmNonblock(_ pcm: OpaquePointer, _ nonblock: Int32) -> Int32
  func pcmType(_ pcm: OpaquePointer) -> snd_pcm_type_t

  func hwParamsMalloc() -> (Int32, OpaquePointer?)
  func hwParamsFree(_ hw: OpaquePointer)
  func hwParamsAny(_ pcm: OpaquePointer, _ hw: OpaquePointer) -> Int32
  func hwParamsSetAccess(_ pcm: OpaquePointer, _ hw: OpaquePointer, _ access: snd_pcm_access_t) -> Int32
  func hwParamsTestFormat(_ pcm: OpaquePointer, _ hw: OpaquePointer, _ format: snd_pcm_format_t) -> Int32
  func hwParamsSetFormat(_ pcm: OpaquePointer, _ hw: OpaquePointer, _ format: snd_pcm_format_t) -> Int32
  func hwParamsGetChannelsMax(_ hw: OpaquePointer, _ channels: inout UInt32) -> Int32
  func hwParamsGetChannelsMin(_ hw: OpaquePointer, _ channels: inout UInt32) -> Int32
  func hwParamsSetChannels(_ pcm: OpaquePointer, _ hw: OpaquePointer, _ channels: UInt32) -> Int32
  func hwParamsSetRateNear(_ pcm: OpaquePointer, _ hw: OpaquePointer, _ rate: inout UInt32) -> Int32
  func hwParamsSetPeriodSizeNear(_ pcm: OpaquePointer, _ hw: OpaquePointer, _ frames: inout snd_pcm_uframes_t)
    -> Int32
  func hwParamsSetBufferSizeNear(_ pcm: OpaquePointer, _ hw: OpaquePointer, _ frames: inout snd_pcm_uframes_t)
    -> Int32
  func hwParams(_ pcm: OpaquePointer, _ hw: OpaquePointer) -> Int32
  func hwParamsGetPeriodSize(_ hw: OpaquePointer, _ frames: inout snd_pcm_uframes_t) -> Int32
  func hwParamsGetBufferSize(_ hw: OpaquePointer, _ frames: inout snd_pcm_uframes_t) -> Int32

  func swParamsMalloc() -> (Int32, OpaquePointer?)
  func swParamsFree(_ sw: OpaquePointer)
  func swParamsCurrent(_ pcm: OpaquePointer, _ sw: OpaquePointer) -> Int32
  func swParamsSetStartThreshold(_ pcm: OpaquePointer, _ sw: OpaquePointer, _ frames: snd_pcm_uframes_t) -> Int32
  func swParamsSetAvailMin(_ pcm: OpaquePointer, _ sw: OpaquePointer, _ frames: snd_pcm_uframes_t) -> Int32
  func swParams(_ pcm: OpaquePointer, _ sw: OpaquePointer) -> Int32

  func pcmWritei(_ pcm: OpaquePointer, _ bytes: UnsafeRawPointer, _ frames: snd_pcm_uframes_t) -> Int
  func pcmReadi(_ pcm: OpaquePointer, _ bytes: UnsafeMutableRawPointer, _ frames: snd_pcm_uframes_t) -> Int
  func pcmPrepare(_ pcm: OpaquePointer) -> Int32
  func pcmResume(_ pcm: OpaquePointer) -> Int32
  func pcmDelay(_ pcm: OpaquePointer, _ frames: inout snd_pcm_sframes_t) -> Int32
  func pcmState(_ pcm: OpaquePointer) -> snd_pcm_state_t
  func pcmDrop(_ pcm: OpaquePointer) -> Int32
  func pcmDrain(_ pcm: OpaquePointer) -> Int32
}

extension ALSACalls {
  /// Simulated playback devices have nothing to capture and one channel count.
  public func hwParamsGetChannelsMin(_ hw: OpaquePointer, _ channels: inout UInt32) -> Int32 {
    hwParamsGetChannelsMax(hw, &channels)
  }
  public func pcmReadi(_ pcm: OpaquePointer, _ bytes: UnsafeMutableRawPointer, _ frames: snd_pcm_uframes_t) -> Int {
    Int(-ENOSYS)
  }
}

/// alsa-lib itself.
public final class LibASound: ALSACalls {
  public static let shared = LibASound()

  private init() {
    birdsong_alsa_silence_errors()
  }

  public func pcmOpen(_ name: String, _ stream: snd_pcm_stream_t, _ mode: Int32) -> (Int32, OpaquePointer?) {
    var pcm: OpaquePointer?
    let result = snd_pcm_open(&pcm, name, stream, mode)
    return (result, pcm)
  }
  public func pcmClose(_ pcm: OpaquePointer) -> Int32 { snd_pcm_close(pcm) }
  public func pcmNonblock(_ pcm: OpaquePointer, _ nonblock: Int32) -> Int32 { snd_pcm_nonblock(pcm, nonblock) }
  public func pcmType(_ pcm: OpaquePointer) -> snd_pcm_type_t { snd_pcm_type(pcm) }

  public func hwParamsMalloc() -> (Int32, OpaquePointer?) {
    var hw: OpaquePointer?
    let result = snd_pcm_hw_params_malloc(&hw)
    return (result, hw)
  }
  public func hwParamsFree(_ hw: OpaquePointer) { snd_pcm_hw_params_free(hw) }
  public func hwParamsAny(_ pcm: OpaquePointer, _ hw: OpaquePointer) -> Int32 { snd_pcm_hw_params_any(pcm, hw) }
  public func hwParamsSetAccess(_ pcm: OpaquePointer, _ hw: OpaquePointer, _ access: snd_pcm_access_t) -> Int32 {
    snd_pcm_hw_params_set_access(pcm, hw, access)
  }
  public func hwParamsTestFormat(_ pcm: OpaquePointer, _ hw: OpaquePointer, _ format: snd_pcm_format_t) -> Int32 {
    snd_pcm_hw_params_test_format(pcm, hw, format)
  }
  public func hwParamsSetFormat(_ pcm: OpaquePointer, _ hw: OpaquePointer, _ format: snd_pcm_format_t) -> Int32 {
    snd_pcm_hw_params_set_format(pcm, hw, format)
  }
  public func hwParamsGetChannelsMax(_ hw: OpaquePointer, _ channels: inout UInt32) -> Int32 {
    snd_pcm_hw_params_get_channels_max(hw, &channels)
  }
  public func hwParamsGetChannelsMin(_ hw: OpaquePointer, _ channels: inout UInt32) -> Int32 {
    snd_pcm_hw_params_get_channels_min(hw, &channels)
  }
  public func hwParamsSetChannels(_ pcm: OpaquePointer, _ hw: OpaquePointer, _ channels: UInt32) -> Int32 {
    snd_pcm_hw_params_set_channels(pcm, hw, channels)
  }
  public func hwParamsSetRateNear(_ pcm: OpaquePointer, _ hw: OpaquePointer, _ rate: inout UInt32) -> Int32 {
    snd_pcm_hw_params_set_rate_near(pcm, hw, &rate, nil)
  }
  public func hwParamsSetPeriodSizeNear(
    _ pcm: OpaquePointer, _ hw: OpaquePointer, _ frames: inout snd_pcm_uframes_t
  ) -> Int32 {
    snd_pcm_hw_params_set_period_size_near(pcm, hw, &frames, nil)
  }
  public func hwParamsSetBufferSizeNear(
    _ pcm: OpaquePointer, _ hw: OpaquePointer, _ frames: inout snd_pcm_uframes_t
  ) -> Int32 {
    snd_pcm_hw_params_set_buffer_size_near(pcm, hw, &frames)
  }
  public func hwParams(_ pcm: OpaquePointer, _ hw: OpaquePointer) -> Int32 { snd_pcm_hw_params(pcm, hw) }
  public func hwParamsGetPeriodSize(_ hw: OpaquePointer, _ frames: inout snd_pcm_uframes_t) -> Int32 {
    snd_pcm_hw_params_get_period_size(hw, &frames, nil)
  }
  public func hwParamsGetBufferSize(_ hw: OpaquePointer, _ frames: inout snd_pcm_uframes_t) -> Int32 {
    snd_pcm_hw_params_get_buffer_size(hw, &frames)
  }

  public func swParamsMalloc() -> (Int32, OpaquePointer?) {
    var sw: OpaquePointer?
    let result = snd_pcm_sw_params_malloc(&sw)
    return (result, sw)
  }
  public func swParamsFree(_ sw: OpaquePointer) { snd_pcm_sw_params_free(sw) }
  public func swParamsCurrent(_ pcm: OpaquePointer, _ sw: OpaquePointer) -> Int32 {
    snd_pcm_sw_params_current(pcm, sw)
  }
  public func swParamsSetStartThreshold(_ pcm: OpaquePointer, _ sw: OpaquePointer, _ frames: snd_pcm_uframes_t)
    -> Int32
  {
    snd_pcm_sw_params_set_start_threshold(pcm, sw, frames)
  }
  public func swParamsSetAvailMin(_ pcm: OpaquePointer, _ sw: OpaquePointer, _ frames: snd_pcm_uframes_t) -> Int32 {
    snd_pcm_sw_params_set_avail_min(pcm, sw, frames)
  }
  public func swParams(_ pcm: OpaquePointer, _ sw: OpaquePointer) -> Int32 { snd_pcm_sw_params(pcm, sw) }

  public func pcmWritei(_ pcm: OpaquePointer, _ bytes: UnsafeRawPointer, _ frames: snd_pcm_uframes_t) -> Int {
    snd_pcm_writei(pcm, bytes, frames)
  }
  public func pcmReadi(_ pcm: OpaquePointer, _ bytes: UnsafeMutableRawPointer, _ frames: snd_pcm_uframes_t) -> Int {
    snd_pcm_readi(pcm, bytes, frames)
  }
  public func pcmPrepare(_ pcm: OpaquePointer) -> Int32 { snd_pcm_prepare(pcm) }
  public func pcmResume(_ pcm: OpaquePointer) -> Int32 { snd_pcm_resume(pcm) }
  public func pcmDelay(_ pcm: OpaquePointer, _ frames: inout snd_pcm_sframes_t) -> Int32 {
    snd_pcm_delay(pcm, &frames)
  }
  public func pcmState(_ pcm: OpaquePointer) -> snd_pcm_state_t { snd_pcm_state(pcm) }
  public func pcmDrop(_ pcm: OpaquePointer) -> Int32 { snd_pcm_drop(pcm) }
  public func pcmDrain(_ pcm: OpaquePointer) -> Int32 { snd_pcm_drain(pcm) }
}
