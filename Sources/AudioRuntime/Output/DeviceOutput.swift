import ALSAOutput
import Foundation

/// An ALSA playback device: bird boxes and headphones alike.
public final class DeviceOutput: AudioOutput {
  public let name: String
  public let request: PCMRequest
  private let opener: PCMOpener
  private var playback: ALSAPlayback?
  private var lastCode: Int32 = 0

  public init(name: String, request: PCMRequest, opener: @escaping PCMOpener = SystemPCM.open) {
    self.name = name
    self.request = request
    self.opener = opener
  }

  public var channels: Int { request.channels }
  public var paces: Bool { playback?.configuration.paces ?? true }
  public var openedDescription: String { playback.map { "\($0.configuration)" } ?? "'\(name)' (closed)" }
  public var failure: String { "\(ALSAError("snd_pcm_writei", code: lastCode, device: name))" }

  public func open() throws {
    playback = ALSAPlayback(device: try opener(name, request))
  }

  public func write(_ samples: UnsafePointer<Float>, frames: Int) -> OutputWrite {
    guard let playback else {
      lastCode = -EBADFD
      return .failed
    }
    switch playback.play(samples, frames: frames) {
    case .played: return .written
    case .recoveredUnderrun: return .recoveredUnderrun
    case .recoveredSuspend: return .recoveredSuspend
    case .lost(let code):
      lastCode = code
      return .failed
    }
  }

  /// Lets what is queued be heard (bounded by the device's latency), then closes.
  public func close() {
    playback?.stop()
    playback = nil
  }

  public func abandon() {
    playback?.device.drop()
    playback?.device.close()
    playback = nil
  }
}
