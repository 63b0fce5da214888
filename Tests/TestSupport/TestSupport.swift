import Foundation

/// A fresh, empty folder for one test's files.
public func temporaryFolder() -> String {
  let path = NSTemporaryDirectory() + "birdsong-tests-\(UUID().uuidString)"
  try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  return path
}

/// Runs a program (in `environment`, or this one's); returns its exit status and what it
/// printed (standard output and error).
public func run(_ program: String, _ arguments: [String], environment: [String: String]? = nil) throws
  -> (status: Int32, output: String)
{
  let process = Process()
  process.executableURL = URL(fileURLWithPath: program)
  process.arguments = arguments
  if let environment { process.environment = environment }
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardError = pipe
  try process.run()
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// The package's root folder.
public func packageRoot() -> String {
  URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path
}

/// The real `birdsong` binary, built beside this test bundle.
public let birdsongBinary: String = {
  if let path = ProcessInfo.processInfo.environment["BIRDSONG_BIN"] { return path }
  let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  var folder = bundle
  while folder.path != "/" {
    let candidate = folder.appendingPathComponent("birdsong").path
    if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    folder.deleteLastPathComponent()
  }
  return packageRoot() + "/.build/release/birdsong"
}()
