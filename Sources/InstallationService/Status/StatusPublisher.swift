import AudioRuntime
import Foundation
import Installation
import SessionStore

/// Builds the status page's view on the control thread, four times a second, and counts each
/// box's songs since the hour began.
struct StatusPublisher {
  let board: StatusBoard
  private var lastPublished = -Double.infinity
  private var hour = -1
  private var songsAtHour: [String: Int] = [:]
  private var kioskStore: SessionStore?
  private var kioskChecks: (count: Int?, at: Double) = (nil, -Double.infinity)

  init(board: StatusBoard) {
    self.board = board
  }

  /// The kiosk's checks since local midnight, read at most every 30 s; nil when there is no
  /// database to read (or it cannot be read: the page shows nothing rather than a wrong 0).
  private mutating func kioskChecksToday(_ path: String?, wall: Double) -> Int? {
    guard let path else { return nil }
    guard wall - kioskChecks.at >= 30 else { return kioskChecks.count }
    if kioskStore == nil, FileManager.default.fileExists(atPath: path) { kioskStore = try? SessionStore(path: path) }
    let midnight = Calendar.current.startOfDay(for: Date())
    kioskChecks = ((try? kioskStore?.checks(since: midnight)) ?? nil, wall)
    return kioskChecks.count
  }

  /// - Parameters:
  ///   - now: the runtime clock's time (quiet spells are timed on it).
  ///   - hour: the local hour, to count songs this hour.
  mutating func update(
    runtime: AudioRuntime<InstallationProgram>, program: InstallationProgram, control: BoxControl,
    config: InstallationConfig, device: String, now: Double, uptime: Double, hour: Int
  ) {
    let wall = ProcessInfo.processInfo.systemUptime
    guard wall - lastPublished >= 0.25 else { return }
    lastPublished = wall
    let counters = runtime.counters.snapshot
    let songs = program.songsPerBox
    if hour != self.hour {
      self.hour = hour
      songsAtHour = Dictionary(songs.map { ($0.box, $0.songs) }, uniquingKeysWith: { first, _ in first })
    }
    let boxes = config.boxes.enumerated().map { index, box in
      let peak = Double(program.boxes[index].peak)
      return InstallationStatus.Box(
        name: box.name, channel: box.channel + 1, sound: box.sound.label, band: "\(box.band)",
        state: control.state(ofBox: index, now: now), singing: program.boxes[index].singing.load(ordering: .relaxed),
        songs: songs[index].songs, songsThisHour: max(songs[index].songs - (songsAtHour[box.name] ?? 0), 0),
        levelDBFS: peak > 1e-6 ? max(20 * log10(peak), -120) : -120)
    }
    let realtime = runtime.counters.realtime.load(ordering: .relaxed)
    board.publish(
      InstallationStatus(
        device: device, playing: counters.playing,
        deviceDetail: counters.playing
          ? (runtime.openedDescription ?? "playing") : (runtime.failure ?? "opening the device"),
        realtime: realtime == 0 ? nil : realtime > 0, uptimeSeconds: uptime,
        audioSeconds: Double(counters.audioFrames) / Double(config.sampleRate), underruns: counters.underruns,
        outages: counters.outages, reconnects: counters.reconnects,
        openingHours: config.openingHours?.description ?? "always", open: !control.closed,
        quietSeconds: control.quietSeconds(now: now), sweeping: control.isSweeping,
        commandsEnabled: config.http?.tokenHash != nil,
        kioskChecksToday: kioskChecksToday(config.http?.kioskDatabase, wall: wall), boxes: boxes))
  }
}
