import Foundation

/// Mixes mono generators onto the channels of an interleaved output (one channel per bird
/// box), each with its own gain, then runs the safety stage.
///
/// It always renders whole blocks of `blockSize` frames on the audio clock, whatever size
/// its callers ask for, so the samples never depend on how a sink cuts its writes.
public final class Mixer {
  public static let blockSize = 1024

  public struct Input {
    public var generator: any AudioGenerator
    public let channel: Int
    /// Target gain (linear); changes glide over `gainGlide` to avoid clicks.
    public var gain: Float
    fileprivate var currentGain: Float
  }

  public let channels: Int
  public let sampleRate: Double
  public private(set) var inputs: [Input] = []
  public var safety: SafetyStage
  /// Frames rendered so far: the audio clock.
  public private(set) var time = 0

  private let scratch: UnsafeMutablePointer<Float>
  private let block: UnsafeMutablePointer<Float>
  private var blockIsSilent = true
  private var blockOffset = Mixer.blockSize  // frames of `block` already handed out
  private let gainStep: Float
  private var fadeOut: (at: Int, seconds: Double)?

  public init(channels: Int, sampleRate: Double, capDBFS: Double, gainGlide: Double = 0.02) {
    self.channels = channels
    self.sampleRate = sampleRate
    safety = SafetyStage(channels: channels, sampleRate: sampleRate, capDBFS: capDBFS)
    scratch = .allocate(capacity: Self.blockSize)
    scratch.initialize(repeating: 0, count: Self.blockSize)
    block = .allocate(capacity: Self.blockSize * channels)
    block.initialize(repeating: 0, count: Self.blockSize * channels)
    gainStep = Float(1 / max(gainGlide * sampleRate, 1))
  }

  deinit {
    scratch.deallocate()
    block.deallocate()
  }

  /// Adds a generator on `channel` (0-based) at `gainDB`; returns its index.
  @discardableResult
  public func add(_ generator: any AudioGenerator, channel: Int, gainDB: Double = 0) -> Int {
    precondition(channel >= 0 && channel < channels, "channel \(channel) is not one of 0..<\(channels)")
    let gain = Float(pow(10, gainDB / 20))
    inputs.append(Input(generator: generator, channel: channel, gain: gain, currentGain: gain))
    return inputs.count - 1
  }

  /// Sets an input's gain; the change glides, so it never clicks.
  public func setGain(_ gain: Float, forInput index: Int) {
    inputs[index].gain = gain
  }

  /// Fades everything to silence from the block that starts at or after frame `at` (audio clock).
  public func scheduleFadeOut(at frame: Int, over seconds: Double) {
    fadeOut = (frame, seconds)
  }

  /// Writes the next `frames` interleaved frames into `output`.
  public func render(into output: UnsafeMutablePointer<Float>, frames: Int) {
    var written = 0
    while written < frames {
      if blockOffset == Self.blockSize { renderBlock() }
      let count = min(frames - written, Self.blockSize - blockOffset)
      (output + written * channels).update(from: block + blockOffset * channels, count: count * channels)
      blockOffset += count
      written += count
    }
  }

  private func renderBlock() {
    let frames = Self.blockSize
    let channels = channels
    var sounded = false
    if let fade = fadeOut, time >= fade.at {
      safety.fadeOut(over: fade.seconds, sampleRate: sampleRate)
      fadeOut = nil
    }
    if !blockIsSilent { block.update(repeating: 0, count: frames * channels) }
    for index in inputs.indices {
      if !inputs[index].generator.render(adding: scratch, frames: frames) { continue }
      sounded = true
      let channel = inputs[index].channel
      var gain = inputs[index].currentGain
      let target = inputs[index].gain
      for frame in 0..<frames {
        if gain != target { gain = target > gain ? min(gain + gainStep, target) : max(gain - gainStep, target) }
        block[frame * channels + channel] += gain * scratch[frame]
        scratch[frame] = 0
      }
      inputs[index].currentGain = gain
    }
    if sounded || !safety.isSteady {
      safety.process(block, frames: frames)
    }
    blockIsSilent = !sounded
    blockOffset = 0
    time += frames
  }
}
