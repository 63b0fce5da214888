/// How samples are stored in a WAV file.
public enum SampleFormat: String, Sendable, CaseIterable {
  case pcm16 = "16"
  case pcm24 = "24"
  case float32 = "float"

  public var bytesPerSample: Int {
    switch self {
    case .pcm16: 2
    case .pcm24: 3
    case .float32: 4
    }
  }

  public var bitsPerSample: Int { bytesPerSample * 8 }
}
