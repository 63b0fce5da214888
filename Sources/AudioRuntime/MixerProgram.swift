import BirdsongSynthesis

/// A mixer played as it is, with no commands: a render, a species, a stimulus, the sweep.
public final class MixerProgram: AudioProgram {
  public enum Command: Sendable {}

  public let mixer: Mixer

  public init(_ mixer: Mixer) {
    self.mixer = mixer
  }

  public func apply(_ command: inout Command) {}
}
