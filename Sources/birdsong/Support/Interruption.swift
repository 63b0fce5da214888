import Foundation
import Synchronization

/// Turns Ctrl-C and SIGTERM into a flag that long jobs poll, so they can clean up (remove a
/// half-written temporary file) instead of dying mid-write.
enum Interruption {
  static let requested = Atomic<Bool>(false)
  static let hangup = Atomic<Bool>(false)

  static func install() {
    // A parent may have blocked these (test runners do), and children inherit the mask.
    var signals = sigset_t()
    sigemptyset(&signals)
    for number in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&signals, number) }
    pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    signal(SIGINT) { _ in Interruption.requested.store(true, ordering: .relaxed) }
    signal(SIGTERM) { _ in Interruption.requested.store(true, ordering: .relaxed) }
    signal(SIGHUP) { _ in Interruption.hangup.store(true, ordering: .relaxed) }
    // A file size limit (ulimit -f) then fails a write with EFBIG, which we report, instead
    // of killing the process.
    signal(SIGXFSZ, SIG_IGN)
    // A log reader that goes away (a closed pipe on standard error) must not stop the birds:
    // the write fails with EPIPE instead of killing the process.
    signal(SIGPIPE, SIG_IGN)
    // Documented as doing nothing: a stray kill -USR1 must not end the installation.
    signal(SIGUSR1, SIG_IGN)
    signal(SIGUSR2, SIG_IGN)
  }

  static var wasRequested: Bool { requested.load(ordering: .relaxed) }

  /// True once for each SIGHUP.
  static func takeHangup() -> Bool { hangup.exchange(false, ordering: .relaxed) }
}

struct Interrupted: Error {}
