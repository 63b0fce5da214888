import Foundation

/// Living with a sound server that owns the card (PipeWire, through its ALSA plugin).
public enum SoundServer {
  /// Asks PipeWire's ALSA plugin to link our channels one to one instead of remixing them.
  /// PipeWire otherwise fits a stream to the sink's channel positions: the installation's
  /// eight channels (which ALSA calls FL FR FC LFE RL RR SL SR) arrive on a card in its pro-
  /// audio profile (AUX0-AUX7) folded into the first two, and six boxes fall silent. With
  /// `stream.dont-remix`, box N plays on channel N. A PIPEWIRE_ALSA the user set is kept.
  public static func keepChannelsInOrder() {
    setenv("PIPEWIRE_ALSA", "{ stream.dont-remix = true }", 0)
  }
}
