/// How samples are stored, in a WAV file or on a sound device (little-endian throughout).
public enum SampleFormat: String, Sendable, CaseIterable {
  case pcm16 = "16"
  case pcm24 = "24"
  case pcm32 = "32"
  case float32 = "float"

  public var bytesPerSample: Int {
    switch self {
    case .pcm16: 2
    case .pcm24: 3
    case .pcm32, .float32: 4
    }
  }

  public var bitsPerSample: Int { bytesPerSample * 8 }

  /// alsa-lib's name for it.
  public var alsaName: String {
    switch self {
    case .pcm16: "S16_LE"
    case .pcm24: "S24_3LE"
    case .pcm32: "S32_LE"
    case .float32: "FLOAT_LE"
    }
  }
}
