import ArgumentParser
import Foundation

/// Prints one clear line on standard error and ends the command with a non-zero exit.
func fail(_ message: String) -> ExitCode {
  FileHandle.standardError.write(Data("birdsong: error: \(message)\n".utf8))
  return ExitCode.failure
}

func note(_ message: String) {
  FileHandle.standardError.write(Data("\(message)\n".utf8))
}
