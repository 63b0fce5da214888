import Foundation

/// Where a program's default files are: the checkout's Config/ folder when the program runs
/// from a source tree, the installed package's /etc/birdsong and /usr/share/birdsong otherwise.
public enum ConfigLocation {
  /// The first of `candidates` that exists, or the first one (so that the error about a
  /// missing file names the path a user of a checkout expects).
  public static func first(_ candidates: String...) -> String {
    candidates.first { FileManager.default.fileExists(atPath: $0) } ?? candidates[0]
  }

  /// The installed package's data folder for `name` (e.g. "species"): share/birdsong/NAME
  /// beside the program's bin folder (/usr/bin/birdsong -> /usr/share/birdsong/species).
  public static func installedData(_ name: String) -> String? {
    // The running program's own path (not argv[0], which may be a bare name found on PATH).
    guard let program = Bundle.main.executableURL?.resolvingSymlinksInPath() else { return nil }
    let prefix = program.deletingLastPathComponent().deletingLastPathComponent()
    let folder = prefix.appendingPathComponent("share/birdsong/\(name)").path
    return FileManager.default.fileExists(atPath: folder) ? folder : nil
  }
}
