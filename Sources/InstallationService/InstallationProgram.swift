import AudioRuntime
import BirdsongCore
import BirdsongSynthesis
import Foundation
import Installation
import Synchronization

/// The installation engine as the render thread plays it: gains and songs arrive as commands,
/// and each box's songs and whether it sings leave as atomics after every block.
public final class InstallationProgram: AudioProgram {
  public enum Command: Sendable {
    /// A box's gain (linear); the mixer glides to it.
    case gain(box: Int, Float)
    /// A box sings (or plays its tone) at the next block, unless it is already.
    case sing(box: Int)
  }

  /// One box's counters.
  public final class BoxStatus: Sendable {
    public let songs = Atomic<Int>(0)
    public let singing = Atomic<Bool>(false)
    /// The box's peak level in the last block, as the bits of a Float (for a level meter).
    public let peakBits = Atomic<UInt32>(0)

    public var peak: Float { Float(bitPattern: peakBits.load(ordering: .relaxed)) }
  }

  public let engine: InstallationEngine
  public let boxes: [BoxStatus]
  public var mixer: Mixer { engine.mixer }
  /// For an offline render: the local time (minutes after midnight) at its first frame, from
  /// which opening hours are kept on the audio clock. nil live, where the control thread
  /// keeps them on the wall clock.
  public let openingHoursFrom: LocalTime?
  private var closed: Bool?
  private let framesPerMinute: Int

  /// Whether each box's level is measured after every block (for the status page's meters).
  public let meters: Bool

  public init(engine: InstallationEngine, openingHoursFrom start: LocalTime? = nil, meters: Bool = false) {
    self.meters = meters
    self.engine = engine
    boxes = engine.config.boxes.map { _ in BoxStatus() }
    openingHoursFrom = start
    framesPerMinute = engine.config.sampleRate * 60
    followOpeningHours(immediately: true)
  }

  /// Silences every box outside opening hours and lets them sing inside (gains glide, except
  /// before the first block).
  private func followOpeningHours(immediately: Bool) {
    guard let start = openingHoursFrom else { return }
    let open = engine.config.isOpen(at: start.adding(minutes: mixer.time / framesPerMinute))
    guard closed != !open else { return }
    closed = !open
    for (index, box) in engine.config.boxes.enumerated() {
      mixer.setGain(open ? Float(pow(10, box.gainDB / 20)) : 0, forInput: index, immediately: immediately)
    }
  }

  public func apply(_ command: inout Command) {
    switch command {
    case .gain(let box, let gain): mixer.setGain(gain, forInput: box)
    case .sing(let box): mixer.updateGenerator(ofInput: box) { $0.soundNow() }
    }
  }

  /// Applies commands at once, gains without a glide: for a program the render thread does
  /// not have yet (at the start, or before it replaces another at a reload).
  public func prime(_ commands: [Command]) {
    for command in commands {
      switch command {
      case .gain(let box, let gain): mixer.setGain(gain, forInput: box, immediately: true)
      case .sing(let box): mixer.updateGenerator(ofInput: box) { $0.soundNow() }
      }
    }
  }

  public func didRender() {
    followOpeningHours(immediately: false)
    for index in boxes.indices {
      boxes[index].songs.store(mixer.soundsStarted(byInput: index), ordering: .relaxed)
      boxes[index].singing.store(mixer.isSounding(input: index), ordering: .relaxed)
      if meters {
        boxes[index].peakBits.store(
          mixer.peak(ofChannel: engine.config.boxes[index].channel).bitPattern, ordering: .relaxed)
      }
    }
  }

  /// Songs per box, as last published.
  public var songsPerBox: [(box: String, songs: Int)] {
    zip(engine.config.boxes, boxes).map { ($0.name, $1.songs.load(ordering: .relaxed)) }
  }
}
