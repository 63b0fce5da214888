import AudioRuntime
import BirdsongAudio
import Testing

@Suite struct StereoPreviewTests {
  /// One frame through an eight-channel preview: the stereo pair it becomes.
  func preview(_ frame: [Float]) throws -> (left: Float, right: Float) {
    let sink = MemorySink(channels: 2)
    let preview = StereoPreview(wrapping: SinkOutput([sink]), channels: frame.count)
    try preview.open()
    #expect(frame.withUnsafeBufferPointer { preview.write($0.baseAddress!, frames: 1) } == .written)
    try preview.close()
    return (sink.samples[0], sink.samples[1])
  }

  @Test func theFirstBoxIsFarLeftTheLastFarRightAndTheMiddleOnesBetween() throws {
    func box(_ index: Int) -> [Float] { (0..<8).map { $0 == index ? 1 : 0 } }
    let first = try preview(box(0))
    let last = try preview(box(7))
    #expect(first.left > 0 && first.right == 0)
    #expect(last.right > 0 && abs(last.left) < 1e-7)
    // Moving right box by box: the left share falls, the right share rises.
    let pairs = try (0..<8).map { try preview(box($0)) }
    for (a, b) in zip(pairs, pairs.dropFirst()) {
      #expect(b.left < a.left && b.right > a.right)
    }
    // Equal power: every box as loud overall wherever it stands.
    let powers = pairs.map { $0.left * $0.left + $0.right * $0.right }
    #expect(powers.allSatisfy { abs($0 - powers[0]) < 1e-5 })
  }

  @Test func allBoxesAtFullLevelTogetherAreNoLouderThanOneAlone() throws {
    let together = try preview([Float](repeating: 0.7, count: 8))
    #expect(together.left <= 0.7 + 1e-6 && together.right <= 0.7 + 1e-6)
    let inverted = try preview([Float](repeating: -0.7, count: 8))
    #expect(inverted.left >= -0.7 - 1e-6 && inverted.right >= -0.7 - 1e-6)
  }
}
