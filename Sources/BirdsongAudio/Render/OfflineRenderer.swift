import BirdsongSynthesis

/// Renders a mixer for a fixed length into one or more sinks, as fast as they take it, ending
/// in a short fade to silence.
public enum OfflineRenderer {
  /// - Parameter progress: called now and then with the frames done so far.
  public static func render(
    _ mixer: Mixer, frames total: Int, to sinks: [any AudioSink], fadeOut: Double = 0.02,
    progress: ((Int) throws -> Void)? = nil
  ) throws {
    let fadeFrames = Int(fadeOut * mixer.sampleRate)
    // The fade starts on a block boundary so that it ends before the last frame.
    mixer.scheduleFadeOut(
      at: max(total - fadeFrames - Mixer.blockSize, 0) / Mixer.blockSize * Mixer.blockSize, over: fadeOut)
    var done = 0
    var reported = 0
    while done < total {
      // Whole blocks straight from the mixer: no copy on the way to the sinks.
      let block = mixer.nextBlock()
      let frames = min(Mixer.blockSize, total - done)
      let written = UnsafeBufferPointer(rebasing: block[0..<frames * mixer.channels])
      for sink in sinks { try sink.write(written) }
      done += frames
      if let progress, done - reported >= Int(mixer.sampleRate) * 10 || done == total {
        try progress(done)
        reported = done
      }
    }
    for sink in sinks { try sink.finish() }
  }
}
