import Foundation
import SessionStore

// Writes made-up checks in a loop, printing each one's number once it is stored: for the
// durability test, which kills this process mid-write. Not part of the product.
//   session-filler DATABASE COUNT
let arguments = CommandLine.arguments
guard arguments.count == 3, let count = Int(arguments[2]) else {
  FileHandle.standardError.write(Data("usage: session-filler DATABASE COUNT\n".utf8))
  exit(2)
}
let store = try SessionStore(path: arguments[1])
for index in 0..<count {
  let thresholds = (0..<14).map { point in
    SessionStore.Threshold(
      ear: point < 7 ? .right : .left, frequency: [1000, 2000, 4000, 6000, 8000, 500, 1000][point % 7],
      level: Double(point), presentations: 5)
  }
  try store.record(
    SessionStore.Check(
      finishedAt: Date(), language: "en", mode: .headphones, calibrated: false, reliable: true,
      outcome: index % 3 == 0 ? .refer : .within, signposting: "england", seconds: 280, thresholds: thresholds))
  print(index)
  fflush(nil)
}
