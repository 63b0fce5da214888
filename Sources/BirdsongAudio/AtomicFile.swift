import Foundation

/// Writes a whole file through a temporary file and a rename: readers see the old file or the
/// new one, never half of one.
public enum AtomicFile {
  public static func write(_ bytes: [UInt8], to path: String) throws {
    var status = stat()
    if lstat(path, &status) == 0, status.st_mode & S_IFMT != S_IFREG {
      throw WAVError.cannotCreate(path: path, reason: "it exists and is not a regular file")
    }
    let url = URL(fileURLWithPath: path)
    let temporary = url.deletingLastPathComponent().appendingPathComponent(
      ".\(url.lastPathComponent).partial-\(getpid())")
    do {
      try Data(bytes).write(to: temporary)
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw WAVError.cannotCreate(path: path, reason: "\((error as NSError).localizedDescription)")
    }
    guard rename(temporary.path, path) == 0 else {
      let reason = WAVError.reason(errno)
      try? FileManager.default.removeItem(at: temporary)
      throw WAVError.cannotCreate(path: path, reason: reason)
    }
  }
}
