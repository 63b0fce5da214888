import Foundation

/// The headphones' voice: plays one stimulus at a time, on command, and never cuts one off.
/// Stopping or replacing a stimulus that is sounding ends it with a raised-cosine release
/// (20 ms), because a click is broadband: a listener who cannot hear the tone would still
/// hear the click, and answer to it.
///
/// A class, so that the program that steers it and the mixer that renders it share one
/// voice. Commands swap stimuli in and out (`play(swapping:)`), so that a stimulus is only
/// ever freed on the thread that made it, never on the render thread.
public final class ToneVoice: AudioGenerator {
  public static let releaseSeconds = 0.02

  private var current: Stimulus?
  private var next: Stimulus?
  /// Frames into the release of `current`; nil when it is not being released.
  private var releasePosition: Int?
  private let releaseFrames: Int
  private let scratch: UnsafeMutablePointer<Float>
  private let scratchCapacity: Int

  public init(sampleRate: Double, blockFrames: Int = Mixer.blockSize) {
    releaseFrames = max(Int(Self.releaseSeconds * sampleRate), 1)
    scratchCapacity = blockFrames
    scratch = .allocate(capacity: blockFrames)
  }

  deinit { scratch.deallocate() }

  /// True while a stimulus sounds (a waiting one sounds after the release under way).
  public var isSounding: Bool { !(current?.isFinished ?? true) }

  /// Plays `stimulus` (taken from the slot): at once if nothing sounds, else after the current
  /// one's release. The slot receives what it replaces, to be freed by the caller.
  public func play(swapping stimulus: inout Stimulus?) {
    if current?.isFinished ?? true {
      swap(&current, &stimulus)
      releasePosition = nil
    } else {
      swap(&next, &stimulus)
      if releasePosition == nil { releasePosition = 0 }
    }
  }

  /// Ends what sounds with the release; the slot receives a stimulus that was waiting.
  public func silence(swapping slot: inout Stimulus?) {
    swap(&next, &slot)
    if !(current?.isFinished ?? true), releasePosition == nil { releasePosition = 0 }
  }

  public func render(adding buffer: UnsafeMutablePointer<Float>, frames: Int) -> Bool {
    var done = 0
    var sounded = false
    while done < frames {
      let count = min(frames - done, scratchCapacity)
      sounded = renderChunk(buffer + done, count) || sounded
      done += count
    }
    return sounded
  }

  private func renderChunk(_ buffer: UnsafeMutablePointer<Float>, _ frames: Int) -> Bool {
    guard current != nil else { return false }
    guard let position = releasePosition else {
      return current!.render(adding: buffer, frames: frames)
    }
    // Release: render into scratch, then add under a raised-cosine gain falling from 1 to 0.
    let count = min(frames, releaseFrames - position)
    scratch.update(repeating: 0, count: count)
    let sounded = current!.render(adding: scratch, frames: count)
    if sounded {
      for i in 0..<count {
        let x = Double(position + i + 1) / Double(releaseFrames)
        buffer[i] += scratch[i] * Float(0.5 + 0.5 * cos(Double.pi * x))
      }
    }
    guard position + count >= releaseFrames else {
      releasePosition = position + count
      return sounded
    }
    // Released: the waiting stimulus (if any) starts on the next frame; the finished one
    // waits in `next` to be swapped out by the next command.
    current!.skip(frames: .max / 2)
    swap(&current, &next)
    releasePosition = nil
    if current?.isFinished ?? true { return sounded }
    let rest = frames - count
    return (rest > 0 && current!.render(adding: buffer + count, frames: rest)) || sounded
  }

  /// Time passes as it would have: a release under way ends, and a stimulus waiting for it
  /// moves on by the rest of the time.
  public func skip(frames: Int) {
    guard let position = releasePosition else {
      current?.skip(frames: frames)
      return
    }
    current?.skip(frames: .max / 2)
    swap(&current, &next)
    releasePosition = nil
    current?.skip(frames: max(frames - (releaseFrames - position), 0))
  }
}
