import BirdsongSynthesis
import Foundation

/// Streams audio to a WAV file in constant memory.
///
/// - 16, 24 or 32-bit PCM or 32-bit IEEE float, encoded by `SampleEncoder` (16-bit dithered).
/// - Mono or stereo 16-bit files use the plain PCM header. More than 2 channels or more than
///   16 bits use WAVE_FORMAT_EXTENSIBLE; its channel mask is 0x4 for mono, 0x3 for stereo and
///   0 (no speaker positions) for more channels, because each channel is a bird box, not a
///   loudspeaker position of a surround layout.
/// - The header reserves a JUNK chunk that becomes a ds64 chunk (RF64, EBU Tech 3306) when
///   the data passes 4 GiB.
/// - Samples go to a hidden temporary file beside the target; `finish` renames it into place,
///   so an interrupted render never leaves a broken file at the target path.
public final class WAVWriter: AudioSink {
  public let path: String
  public let sampleRate: Int
  public let channels: Int
  public let format: SampleFormat
  public private(set) var framesWritten: UInt64 = 0

  private let temporaryPath: String
  private var descriptor: Int32
  private static let bufferSize = 1 << 18
  private let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: WAVWriter.bufferSize + 1)
  private var filled = 0
  private var encoder: SampleEncoder
  private let rf64Threshold: UInt64
  private var finished = false

  /// - Parameter rf64Threshold: data size above which the file becomes RF64 (tests lower it).
  public init(
    path: String, sampleRate: Int, channels: Int, format: SampleFormat,
    rf64Threshold: UInt64 = UInt64(UInt32.max) - 1024
  ) throws {
    precondition(channels > 0 && sampleRate > 0)
    self.path = path
    self.sampleRate = sampleRate
    self.channels = channels
    self.format = format
    self.rf64Threshold = rf64Threshold
    encoder = SampleEncoder(format: format)
    let url = URL(fileURLWithPath: path)
    let folder = url.deletingLastPathComponent().path
    temporaryPath = folder + "/." + url.lastPathComponent + ".partial-\(getpid())"
    // Only a regular file is ever replaced: never a folder, a device or a pipe.
    var status = stat()
    if lstat(path, &status) == 0, status.st_mode & S_IFMT != S_IFREG {
      throw WAVError.cannotCreate(path: path, reason: "it exists and is not a regular file")
    }
    descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw WAVError.cannotCreate(path: path, reason: WAVError.reason(errno)) }
    let header = WAVHeader.bytes(
      sampleRate: sampleRate, channels: channels, format: format, frames: 0, dataBytes: 0, rf64: false)
    header.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress!, count: $0.count) }
    filled = header.count
  }

  deinit {
    if !finished { discard() }
    buffer.deallocate()
  }

  public func write(_ samples: UnsafeBufferPointer<Float>) throws {
    precondition(!finished, "write after finish")
    precondition(samples.count % channels == 0)
    let width = format.bytesPerSample
    var index = 0
    while index < samples.count {
      let count = min(samples.count - index, (Self.bufferSize - filled) / width)
      encoder.encode(samples.baseAddress! + index, count: count, into: buffer + filled)
      filled += count * width
      index += count
      if filled + width > Self.bufferSize { try flush() }
    }
    framesWritten += UInt64(samples.count / channels)
  }

  public func finish() throws {
    precondition(!finished, "finish called twice")
    do {
      let data = framesWritten * UInt64(channels * format.bytesPerSample)
      if data % 2 == 1 {
        buffer[filled] = 0  // RIFF chunks are padded to an even length
        filled += 1
      }
      try flush()
      let header = WAVHeader.bytes(
        sampleRate: sampleRate, channels: channels, format: format, frames: framesWritten, dataBytes: data,
        rf64: data > rf64Threshold)
      try header.withUnsafeBytes { raw in
        guard pwrite(descriptor, raw.baseAddress, raw.count, 0) == raw.count else {
          throw WAVError.writeFailed(path: path, reason: WAVError.reason(errno))
        }
      }
      guard fsync(descriptor) == 0 else { throw WAVError.writeFailed(path: path, reason: WAVError.reason(errno)) }
      close(descriptor)
      descriptor = -1
      guard rename(temporaryPath, path) == 0 else {
        throw WAVError.cannotCreate(path: path, reason: WAVError.reason(errno))
      }
      finished = true
    } catch {
      discard()
      throw error
    }
  }

  /// Abandons the file: the temporary file is removed and the target path left untouched.
  public func discard() {
    if descriptor >= 0 { close(descriptor) }
    descriptor = -1
    unlink(temporaryPath)
    finished = true
  }

  private func flush() throws {
    var offset = 0
    while offset < filled {
      let count = Glibc.write(descriptor, buffer + offset, filled - offset)
      if count < 0 {
        if errno == EINTR { continue }
        throw WAVError.writeFailed(path: path, reason: WAVError.reason(errno))
      }
      offset += count
    }
    filled = 0
  }
}

/// The bytes of a WAV or RF64 header, always the same length for a given layout.
enum WAVHeader {
  static let extensibleGUIDTail: [UInt8] = [
    0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71,
  ]

  static func usesExtensible(channels: Int, format: SampleFormat) -> Bool {
    channels > 2 || format != .pcm16
  }

  static func channelMask(channels: Int) -> UInt32 {
    switch channels {
    case 1: 0x4
    case 2: 0x3
    default: 0
    }
  }

  static func bytes(
    sampleRate: Int, channels: Int, format: SampleFormat, frames: UInt64, dataBytes: UInt64, rf64: Bool
  ) -> [UInt8] {
    var out: [UInt8] = []
    func tag(_ text: String) { out.append(contentsOf: Array(text.utf8)) }
    func u16(_ v: Int) { out.append(contentsOf: [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)]) }
    func u32(_ v: UInt64) {
      for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8((v >> UInt64(shift)) & 0xFF)) }
    }
    func u64(_ v: UInt64) {
      for shift in stride(from: 0, to: 64, by: 8) { out.append(UInt8((v >> UInt64(shift)) & 0xFF)) }
    }
    let clamp32 = { (v: UInt64) in rf64 ? UInt64(UInt32.max) : v }

    let extensible = usesExtensible(channels: channels, format: format)
    let isFloat = format == .float32
    let fmtLength = extensible ? 40 : 16
    let factLength = isFloat ? 12 : 0
    let headerLength = 12 + 36 + 8 + fmtLength + factLength + 8
    let padded = dataBytes + dataBytes % 2
    let riffSize = UInt64(headerLength - 8) + padded

    tag(rf64 ? "RF64" : "RIFF")
    u32(clamp32(riffSize))
    tag("WAVE")
    // Room for the ds64 chunk: JUNK while the file is a plain WAV.
    tag(rf64 ? "ds64" : "JUNK")
    u32(28)
    if rf64 {
      u64(riffSize)
      u64(dataBytes)
      u64(frames)
      u32(0)
    } else {
      out.append(contentsOf: [UInt8](repeating: 0, count: 28))
    }
    tag("fmt ")
    u32(UInt64(fmtLength))
    let blockAlign = channels * format.bytesPerSample
    u16(extensible ? 0xFFFE : (isFloat ? 3 : 1))
    u16(channels)
    u32(UInt64(sampleRate))
    u32(UInt64(sampleRate * blockAlign))
    u16(blockAlign)
    u16(format.bitsPerSample)
    if extensible {
      u16(22)
      u16(format.bitsPerSample)
      u32(UInt64(channelMask(channels: channels)))
      u16(isFloat ? 3 : 1)
      out.append(contentsOf: extensibleGUIDTail)
    }
    if isFloat {
      tag("fact")
      u32(4)
      u32(clamp32(frames))
    }
    tag("data")
    u32(clamp32(dataBytes))
    assert(out.count == headerLength)
    return out
  }
}
