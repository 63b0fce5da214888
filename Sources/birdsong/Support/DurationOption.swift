import ConfigFiles

/// Reads a --duration value, or says in one line what is wrong with it.
func parseDuration(_ text: String?) throws -> Double? {
  guard let text else { return nil }
  guard let seconds = DurationParser.seconds(text), seconds.isFinite else {
    throw fail("--duration '\(text)' is not a duration; write for example 30s, 10m, 1h30m or 500ms")
  }
  guard seconds > 0 else { throw fail("--duration must be longer than zero, not '\(text)'") }
  // Sample counts must fit in memory's integers at any sample rate; a year is plenty.
  guard seconds <= longestDuration else {
    throw fail(
      "--duration '\(text)' is longer than the longest allowed, 366 days (8784h); leave it out to run until stopped")
  }
  return seconds
}

/// The longest --duration: 366 days.
let longestDuration = 366.0 * 86400
