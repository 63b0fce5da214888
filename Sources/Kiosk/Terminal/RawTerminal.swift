import Foundation

/// The kiosk's terminal: raw keys (so Ctrl-C and Ctrl-Z reach us as bytes instead of
/// signals), the alternate screen, no cursor. The settings it found are put back on exit and
/// also when the program crashes (a fatal signal restores them before the default action).
public final class RawTerminal {
  public let input: Int32
  public let output: Int32

  public init(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO) throws(KioskError) {
    guard isatty(input) == 1 else {
      throw KioskError("the kiosk needs a terminal for its keys; run it on a console or in a terminal window")
    }
    self.input = input
    self.output = output
    var original = termios()
    guard tcgetattr(input, &original) == 0 else {
      throw KioskError("cannot read the terminal's settings: \(String(cString: strerror(errno)))")
    }
    savedSettings = original
    savedInput = input
    savedOutput = output
    var raw = original
    // As cfmakeraw, plus no signals from keys and no Ctrl-S/Ctrl-Q flow control.
    raw.c_iflag &= ~tcflag_t(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON)
    raw.c_oflag &= ~tcflag_t(OPOST)
    raw.c_lflag &= ~tcflag_t(ECHO | ECHONL | ICANON | ISIG | IEXTEN)
    raw.c_cflag &= ~tcflag_t(CSIZE | PARENB)
    raw.c_cflag |= tcflag_t(CS8)
    withUnsafeMutableBytes(of: &raw.c_cc) { cc in
      cc[Int(VMIN)] = 0
      cc[Int(VTIME)] = 0
    }
    tcsetattr(input, TCSAFLUSH, &raw)
    for number in [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGABRT] {
      signal(number) { number in
        restoreTerminalFromSignal()
        signal(number, SIG_DFL)
        raise(number)
      }
    }
    // Alternate screen, cursor hidden, no line wrap.
    write("\u{1B}[?1049h\u{1B}[?25l\u{1B}[?7l\u{1B}[2J")
  }

  /// Puts the terminal back as it was. Safe to call twice.
  public func restore() {
    restoreTerminalFromSignal()
  }

  deinit { restore() }

  /// Columns and rows.
  public var size: (width: Int, height: Int) {
    var window = winsize()
    guard ioctl(output, UInt(TIOCGWINSZ), &window) == 0, window.ws_col > 0, window.ws_row > 0 else { return (80, 24) }
    return (Int(window.ws_col), Int(window.ws_row))
  }

  /// The terminal hung up (its window closed, its SSH session ended): nobody can use the kiosk.
  public private(set) var isGone = false

  /// Waits up to `timeout` seconds for input; returns the bytes read (none on timeout).
  public func read(timeout: Double) -> [UInt8] {
    var descriptor = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
    guard poll(&descriptor, 1, Int32(timeout * 1000)) > 0 else { return [] }
    var buffer = [UInt8](repeating: 0, count: 256)
    let count = Glibc.read(input, &buffer, buffer.count)
    if count > 0 { return Array(buffer[0..<count]) }
    // Readable yet nothing to read is the end of input; so is an I/O error on a tty.
    if count == 0 || (errno != EINTR && errno != EAGAIN) { isGone = true }
    return []
  }

  public func write(_ text: String) {
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeMutableBytes { Glibc.write(output, $0.baseAddress! + offset, $0.count - offset) }
      if written < 0, errno == EINTR { continue }
      guard written > 0 else { return }
      offset += written
    }
  }
}

// Kept where a signal handler can reach them without allocating.
nonisolated(unsafe) private var savedSettings: termios?
nonisolated(unsafe) private var savedInput: Int32 = 0
nonisolated(unsafe) private var savedOutput: Int32 = 1

/// Only async-signal-safe calls: tcsetattr and write.
private func restoreTerminalFromSignal() {
  guard var settings = savedSettings else { return }
  let reset: StaticString = "\u{1B}[0m\u{1B}[?7h\u{1B}[?25h\u{1B}[?1049l"
  _ = Glibc.write(savedOutput, reset.utf8Start, reset.utf8CodeUnitCount)
  tcsetattr(savedInput, TCSAFLUSH, &settings)
  savedSettings = nil
}

public struct KioskError: Error, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}
