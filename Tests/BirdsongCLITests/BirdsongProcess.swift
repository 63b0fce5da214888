import Foundation
import TestSupport

struct RunResult {
  var status: Int32
  var stdout: String
  var stderr: String
}

/// Runs birdsong, optionally under a shell prefix (e.g. "ulimit -f 64;").
func birdsong(_ arguments: [String], shellPrefix: String? = nil) throws -> RunResult {
  let process = Process()
  if let shellPrefix {
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    let quoted = ([birdsongBinary] + arguments).map { "'\($0)'" }.joined(separator: " ")
    process.arguments = ["-c", "\(shellPrefix) exec \(quoted)"]
  } else {
    process.executableURL = URL(fileURLWithPath: birdsongBinary)
    process.arguments = arguments
  }
  process.currentDirectoryURL = URL(fileURLWithPath: packageRoot())
  let out = Pipe()
  let err = Pipe()
  process.standardOutput = out
  process.standardError = err
  try process.run()
  let stdout = out.fileHandleForReading.readDataToEndOfFile()
  let stderr = err.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return RunResult(
    status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
    stderr: String(decoding: stderr, as: UTF8.self))
}
