import ALSAOutput
import Installation

extension InstallationConfig {
  /// What the installation asks of its sound device.
  public var pcmRequest: PCMRequest {
    PCMRequest(channels: channels, sampleRate: sampleRate, latency: latencyMilliseconds / 1000)
  }
}
