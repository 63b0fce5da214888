import Foundation

/// Mixes mono generators onto the channels of an interleaved output (one channel per bird
/// box), each with its own gain, then runs the safety stage.
///
/// It always renders whole blocks of `blockSize` frames on the audio clock, whatever size its
/// callers ask for, so the samples never depend on how a sink cuts its writes. Work follows
/// sound: a channel that is silent now and was silent in the block before costs nothing.
public final class Mixer {
  public static let blockSize = 1024

  public struct Input {
    public var generator: any AudioGenerator
    public let channel: Int
    /// Target gain (linear); changes glide over the mixer's glide time, so they never click.
    public var gain: Float
    fileprivate var currentGain: Float
  }

  public let channels: Int
  public let sampleRate: Double
  public private(set) var inputs: [Input] = []
  public private(set) var safety: SafetyStage
  /// Frames rendered so far: the audio clock.
  public private(set) var time = 0

  /// One block per input, where each generator renders.
  private var rendered: UnsafeMutablePointer<Float>
  private var renderedSounded: [Bool] = []
  /// One block per channel (planar), where inputs are mixed and the safety stage runs.
  private let planar: UnsafeMutablePointer<Float>
  /// The interleaved block handed to callers.
  private let block: UnsafeMutablePointer<Float>
  private var blockOffset = Mixer.blockSize
  private var soundedNow: [Bool]
  private var soundedBefore: [Bool]
  /// Channels mixed in the planar buffer this block (several inputs, a glide, or the safety
  /// stage at work).
  private var mixedNow: [Bool]
  /// Channels fed by exactly one input.
  private var singleInput: [Bool]
  private let gainStep: Float
  private var fadeOut: (at: Int, seconds: Double)?

  public init(channels: Int, sampleRate: Double, capDBFS: Double, gainGlide: Double = 0.02) {
    precondition(channels > 0)
    self.channels = channels
    self.sampleRate = sampleRate
    safety = SafetyStage(channels: channels, sampleRate: sampleRate, capDBFS: capDBFS)
    let size = Self.blockSize
    rendered = .allocate(capacity: 0)
    planar = .allocate(capacity: size * channels)
    planar.initialize(repeating: 0, count: size * channels)
    block = .allocate(capacity: size * channels)
    block.initialize(repeating: 0, count: size * channels)
    soundedNow = Array(repeating: false, count: channels)
    soundedBefore = soundedNow
    mixedNow = soundedNow
    singleInput = soundedNow
    gainStep = Float(1 / max(gainGlide * sampleRate, 1))
  }

  deinit {
    rendered.deallocate()
    planar.deallocate()
    block.deallocate()
  }

  /// Adds a generator on `channel` (0-based) at `gainDB`; returns its index. Add inputs before
  /// rendering: adding allocates.
  @discardableResult
  public func add(_ generator: any AudioGenerator, channel: Int, gainDB: Double = 0) -> Int {
    precondition(channel >= 0 && channel < channels, "channel \(channel) is not one of 0..<\(channels)")
    let gain = Float(pow(10, gainDB / 20))
    inputs.append(Input(generator: generator, channel: channel, gain: gain, currentGain: gain))
    let old = rendered
    rendered = .allocate(capacity: inputs.count * Self.blockSize)
    rendered.initialize(repeating: 0, count: inputs.count * Self.blockSize)
    old.deallocate()
    renderedSounded = Array(repeating: false, count: inputs.count)
    singleInput[channel] = !inputs.dropLast().contains { $0.channel == channel }
    return inputs.count - 1
  }

  /// Changes an input's generator between blocks (to make a bird sing now, say).
  public func updateGenerator(ofInput index: Int, _ body: (inout any AudioGenerator) -> Void) {
    body(&inputs[index].generator)
  }

  /// Sounds an input's generator has started (songs, plays), read in place.
  public func soundsStarted(byInput index: Int) -> Int { inputs[index].generator.soundsStarted }

  /// Whether an input's generator is sounding, read in place.
  public func isSounding(input index: Int) -> Bool { inputs[index].generator.isSounding }

  /// Sets an input's gain (linear); the change glides, so it never clicks, unless it is
  /// `immediately` (for a mixer that has not started: there is nothing to click yet).
  public func setGain(_ gain: Float, forInput index: Int, immediately: Bool = false) {
    inputs[index].gain = gain
    if immediately { inputs[index].currentGain = gain }
  }

  /// Fades everything to silence from the block that starts at or after frame `at` (audio clock).
  public func scheduleFadeOut(at frame: Int, over seconds: Double) {
    fadeOut = (frame, seconds)
  }

  /// Fades everything to silence so that the fade is over before frame `end`: it starts on the
  /// last block boundary that leaves room for it. Offline and live rendering of the same
  /// length both end this way, so their samples match to the last frame.
  public func scheduleFadeOut(endingBefore end: Int, over seconds: Double) {
    let fadeFrames = Int(seconds * sampleRate)
    scheduleFadeOut(at: max(end - fadeFrames - Self.blockSize, 0) / Self.blockSize * Self.blockSize, over: seconds)
  }

  /// Moves the audio clock on by at least `frames` (whole blocks) without synthesising them:
  /// every generator keeps its schedule, what was sounding is dropped, and the output fades
  /// in again from silence. For after an outage, when nobody heard the missed time.
  public func skip(frames: Int) {
    precondition(blockOffset == Self.blockSize, "skip called partway through a block")
    let blocks = (max(frames, 0) + Self.blockSize - 1) / Self.blockSize
    guard blocks > 0 else { return }
    for index in inputs.indices {
      inputs[index].generator.skip(frames: blocks * Self.blockSize)
      inputs[index].currentGain = inputs[index].gain
    }
    safety.restartFadeIn(sampleRate: sampleRate)
    time += blocks * Self.blockSize
  }

  /// Writes the next `frames` interleaved frames into `output`.
  public func render(into output: UnsafeMutablePointer<Float>, frames: Int) {
    var written = 0
    while written < frames {
      if blockOffset == Self.blockSize { renderBlock() }
      let count = min(frames - written, Self.blockSize - blockOffset)
      Self.copy(block + blockOffset * channels, to: output + written * channels, count: count * channels)
      blockOffset += count
      written += count
    }
  }

  /// The largest magnitude on `channel` in the last whole block (after the safety stage):
  /// for level meters. A channel that was silent costs nothing.
  public func peak(ofChannel channel: Int) -> Float {
    guard soundedBefore[channel] else { return 0 }
    var peak: Float = 0
    for frame in 0..<Self.blockSize { peak = max(peak, abs(block[frame * channels + channel])) }
    return peak
  }

  /// Renders the next whole block and lends it out (interleaved, `blockSize` frames) until
  /// the next call: no copy, for callers that can take whole blocks. Do not mix with
  /// `render(into:frames:)` partway through a block.
  public func nextBlock() -> UnsafeBufferPointer<Float> {
    precondition(blockOffset == Self.blockSize, "nextBlock called partway through a block")
    renderBlock()
    blockOffset = Self.blockSize
    return UnsafeBufferPointer(start: block, count: Self.blockSize * channels)
  }

  private func renderBlock() {
    let frames = Self.blockSize
    if let fade = fadeOut, time >= fade.at {
      safety.fadeOut(over: fade.seconds, sampleRate: sampleRate)
      fadeOut = nil
    }
    for channel in 0..<channels { soundedNow[channel] = false }
    for index in inputs.indices {
      let source = rendered + index * frames
      if renderedSounded[index] { source.update(repeating: 0, count: frames) }
      renderedSounded[index] = inputs[index].generator.render(adding: source, frames: frames)
      guard renderedSounded[index] else {
        // Silence cannot click: a gain change made while an input is silent takes effect at
        // once, so its next sound does not glide in from the old gain (a box paused between
        // songs would otherwise leak the first 20 ms of its next one).
        inputs[index].currentGain = inputs[index].gain
        continue
      }
      let channel = inputs[index].channel
      let gain = inputs[index].currentGain
      if !soundedNow[channel], singleInput[channel], gain == inputs[index].gain,
        safety.isTransparent(channel: channel),
        Self.interleave(source, gain: gain, cap: safety.cap, into: block + channel, stride: channels, frames: frames)
      {
        // The common case in one pass: one box on the channel at a steady gain, under the cap.
        soundedNow[channel] = true
        continue
      }
      mix(index, into: planar + channel * frames, first: !soundedNow[channel])
      soundedNow[channel] = true
      mixedNow[channel] = true
    }
    for channel in 0..<channels {
      let buffer = planar + channel * frames
      if mixedNow[channel] {
        safety.process(channel: channel, buffer, frames: frames)
        _ = Self.interleave(buffer, gain: 1, cap: .infinity, into: block + channel, stride: channels, frames: frames)
        mixedNow[channel] = false
      } else if !soundedNow[channel] {
        if !safety.isSteady(channel: channel) { safety.advance(channel: channel, frames: frames) }
        // The block keeps its samples between calls: a lane silent twice running is zero already.
        if soundedBefore[channel] { Self.silence(block + channel, stride: channels, frames: frames) }
      }
      soundedBefore[channel] = soundedNow[channel]
    }
    blockOffset = 0
    time += frames
  }

  /// Adds an input's block, at its (gliding) gain, to a channel's planar buffer.
  private func mix(_ index: Int, into buffer: UnsafeMutablePointer<Float>, first: Bool) {
    let frames = Self.blockSize
    let source = rendered + index * frames
    var gain = inputs[index].currentGain
    let target = inputs[index].gain
    if first { buffer.update(repeating: 0, count: frames) }
    if gain == target {
      for frame in 0..<frames { buffer[frame] += gain * source[frame] }
    } else {
      for frame in 0..<frames {
        gain = target > gain ? min(gain + gainStep, target) : max(gain - gainStep, target)
        buffer[frame] += gain * source[frame]
      }
      inputs[index].currentGain = gain
    }
  }

  /// Writes `gain` times one channel's samples into every `stride`-th place of `target`;
  /// returns false, having written part of it, when a sample is over `cap` or not finite.
  @inline(__always)
  private static func interleave(
    _ source: UnsafePointer<Float>, gain: Float, cap: Float, into target: UnsafeMutablePointer<Float>, stride: Int,
    frames: Int
  ) -> Bool {
    var out = target
    var over = false
    for frame in 0..<frames {
      let y = gain * source[frame]
      over = over || !(abs(y) <= cap)  // NaN fails `<=` too
      out.pointee = y
      out += stride
    }
    return !over
  }

  private static func silence(_ target: UnsafeMutablePointer<Float>, stride: Int, frames: Int) {
    var out = target
    for _ in 0..<frames {
      out.pointee = 0
      out += stride
    }
  }

  /// A plain vector copy. memcpy's `rep movsb` path runs several times slower than this on
  /// some virtual machines, and this copy runs for every sample that leaves the mixer.
  @inline(__always)
  private static func copy(_ source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>, count: Int) {
    var i = 0
    while i + 16 <= count {
      UnsafeMutableRawPointer(target + i).storeBytes(
        of: UnsafeRawPointer(source + i).loadUnaligned(as: SIMD16<Float>.self), as: SIMD16<Float>.self)
      i += 16
    }
    while i < count {
      target[i] = source[i]
      i += 1
    }
  }
}
