import BirdsongAudio
import BirdsongSynthesis

extension AudioRuntime where Program == MixerProgram {
  /// Renders `frames` of a mixer into sinks, on this thread, through the same loop that plays
  /// a sound card; ends with the same 20 ms fade. Throws what a sink threw.
  public static func render(_ mixer: Mixer, frames: Int, to sinks: [any AudioSink]) throws {
    let output = SinkOutput(sinks)
    let runtime = AudioRuntime(program: MixerProgram(mixer), output: output, options: .init(frames: frames))
    if !runtime.run() {
      if let error = output.failureError { throw error }
      throw OutputFailure(description: runtime.failure ?? "the output failed")
    }
  }
}

/// An output that failed without a more specific error.
public struct OutputFailure: Error, CustomStringConvertible {
  public let description: String
}
