import BirdsongAudio
import Foundation
import Synchronization

/// A sink as an output: a WAV file, memory, or nothing. A failed write (a full disk, say) ends
/// the run; the file is abandoned, never left half-written in place.
///
/// With `writerThread`, the sinks are written on a thread of their own, fed through a few
/// large preallocated slots: the render thread synthesises while the writer encodes and
/// writes, as a sound card plays one period while the next is rendered. When every slot is
/// full the render thread waits, as it would on a device's full buffer.
public final class SinkOutput: AudioOutput {
  public let sinks: [any AudioSink]
  private let writerThread: Bool
  private var error: (any Error)?
  private var writer: Writer?

  public init(_ sinks: [any AudioSink], writerThread: Bool = false) {
    precondition(!sinks.isEmpty)
    self.sinks = sinks
    self.writerThread = writerThread
  }

  public convenience init(_ sink: any AudioSink) { self.init([sink]) }

  public var channels: Int { sinks[0].channels }
  public var paces: Bool { false }
  public var openedDescription: String { "\(sinks.count) sink(s)" }
  public var failure: String { (error ?? writer?.error).map { "\($0)" } ?? "no failure" }
  /// The error that ended the output, for the caller to throw.
  public var failureError: (any Error)? { error ?? writer?.error }

  public func open() throws {
    if writerThread, writer == nil { writer = Writer(sinks: sinks) }
  }

  public func write(_ samples: UnsafePointer<Float>, frames: Int) -> OutputWrite {
    if let writer { return writer.append(samples, count: frames * channels) ? .written : .failed }
    let buffer = UnsafeBufferPointer(start: samples, count: frames * channels)
    do {
      for sink in sinks { try sink.write(buffer) }
      return .written
    } catch {
      self.error = error
      return .failed
    }
  }

  public func close() throws {
    if let writer {
      writer.finish()
      self.writer = nil
      if let error = writer.error {
        self.error = error
        throw error
      }
    }
    for sink in sinks { try sink.finish() }
  }

  public func abandon() {
    if let writer {
      writer.skipWrites()  // the file is going: what is queued need not be written first
      writer.finish()
      error = error ?? writer.error
      self.writer = nil
    }
    for case let file as WAVWriter in sinks { file.discard() }
  }

  /// The writer thread and the slots it shares with the render thread. The producer fills
  /// one slot at a time; a semaphore hands full slots over and free ones back (a few hundred
  /// hand-overs a minute of audio, not one a block).
  final class Writer: @unchecked Sendable {
    static let slotCount = 4
    static let slotSamples = 1 << 16

    let sinks: [any AudioSink]
    private let slots: UnsafeMutablePointer<Float>
    /// Samples in each slot: written by the producer before a slot is handed over, by the
    /// writer before it is handed back (the semaphores order them).
    private let counts: UnsafeMutablePointer<Int>
    private let full = DispatchSemaphore(value: 0)
    private let free = DispatchSemaphore(value: Writer.slotCount - 1)
    private let done = DispatchSemaphore(value: 0)
    private let failed = Atomic<Bool>(false)
    private let ending = Atomic<Bool>(false)
    private let skipping = Atomic<Bool>(false)
    private(set) var error: (any Error)?
    /// The producer's slot and how far it is filled.
    private var current = 0
    private var filled = 0

    init(sinks: [any AudioSink]) {
      self.sinks = sinks
      slots = .allocate(capacity: Self.slotCount * Self.slotSamples)
      counts = .allocate(capacity: Self.slotCount)
      counts.initialize(repeating: 0, count: Self.slotCount)
      let thread = Thread { [self] in drain() }
      thread.name = "file writer"
      thread.start()
    }

    deinit {
      slots.deallocate()
      counts.deallocate()
    }

    /// Render thread: copies samples into the current slot, handing it over when full.
    /// False once the writer has failed.
    func append(_ samples: UnsafePointer<Float>, count: Int) -> Bool {
      var done = 0
      while done < count {
        if failed.load(ordering: .acquiring) { return false }
        let take = min(count - done, Self.slotSamples - filled)
        (slots + current * Self.slotSamples + filled).update(from: samples + done, count: take)
        filled += take
        done += take
        if filled == Self.slotSamples { handOver() }
      }
      return !failed.load(ordering: .acquiring)
    }

    private func handOver() {
      counts[current] = filled
      full.signal()
      free.wait()
      current = (current + 1) % Self.slotCount
      filled = 0
    }

    /// From now on, slots are handed back unwritten.
    func skipWrites() { skipping.store(true, ordering: .relaxed) }

    /// Hands over what is left, and waits for the writer to write it and end.
    func finish() {
      if filled > 0 { handOver() }
      ending.store(true, ordering: .releasing)
      full.signal()
      done.wait()
    }

    private func drain() {
      defer { done.signal() }
      var slot = 0
      while true {
        full.wait()
        if ending.load(ordering: .acquiring), counts[slot] == 0 { return }
        let count = counts[slot]
        counts[slot] = 0
        if !failed.load(ordering: .relaxed), !skipping.load(ordering: .relaxed) {
          let buffer = UnsafeBufferPointer(start: slots + slot * Self.slotSamples, count: count)
          do {
            for sink in sinks { try sink.write(buffer) }
          } catch {
            self.error = error
            failed.store(true, ordering: .releasing)
          }
        }
        slot = (slot + 1) % Self.slotCount
        free.signal()
      }
    }
  }
}
