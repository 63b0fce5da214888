import ALSAOutput
import CALSA
import Foundation
import Synchronization

/// A sound card simulated at the alsa-lib calls: which formats, channel counts and rates it
/// takes, how opening and writing fail, and every byte written to it.
final class SimulatedALSA: ALSACalls, Sendable {
  struct Card: Sendable {
    var formats: [snd_pcm_format_t] = [SND_PCM_FORMAT_FLOAT_LE]
    var maxChannels: UInt32 = 8
    var rates: [UInt32] = [48000]
    /// Asked on each open: 0 opens, a negative errno refuses.
    var openResult: @Sendable () -> Int32 = { 0 }
    /// Asked on each write: 0 takes the frames, a negative errno fails the write.
    var writeResult: @Sendable () -> Int32 = { 0 }
  }

  private struct State {
    var format = SND_PCM_FORMAT_UNKNOWN
    var channels: UInt32 = 0
    var rate: UInt32 = 0
    var period: snd_pcm_uframes_t = 0
    var buffer: snd_pcm_uframes_t = 0
    var written: [UInt8] = []
    var opens = 0
    var closes = 0
  }

  let card: Card
  private let state = Mutex(State())
  // Handles are tokens: nothing behind them is ever read.
  private var pcm: OpaquePointer { OpaquePointer(bitPattern: 0x10)! }
  private var hw: OpaquePointer { OpaquePointer(bitPattern: 0x20)! }
  private var sw: OpaquePointer { OpaquePointer(bitPattern: 0x30)! }

  init(_ card: Card) {
    self.card = card
  }

  var written: [UInt8] { state.withLock { $0.written } }
  var opens: Int { state.withLock { $0.opens } }
  var closes: Int { state.withLock { $0.closes } }

  func pcmOpen(_ name: String, _ stream: snd_pcm_stream_t, _ mode: Int32) -> (Int32, OpaquePointer?) {
    let result = card.openResult()
    if result == 0 { state.withLock { $0.opens += 1 } }
    return (result, result == 0 ? pcm : nil)
  }
  func pcmClose(_ pcm: OpaquePointer) -> Int32 {
    state.withLock { $0.closes += 1 }
    return 0
  }
  func pcmNonblock(_ pcm: OpaquePointer, _ nonblock: Int32) -> Int32 { 0 }
  func pcmType(_ pcm: OpaquePointer) -> snd_pcm_type_t { SND_PCM_TYPE_NULL }  // takes audio as fast as it comes

  func hwParamsMalloc() -> (Int32, OpaquePointer?) { (0, hw) }
  func hwParamsFree(_ hw: OpaquePointer) {}
  func hwParamsAny(_ pcm: OpaquePointer, _ hw: OpaquePointer) -> Int32 { 0 }
  func hwParamsSetAccess(_ pcm: OpaquePointer, _ hw: OpaquePointer, _ access: snd_pcm_access_t) -> Int32 {
    access == SND_PCM_ACCESS_RW_INTERLEAVED ? 0 : -EINVAL
  }
  func hwParamsTestFormat(_ pcm: OpaquePointer, _ hw: OpaquePointer, _ format: snd_pcm_format_t) -> Int32 {
    card.formats.contains(format) ? 0 : -EINVAL
  }
  func hwParamsSetFormat(_ pcm: OpaquePointer, _ hw: OpaquePointer, _ format: snd_pcm_format_t) -> Int32 {
    guard card.formats.contains(format) else { return -EINVAL }
    state.withLock { $0.format = format }
    return 0
  }
  func hwParamsGetChannelsMax(_ hw: OpaquePointer, _ channels: inout UInt32) -> Int32 {
    channels = card.maxChannels
    return 0
  }
  func hwParamsSetChannels(_ pcm: OpaquePointer, _ hw: OpaquePointer, _ channels: UInt32) -> Int32 {
    guard channels <= card.maxChannels else { return -EINVAL }
    state.withLock { $0.channels = channels }
    return 0
  }
  func hwParamsSetRateNear(_ pcm: OpaquePointer, _ hw: OpaquePointer, _ rate: inout UInt32) -> Int32 {
    let asked = rate
    rate = card.rates.min { abs(Int($0) - Int(asked)) < abs(Int($1) - Int(asked)) }!
    let chosen = rate
    state.withLock { $0.rate = chosen }
    return 0
  }
  func hwParamsSetPeriodSizeNear(_ pcm: OpaquePointer, _ hw: OpaquePointer, _ frames: inout snd_pcm_uframes_t)
    -> Int32
  {
    let chosen = frames
    state.withLock { $0.period = chosen }
    return 0
  }
  func hwParamsSetBufferSizeNear(_ pcm: OpaquePointer, _ hw: OpaquePointer, _ frames: inout snd_pcm_uframes_t)
    -> Int32
  {
    let chosen = frames
    state.withLock { $0.buffer = chosen }
    return 0
  }
  func hwParams(_ pcm: OpaquePointer, _ hw: OpaquePointer) -> Int32 { 0 }
  func hwParamsGetPeriodSize(_ hw: OpaquePointer, _ frames: inout snd_pcm_uframes_t) -> Int32 {
    frames = state.withLock { $0.period }
    return 0
  }
  func hwParamsGetBufferSize(_ hw: OpaquePointer, _ frames: inout snd_pcm_uframes_t) -> Int32 {
    frames = state.withLock { $0.buffer }
    return 0
  }

  func swParamsMalloc() -> (Int32, OpaquePointer?) { (0, sw) }
  func swParamsFree(_ sw: OpaquePointer) {}
  func swParamsCurrent(_ pcm: OpaquePointer, _ sw: OpaquePointer) -> Int32 { 0 }
  func swParamsSetStartThreshold(_ pcm: OpaquePointer, _ sw: OpaquePointer, _ frames: snd_pcm_uframes_t) -> Int32 {
    0
  }
  func swParamsSetAvailMin(_ pcm: OpaquePointer, _ sw: OpaquePointer, _ frames: snd_pcm_uframes_t) -> Int32 { 0 }
  func swParams(_ pcm: OpaquePointer, _ sw: OpaquePointer) -> Int32 { 0 }

  func pcmWritei(_ pcm: OpaquePointer, _ bytes: UnsafeRawPointer, _ frames: snd_pcm_uframes_t) -> Int {
    let result = card.writeResult()
    guard result == 0 else { return Int(result) }
    state.withLock { state in
      let width = Int(snd_pcm_format_physical_width(state.format)) / 8
      let count = Int(frames) * Int(state.channels) * width
      state.written.append(contentsOf: UnsafeRawBufferPointer(start: bytes, count: count))
    }
    return Int(frames)
  }
  func pcmPrepare(_ pcm: OpaquePointer) -> Int32 { 0 }
  func pcmResume(_ pcm: OpaquePointer) -> Int32 { 0 }
  func pcmDelay(_ pcm: OpaquePointer, _ frames: inout snd_pcm_sframes_t) -> Int32 {
    frames = 0
    return 0
  }
  func pcmState(_ pcm: OpaquePointer) -> snd_pcm_state_t { SND_PCM_STATE_RUNNING }
  func pcmDrop(_ pcm: OpaquePointer) -> Int32 { 0 }
  func pcmDrain(_ pcm: OpaquePointer) -> Int32 { 0 }
}
