import CALSA
import Foundation

/// The sound cards and PCM names on this machine: what `aplay -l` and `aplay -L` show,
/// together, with what each card's playback devices can do.
public enum DeviceList {
  public struct Card: Sendable {
    public var index: Int
    public var id: String
    public var name: String
    public var devices: [Device]

    public init(index: Int, id: String, name: String, devices: [Device]) {
      self.index = index
      self.id = id
      self.name = name
      self.devices = devices
    }
  }

  public struct Device: Sendable {
    /// The stable name: it does not change when cards are plugged in another order.
    public var stableName: String
    public var name: String
    public var maxChannels: Int?
    public var rates: [Int]
    /// Why the device could not be asked (busy, say).
    public var problem: String?
  }

  public struct PCMName: Sendable {
    public var name: String
    public var description: String
  }

  static let commonRates = [44100, 48000, 88200, 96000, 192_000]

  public static func cards() -> [Card] {
    birdsong_alsa_silence_errors()
    var cards: [Card] = []
    var index: Int32 = -1
    while snd_card_next(&index) == 0, index >= 0 {
      var control: OpaquePointer?
      guard snd_ctl_open(&control, "hw:\(index)", 0) == 0, let control else { continue }
      defer { snd_ctl_close(control) }
      var info: OpaquePointer?
      snd_ctl_card_info_malloc(&info)
      defer { snd_ctl_card_info_free(info) }
      guard snd_ctl_card_info(control, info) == 0 else { continue }
      let id = String(cString: snd_ctl_card_info_get_id(info))
      let name = String(cString: snd_ctl_card_info_get_name(info))
      var devices: [Device] = []
      var device: Int32 = -1
      while snd_ctl_pcm_next_device(control, &device) == 0, device >= 0 {
        var pcmInfo: OpaquePointer?
        snd_pcm_info_malloc(&pcmInfo)
        defer { snd_pcm_info_free(pcmInfo) }
        snd_pcm_info_set_device(pcmInfo, UInt32(device))
        snd_pcm_info_set_subdevice(pcmInfo, 0)
        snd_pcm_info_set_stream(pcmInfo, SND_PCM_STREAM_PLAYBACK)
        guard snd_ctl_pcm_info(control, pcmInfo) == 0 else { continue }  // capture only
        let stable = "hw:CARD=\(id),DEV=\(device)"
        devices.append(probe(stable, name: String(cString: snd_pcm_info_get_name(pcmInfo))))
      }
      cards.append(Card(index: Int(index), id: id, name: name, devices: devices))
    }
    return cards
  }

  /// Opens a hardware device briefly to ask its channel count and rates.
  static func probe(_ stableName: String, name: String) -> Device {
    var pcm: OpaquePointer?
    let opened = snd_pcm_open(&pcm, stableName, SND_PCM_STREAM_PLAYBACK, SND_PCM_NONBLOCK)
    guard opened == 0, let pcm else {
      return Device(
        stableName: stableName, name: name, maxChannels: nil, rates: [],
        problem: String(cString: snd_strerror(opened)))
    }
    defer { snd_pcm_close(pcm) }
    var hw: OpaquePointer?
    snd_pcm_hw_params_malloc(&hw)
    defer { snd_pcm_hw_params_free(hw) }
    snd_pcm_hw_params_any(pcm, hw)
    var channels: UInt32 = 0
    snd_pcm_hw_params_get_channels_max(hw, &channels)
    let rates = commonRates.filter { snd_pcm_hw_params_test_rate(pcm, hw, UInt32($0), 0) == 0 }
    return Device(stableName: stableName, name: name, maxChannels: Int(channels), rates: rates, problem: nil)
  }

  /// Every playback PCM name alsa-lib knows (snd_device_name_hint).
  public static func pcmNames() -> [PCMName] {
    birdsong_alsa_silence_errors()
    var hints: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
    guard snd_device_name_hint(-1, "pcm", &hints) == 0, let hints else { return [] }
    defer { snd_device_name_free_hint(hints) }
    func hint(_ entry: UnsafeMutableRawPointer, _ key: String) -> String? {
      guard let value = snd_device_name_get_hint(entry, key) else { return nil }
      defer { free(value) }
      return String(cString: value)
    }
    var names: [PCMName] = []
    var cursor = hints
    while let entry = cursor.pointee {
      if let name = hint(entry, "NAME"), hint(entry, "IOID") ?? "Output" == "Output" {
        let description = (hint(entry, "DESC") ?? "").replacingOccurrences(of: "\n", with: ", ")
        names.append(PCMName(name: name, description: description))
      }
      cursor += 1
    }
    return names
  }
}
