import Foundation

/// Reads WAV and RF64 files: PCM 8/16/24/32-bit, IEEE float 32/64-bit, plain or extensible.
public final class WAVReader {
  public let path: String
  public let sampleRate: Int
  public let channels: Int
  public let bitsPerSample: Int
  public let isFloat: Bool
  public let isRF64: Bool
  /// The channel mask of an extensible header, if there was one.
  public let channelMask: UInt32?
  public let frames: UInt64

  private let handle: FileHandle
  private let dataOffset: UInt64
  private var framesRead: UInt64 = 0

  public init(path: String) throws {
    self.path = path
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw WAVError.cannotRead(
        path: path, reason: FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")
    }
    self.handle = handle
    func fail(_ reason: String) -> WAVError { .notWAV(path: path, reason: reason) }
    func read(_ count: Int) throws -> [UInt8] {
      let data = try handle.read(upToCount: count) ?? Data()
      guard data.count == count else { throw fail("the file ends inside its header") }
      return [UInt8](data)
    }
    let riff = try read(12)
    let kind = String(decoding: riff[0..<4], as: UTF8.self)
    guard kind == "RIFF" || kind == "RF64", String(decoding: riff[8..<12], as: UTF8.self) == "WAVE" else {
      throw fail("it does not start with RIFF/RF64 ... WAVE")
    }
    isRF64 = kind == "RF64"
    var format: (tag: Int, channels: Int, rate: Int, bits: Int, mask: UInt32?, sub: Int)?
    var rf64DataSize: UInt64?
    var offset: UInt64 = 12
    while true {
      let chunk = try read(8)
      let id = String(decoding: chunk[0..<4], as: UTF8.self)
      let size = UInt64(Self.u32(chunk, 4))
      offset += 8
      if id == "data" {
        let bytes = isRF64 && size == 0xFFFF_FFFF ? (rf64DataSize ?? 0) : size
        guard let format else { throw fail("the data chunk comes before the fmt chunk") }
        let tag = format.tag == 0xFFFE ? format.sub : format.tag
        guard tag == 1 || tag == 3 else { throw fail("sample format tag \(tag) is neither PCM (1) nor float (3)") }
        guard format.channels > 0, format.bits % 8 == 0, format.bits > 0 else {
          throw fail("its fmt chunk is inconsistent")
        }
        sampleRate = format.rate
        channels = format.channels
        bitsPerSample = format.bits
        isFloat = tag == 3
        channelMask = format.mask
        dataOffset = offset
        frames = bytes / UInt64(channels * bitsPerSample / 8)
        return
      }
      let body = try read(Int(size + size % 2))
      offset += size + size % 2
      if id == "fmt " {
        guard size >= 16 else { throw fail("its fmt chunk is too short") }
        let extensible = Self.u16(body, 0) == 0xFFFE && size >= 40
        format = (
          Self.u16(body, 0), Self.u16(body, 2), Int(Self.u32(body, 4)), Self.u16(body, 14),
          extensible ? Self.u32(body, 20) : nil, extensible ? Self.u16(body, 24) : 0
        )
      } else if id == "ds64" {
        rf64DataSize = UInt64(Self.u32(body, 8)) | UInt64(Self.u32(body, 12)) << 32
      }
    }
  }

  deinit {
    try? handle.close()
  }

  /// Reads up to `count` frames as interleaved floats in [-1, 1]; empty at the end.
  public func read(frames count: Int) throws -> [Float] {
    let wanted = min(UInt64(count), frames - framesRead)
    let width = bitsPerSample / 8
    try handle.seek(toOffset: dataOffset + framesRead * UInt64(channels * width))
    let data = try handle.read(upToCount: Int(wanted) * channels * width) ?? Data()
    let samples = data.count / width
    framesRead += UInt64(samples / channels)
    return data.withUnsafeBytes { raw in
      (0..<samples).map { i in
        let p = raw.baseAddress! + i * width
        switch (isFloat, width) {
        case (true, 4): return Float(bitPattern: p.loadUnaligned(as: UInt32.self).littleEndian)
        case (true, 8): return Float(Double(bitPattern: p.loadUnaligned(as: UInt64.self).littleEndian))
        case (false, 1): return (Float(p.load(as: UInt8.self)) - 128) / 128
        case (false, 2): return Float(Int16(littleEndian: p.loadUnaligned(as: Int16.self))) / 32768
        case (false, 3):
          let b = p.assumingMemoryBound(to: UInt8.self)
          let v = Int32(bitPattern: UInt32(b[0]) << 8 | UInt32(b[1]) << 16 | UInt32(b[2]) << 24) >> 8
          return Float(v) / 8_388_608
        default: return Float(Int32(littleEndian: p.loadUnaligned(as: Int32.self))) / 2_147_483_648
        }
      }
    }
  }

  /// Every remaining frame.
  public func readAll() throws -> [Float] {
    try read(frames: Int(frames - framesRead))
  }

  private static func u16(_ bytes: [UInt8], _ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
  private static func u32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
    UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
  }
}
