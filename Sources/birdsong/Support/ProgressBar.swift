import BirdsongCore
import Foundation
import Installation

/// A progress bar on standard error, drawn only when standard error is a terminal.
struct ProgressBar {
  let total: Int
  let sampleRate: Double
  let enabled = isatty(STDERR_FILENO) == 1
  private let started = Date()
  private var lastDrawn = Date.distantPast

  init(total: Int, sampleRate: Double) {
    self.total = total
    self.sampleRate = sampleRate
  }

  mutating func update(_ done: Int) {
    guard enabled else { return }
    let now = Date()
    guard done == total || now.timeIntervalSince(lastDrawn) > 0.1 else { return }
    lastDrawn = now
    let fraction = Double(done) / Double(max(total, 1))
    let filled = Int(fraction * 30)
    let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled)
    let audio =
      "\(AudioDuration.describe(Double(done) / sampleRate)) of \(AudioDuration.describe(Double(total) / sampleRate))"
    let line = String(format: "\r[%@] %3d%%  %@ rendered\u{1B}[K", bar, Int(fraction * 100), audio)
    FileHandle.standardError.write(Data(line.utf8))
    if done == total { clear() }
  }

  /// Removes the bar, so that what is printed next starts on a clean line.
  func clear() {
    if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
  }
}
