import Foundation
import Synchronization

/// Turns Ctrl-C and SIGTERM into a flag that long jobs poll, so they can clean up (remove a
/// half-written temporary file) instead of dying mid-write.
enum Interruption {
  static let requested = Atomic<Bool>(false)

  static func install() {
    signal(SIGINT) { _ in Interruption.requested.store(true, ordering: .relaxed) }
    signal(SIGTERM) { _ in Interruption.requested.store(true, ordering: .relaxed) }
    // A file size limit (ulimit -f) then fails a write with EFBIG, which we report, instead
    // of killing the process.
    signal(SIGXFSZ, SIG_IGN)
  }

  static var wasRequested: Bool { requested.load(ordering: .relaxed) }
}

struct Interrupted: Error {}
