import ControlProtocol
import Foundation
import Prometheus
import StatusServer
import Synchronization

/// The HTTP side of `birdsong run`: the status page, /api/status as JSON, /metrics for
/// Prometheus, and /api/command, which takes the control socket's commands from staff who
/// give the token (Authorization: Bearer TOKEN).
public final class StatusRoutes: Sendable {
  let board: StatusBoard
  let tokenHash: String?
  let metrics = StatusMetrics()
  /// Wrong tokens in the current minute: after ten, every command waits for the next minute.
  private let failures = Mutex((minute: 0, count: 0))

  public init(board: StatusBoard, tokenHash: String?) {
    self.board = board
    self.tokenHash = tokenHash
  }

  public func respond(_ request: HTTPRequest, _ send: @escaping @Sendable (HTTPResponse) -> Void) {
    switch (request.method, request.path) {
    case ("GET", "/"), ("GET", "/index.html"):
      send(HTTPResponse(contentType: "text/html; charset=utf-8", body: Array(StatusPage.html.utf8)))
    case ("GET", "/api/status"):
      guard let status = board.status else { return send(.text("starting", status: 503)) }
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys]
      let body = (try? encoder.encode(status)).map(Array.init) ?? []
      send(HTTPResponse(contentType: "application/json", body: body))
    case ("GET", "/metrics"):
      guard let status = board.status else { return send(.text("starting", status: 503)) }
      send(
        HTTPResponse(
          contentType: "text/plain; version=0.0.4; charset=utf-8", body: Array(metrics.text(for: status).utf8)))
    case ("POST", "/api/command"):
      command(request, send)
    case (_, "/"), (_, "/api/status"), (_, "/metrics"), (_, "/api/command"):
      send(.text("method not allowed", status: 405))
    default:
      send(.text("not found: the status page is at /", status: 404))
    }
  }

  private func command(_ request: HTTPRequest, _ send: @escaping @Sendable (HTTPResponse) -> Void) {
    guard let tokenHash else {
      return send(
        .text(
          "commands are off: set http.token_hash in the installation config ('birdsong config new-token')",
          status: 403))
    }
    let minute = Int(Date().timeIntervalSince1970 / 60)
    let refused = failures.withLock { state in
      if state.minute != minute { state = (minute, 0) }
      return state.count >= 10
    }
    guard !refused else { return send(.text("too many wrong tokens: wait a minute", status: 429)) }
    let given = request.header("Authorization").flatMap { value in
      value.hasPrefix("Bearer ") ? String(value.dropFirst(7)) : nil
    }
    guard let given, PasswordHash.matches(given, hash: tokenHash) else {
      failures.withLock { $0.count += 1 }
      return send(.text("the token is missing or wrong", status: 401))
    }
    let line = String(decoding: request.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    do {
      _ = try ControlCommand(parsing: line)
    } catch {
      return send(.text("\(error)", status: 400))
    }
    board.submit(line) { reply in
      send(.text(reply, status: reply.hasPrefix("error") ? 400 : 200))
    }
  }
}

/// The status as Prometheus metrics (text exposition format): totals as counters, the rest as
/// gauges, each box labelled with its name and channel.
final class StatusMetrics: Sendable {
  private let registry = PrometheusCollectorRegistry()
  /// The totals last exported, so that counters move on by the difference.
  private let exported = Mutex<[String: Double]>([:])

  func text(for status: InstallationStatus) -> String {
    /// `birdsong_NAME_UNIT`, with its help line.
    func descriptor(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
      MetricNameDescriptor(namespace: "birdsong", metricName: name, unitName: unit, helpText: help)
    }
    func gauge(_ name: String, _ unit: String, _ help: String, _ value: Double, _ labels: [(String, String)] = []) {
      registry.makeGauge(descriptor: descriptor(name, unit, help), labels: labels).set(value)
    }
    func counter(_ name: String, _ help: String, _ total: Double, _ labels: [(String, String)] = []) {
      let key = name + labels.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
      let step = exported.withLock { seen -> Double in
        defer { seen[key] = max(total, seen[key] ?? 0) }
        return max(total - (seen[key] ?? 0), 0)
      }
      let made = registry.makeCounter(descriptor: descriptor(name, "total", help), labels: labels)
      if step > 0 { made.increment(by: step) }
    }
    gauge("playing", "", "1 while the sound device takes audio", status.playing ? 1 : 0)
    gauge("open", "", "1 inside opening hours", status.open ? 1 : 0)
    gauge("uptime", "seconds", "Seconds since the installation started", status.uptimeSeconds)
    gauge("quiet", "seconds", "Seconds of a quiet spell still to run", status.quietSeconds)
    counter("audio_seconds", "Seconds of audio played or skipped", status.audioSeconds)
    counter("underruns", "Times the device ran dry and was restarted", Double(status.underruns))
    counter("outages", "Times the device failed or went away", Double(status.outages))
    counter("reconnects", "Times the device came back after an outage", Double(status.reconnects))
    for box in status.boxes {
      let labels = [("box", box.name), ("channel", String(box.channel))]
      gauge("box_singing", "", "1 while the box sings", box.singing ? 1 : 0, labels)
      gauge("box_level", "dbfs", "The box's peak level in the last block", box.levelDBFS, labels)
      counter("box_songs", "Songs the box has begun", Double(box.songs), labels)
    }
    return registry.emitToString()
  }
}
