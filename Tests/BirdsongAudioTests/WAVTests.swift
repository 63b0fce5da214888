import BirdsongAudio
import Foundation
import TestSupport
import Testing

@Suite struct WAVTests {
  /// A signal that uses the whole range, distinct on every channel.
  func signal(frames: Int, channels: Int) -> [Float] {
    (0..<frames * channels).map { i in
      let (frame, channel) = (i / channels, i % channels)
      return Float(0.9 * sin(Double(frame) * 0.01 * Double(channel + 1)))
    }
  }

  func write(_ samples: [Float], to path: String, channels: Int, format: SampleFormat, rf64Threshold: UInt64? = nil)
    throws
  {
    let writer =
      try rf64Threshold.map {
        try WAVWriter(path: path, sampleRate: 48000, channels: channels, format: format, rf64Threshold: $0)
      } ?? WAVWriter(path: path, sampleRate: 48000, channels: channels, format: format)
    try samples.withUnsafeBufferPointer { try writer.write($0) }
    try writer.finish()
  }

  @Test(arguments: [
    (SampleFormat.pcm16, 1), (.pcm16, 2), (.pcm16, 8), (.pcm24, 1), (.pcm24, 8), (.float32, 2), (.float32, 3),
  ])
  func roundTripsThroughOurReader(format: SampleFormat, channels: Int) throws {
    let path = temporaryFolder() + "/x.wav"
    let samples = signal(frames: 4801, channels: channels)
    try write(samples, to: path, channels: channels, format: format)
    let reader = try WAVReader(path: path)
    #expect(reader.channels == channels && reader.sampleRate == 48000 && reader.frames == 4801)
    #expect(reader.bitsPerSample == format.bitsPerSample)
    let back = try reader.readAll()
    #expect(back.count == samples.count)
    let tolerance: Float = format == .pcm16 ? 2.5 / 32768 : (format == .pcm24 ? 1.0 / 8_000_000 : 0)
    let worst = zip(back, samples).map { abs($0 - $1) }.max()!
    #expect(worst <= tolerance)
    if channels > 2 || format != .pcm16 {
      #expect(reader.channelMask == (channels == 1 ? 0x4 : channels == 2 ? 0x3 : 0))
    } else {
      #expect(reader.channelMask == nil)
    }
  }

  @Test(arguments: [(SampleFormat.pcm16, "16-bit"), (.pcm24, "24-bit"), (.float32, "32-bit")])
  func soxReadsWhatWeWrite(format: SampleFormat, precision: String) throws {
    let path = temporaryFolder() + "/x.wav"
    try write(signal(frames: 48000, channels: 8), to: path, channels: 8, format: format)
    let info = try run("/usr/bin/soxi", [path])
    #expect(info.status == 0, "\(info.output)")
    #expect(info.output.contains("Channels       : 8"))
    #expect(info.output.contains("Sample Rate    : 48000"))
    #expect(info.output.contains(precision))
    #expect(info.output.contains("48000 samples"))
    // sox decodes every sample: its peak matches ours (0.9 on channel 8).
    let stat = try run("/usr/bin/sox", [path, "-n", "remix", "8", "stat"])
    let maximum = stat.output.split(separator: "\n").first { $0.hasPrefix("Maximum amplitude") }
    let value = Double(maximum?.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "") ?? 0
    #expect(abs(value - 0.9) < 0.001, "\(stat.output)")
  }

  @Test func becomesRF64WhenTheDataPassesTheLimit() throws {
    let path = temporaryFolder() + "/big.wav"
    let samples = signal(frames: 10000, channels: 2)
    try write(samples, to: path, channels: 2, format: .pcm24, rf64Threshold: 50_000)
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    #expect(String(decoding: bytes[0..<4], as: UTF8.self) == "RF64")
    #expect(String(decoding: bytes[12..<16], as: UTF8.self) == "ds64")
    #expect(bytes[4..<8].allSatisfy { $0 == 0xFF })
    let reader = try WAVReader(path: path)
    #expect(reader.isRF64 && reader.frames == 10000)
    let back = try reader.readAll()
    #expect(zip(back, samples).allSatisfy { abs($0 - $1) < 1e-6 })
  }

  @Test func smallFilesStayPlainWAVWithAJunkChunkReservedForRF64() throws {
    let path = temporaryFolder() + "/small.wav"
    try write(signal(frames: 100, channels: 1), to: path, channels: 1, format: .pcm16)
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    #expect(String(decoding: bytes[0..<4], as: UTF8.self) == "RIFF")
    #expect(String(decoding: bytes[12..<16], as: UTF8.self) == "JUNK")
    #expect(try WAVReader(path: path).isRF64 == false)
  }

  @Test func anAbandonedWriteLeavesNothingBehind() throws {
    let folder = temporaryFolder()
    let path = folder + "/x.wav"
    try Data("an older file".utf8).write(to: URL(fileURLWithPath: path))
    do {
      let writer = try WAVWriter(path: path, sampleRate: 48000, channels: 1, format: .pcm16)
      try signal(frames: 1000, channels: 1).withUnsafeBufferPointer { try writer.write($0) }
      writer.discard()
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["x.wav"])
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "an older file")
  }

  @Test func refusesAFolderThatDoesNotExistWithAReason() {
    #expect {
      try WAVWriter(path: "/no/such/folder/x.wav", sampleRate: 48000, channels: 1, format: .pcm16)
    } throws: { error in
      "\(error)".contains("/no/such/folder/x.wav") && "\(error)".contains("folder does not exist")
    }
  }

  @Test func neverReplacesAFolderOrADevice() throws {
    let folder = temporaryFolder()
    #expect(throws: WAVError.self) { try WAVWriter(path: folder, sampleRate: 48000, channels: 1, format: .pcm16) }
    #expect(throws: WAVError.self) { try WAVWriter(path: "/dev/zero", sampleRate: 48000, channels: 1, format: .pcm16) }
    #expect(throws: WAVError.self) { try AtomicFile.write([1, 2, 3], to: "/dev/zero") }
    var status = stat()
    #expect(stat("/dev/zero", &status) == 0 && status.st_mode & S_IFMT == S_IFCHR)
  }

  @Test func readerRefusesFilesThatAreNotWAV() throws {
    let path = temporaryFolder() + "/not.wav"
    try Data("hello, this is text and not audio at all".utf8).write(to: URL(fileURLWithPath: path))
    #expect(throws: WAVError.self) { try WAVReader(path: path) }
  }
}
