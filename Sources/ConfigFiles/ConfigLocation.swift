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

/// Whether a program can make a file at a path a config names (a socket, a database): the
/// folders that are missing are made when it starts, so what matters is that nothing in the
/// way is a file and the path itself is not a folder.
public enum PathReach {
  /// Why a file cannot be made at `path`, or nil when it can (or may, once folders are made).
  public static func problem(creating path: String) -> String? {
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
      return "'\(path)' is a folder; name a file in it"
    }
    var ancestor = URL(fileURLWithPath: path).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: ancestor.path, isDirectory: &isFolder) {
      let parent = ancestor.deletingLastPathComponent()
      if parent.path == ancestor.path { return nil }
      ancestor = parent
    }
    return isFolder.boolValue
      ? nil : "'\(ancestor.path)' is a file, so nothing can be made under it; choose another path"
  }
}
