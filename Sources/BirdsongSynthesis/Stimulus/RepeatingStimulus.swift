/// A test stimulus played again and again with pauses between: a box that plays a tone
/// instead of a bird, for calibration or a free-field hearing demonstration.
public struct RepeatingStimulus: AudioGenerator {
  public let template: Stimulus
  /// Frames from the start of one stimulus to the start of the next.
  public let period: Int
  private var current: Stimulus
  private var nextStart: Int
  private var time = 0
  public private(set) var plays = 0

  public init(_ stimulus: Stimulus, every seconds: Double, sampleRate: Double, firstAfter: Double = 0.5) {
    template = stimulus
    period = max(Int(seconds * sampleRate), stimulus.length + Int(0.5 * sampleRate))
    current = stimulus
    nextStart = Int(firstAfter * sampleRate)
    time = 0
    // Start from a finished copy, so nothing sounds before `nextStart`.
    current.skipToEnd()
  }

  public var isSounding: Bool { !current.isFinished }
  public var soundsStarted: Int { plays }

  /// Plays at the next block, unless it is playing already.
  public mutating func soundNow() {
    if current.isFinished { nextStart = time }
  }

  public mutating func skip(frames: Int) {
    time += frames
    current.skipToEnd()
    while nextStart < time { nextStart += period }
  }

  @discardableResult
  public mutating func render(adding buffer: UnsafeMutablePointer<Float>, frames: Int) -> Bool {
    var sounded = false
    let end = time + frames
    if nextStart < end, current.isFinished {
      let offset = max(nextStart - time, 0)
      current = template
      plays += 1
      nextStart += period
      sounded = current.render(adding: buffer + offset, frames: frames - offset)
    } else {
      sounded = current.render(adding: buffer, frames: frames)
    }
    time = end
    return sounded
  }
}
