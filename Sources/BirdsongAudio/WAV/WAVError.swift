import Foundation

public enum WAVError: Error, CustomStringConvertible {
  case cannotCreate(path: String, reason: String)
  case writeFailed(path: String, reason: String)
  case cannotRead(path: String, reason: String)
  case notWAV(path: String, reason: String)

  public var description: String {
    switch self {
    case .cannotCreate(let path, let reason):
      "cannot write '\(path)': \(reason); choose another path with -o"
    case .writeFailed(let path, let reason):
      "writing '\(path)' failed: \(reason); nothing was left at that path"
    case .cannotRead(let path, let reason):
      "cannot read '\(path)': \(reason)"
    case .notWAV(let path, let reason):
      "'\(path)' is not a WAV file this program reads: \(reason)"
    }
  }

  /// A reason a person can act on, from an errno value.
  static func reason(_ code: Int32) -> String {
    switch code {
    case ENOSPC: "the disk is full (free some space or choose another disk)"
    case EFBIG: "the file grew past the size this system allows (see 'ulimit -f')"
    case EDQUOT: "the disk quota is used up"
    case EACCES, EPERM: "permission denied"
    case ENOENT: "the folder does not exist"
    case EROFS: "the file system is read-only"
    default: String(cString: strerror(code))
    }
  }
}
