import AudioRuntime
import Foundation
import SessionStore

/// The kiosk's main loop: keys in, time passing, the screen redrawn when it changes (or the
/// terminal is resized). Runs until staff exit or `shouldStop` says so (SIGTERM).
public enum KioskApp {
  public static func run(
    session: KioskSession, services: KioskServices, terminal: RawTerminal, shouldStop: () -> Bool,
    clock: any RuntimeClock = SystemClock()
  ) {
    var decoder = KeyDecoder()
    var shown: (frame: ScreenFrame, height: Int)?
    services.perform(session.reset(now: clock.now()), for: session)
    while !session.isFinished, !shouldStop(), !terminal.isGone {
      for key in decoder.feed(terminal.read(timeout: 0.02)) {
        services.perform(session.handle(key, now: clock.now()), for: session)
      }
      let now = clock.now()
      services.perform(session.tick(now: now), for: session)
      let size = terminal.size
      let frame = session.frame(width: size.width, height: size.height, now: now)
      if shown?.frame != frame || shown?.height != size.height {
        // A new size clears the screen first: old lines would linger past the new edges.
        if let shown, shown.frame.width != frame.width || shown.height != size.height { terminal.write("\u{1B}[2J") }
        terminal.write(frame.ansi(height: size.height))
        shown = (frame, size.height)
      }
    }
    services.perform(session.shutdown(), for: session)
  }
}
