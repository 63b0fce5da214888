import ControlProtocol
import Foundation
import Kiosk
import SessionStore
import TestSupport
import Testing

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// `birdsong run` with its status page: JSON, metrics, commands behind a token, and the page
/// itself in a real browser (headless Chromium driven through chromedriver's WebDriver API).
@Suite(.serialized) struct StatusPageTests {
  /// A running installation on the null device with the status page on a port of its own.
  final class Installation {
    let process = Process()
    let token: String
    var port = 0

    /// - Parameter prefix: put before every box's name (a second machine's boxes).
    init(prefix: String = "") throws {
      let folder = temporaryFolder()
      let made = try birdsong(["config", "new-token"])
      token = try #require(made.stdout.split(separator: "\n").first?.split(separator: " ").last.map(String.init))
      let hash = try #require(made.stdout.split(separator: "\n").last?.trimmingCharacters(in: .whitespaces))
      // The kiosk's records: two checks today, one two days ago.
      let store = try SessionStore(path: folder + "/sessions.sqlite")
      for finished in [Date(), Date(), Date().addingTimeInterval(-2 * 86400)] {
        _ = try store.record(
          .init(
            finishedAt: finished, language: "en", mode: .headphones, calibrated: false, reliable: true,
            outcome: .within, signposting: "none", seconds: 200, thresholds: []))
      }
      let shipped = try String(contentsOfFile: packageRoot() + "/Config/installation.yaml", encoding: .utf8)
      try shipped.replacingOccurrences(
        of: "control_socket: /run/birdsong/control.sock",
        with:
          "control_socket: none\nhttp:\n  listen: 127.0.0.1:0\n  kiosk_database: \(folder)/sessions.sqlite\n  \(hash)"
      ).replacingOccurrences(of: "- name: ", with: "- name: \(prefix)")
        .write(toFile: folder + "/http.yaml", atomically: true, encoding: .utf8)
      process.executableURL = URL(fileURLWithPath: birdsongBinary)
      process.arguments = ["run", "--config", folder + "/http.yaml", "--device", "null"]
      let log = Pipe()
      process.standardError = log
      try process.run()
      // The log names the port the system chose.
      var text = ""
      let deadline = Date().addingTimeInterval(10)
      while port == 0, Date() < deadline {
        let chunk = log.fileHandleForReading.availableData
        if chunk.isEmpty { break }
        text += String(decoding: chunk, as: UTF8.self)
        if let range = text.range(of: "status page on http://127.0.0.1:") {
          port = Int(text[range.upperBound...].prefix { $0.isNumber }) ?? 0
        }
      }
      try #require(port > 0, "no status page in the log: \(text)")
    }

    deinit {
      if process.isRunning { process.terminate() }
      process.waitUntilExit()
    }

    func request(_ path: String, method: String = "GET", body: String? = nil, token: String? = nil) async throws
      -> (status: Int, text: String)
    {
      var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
      request.httpMethod = method
      request.httpBody = body.map { Data($0.utf8) }
      if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
      let (data, response) = try await URLSession.shared.data(for: request)
      return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    func status() async throws -> [String: Any] {
      let answer = try await request("/api/status")
      return try #require(try JSONSerialization.jsonObject(with: Data(answer.text.utf8)) as? [String: Any])
    }
  }

  @Test func statusMetricsAndCommandsBehindTheToken() async throws {
    let installation = try Installation()
    usleep(500_000)
    let status = try await installation.status()
    #expect(status["playing"] as? Bool == true && status["commandsEnabled"] as? Bool == true)
    #expect(status["kioskChecksToday"] as? Int == 2)
    let boxes = try #require(status["boxes"] as? [[String: Any]])
    #expect(boxes.count == 8 && boxes.first?["name"] as? String == "Gate" && boxes.first?["channel"] as? Int == 1)

    let metrics = try await installation.request("/metrics")
    #expect(metrics.status == 200 && metrics.text.contains("birdsong_playing 1"))
    #expect(metrics.text.contains("birdsong_box_songs_total{box=\"Top\",channel=\"8\"}"))

    #expect(try await installation.request("/api/command", method: "POST", body: "quiet 60").status == 401)
    let wrong = try await installation.request("/api/command", method: "POST", body: "quiet 60", token: "guess")
    #expect(wrong.status == 401)
    let bad = try await installation.request(
      "/api/command", method: "POST", body: "fly away", token: installation.token)
    #expect(bad.status == 400 && bad.text.contains("unknown command"))
    let quiet = try await installation.request(
      "/api/command", method: "POST", body: "quiet 60", token: installation.token)
    #expect(quiet.status == 200 && quiet.text.hasPrefix("ok: quiet for 60 s"), "\(quiet)")
    usleep(400_000)
    let after = try await installation.status()
    #expect((after["quietSeconds"] as? Double ?? 0) > 50)
    #expect((after["boxes"] as? [[String: Any]])?.allSatisfy { $0["state"] as? String == "quiet" } == true)

    // ctl reaches it from another machine the same way, with the token.
    let base = "http://127.0.0.1:\(installation.port)"
    let ctl = try birdsong(["ctl", "--url", base, "--token", installation.token, "quiet", "0"])
    #expect(ctl.status == 0 && ctl.stdout.hasPrefix("ok: quiet for 0 s"), "\(ctl)")
    let refused = try birdsong(["ctl", "--url", base, "--token", "guess", "sweep"])
    #expect(refused.status != 0 && refused.stdout.contains("token is missing or wrong"), "\(refused)")
    let noToken = try birdsong(["ctl", "--url", base, "sweep"])
    #expect(noToken.status != 0 && noToken.stderr.contains("--url needs the status page's token"))
    let nobody = try birdsong(["ctl", "--url", "http://127.0.0.1:1", "--token", "x", "status"])
    #expect(nobody.status != 0 && nobody.stdout.contains("cannot reach 127.0.0.1"), "\(nobody)")

    #expect(try await installation.request("/nowhere").status == 404)
    #expect(try await installation.request("/api/status", method: "DELETE").status == 405)
    #expect(try await installation.request("/").text.contains("<title>Hearing Birdsong</title>"))
  }

  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver")))
  func theStatusPageWorksInAHeadlessBrowser() async throws {
    let installation = try Installation()
    let driver = try WebDriver()
    defer { driver.quit() }
    try await driver.open("http://127.0.0.1:\(installation.port)/")
    // The page fills in from /api/status: eight boxes, playing.
    #expect(try await driver.waitForText("#state", containing: "Playing on null"))
    #expect(try await driver.count(".box") == 8)
    #expect(try await driver.waitForText("#facts", containing: "Kiosk checks today\n2"))
    // Staff type the token and press "Quiet for 5 minutes": the page says so, and the boxes go quiet.
    try await driver.type("#token", installation.token)
    try await driver.click("[data-command='quiet 300']")
    #expect(try await driver.waitForText("#message", containing: "Done: ok: quiet for 300 s"))
    #expect(try await driver.waitForText("#state", containing: "quiet for"))
    let status = try await installation.status()
    #expect((status["quietSeconds"] as? Double ?? 0) > 290)
    // One box paused from its own card; its tag says so after the next refresh.
    try await driver.click("[data-command='quiet 0']")
    #expect(try await driver.waitForText("#message", containing: "Done: ok: quiet for 0 s"))
    try await driver.click(".box:first-child .pause")
    #expect(try await driver.waitForText(".box:first-child .tag", containing: "paused"))
    #expect(try await driver.waitForText(".box:first-child .pause", containing: "Resume"))
    let shot = packageRoot() + "/.build/status-page.png"
    try await driver.screenshot(to: shot)
    print("status page screenshot: \(shot)")
  }
}

/// A venue that two machines play: the kiosk quiets both and has each box sing on its own.
@Suite struct SeveralInstallationsTests {
  /// Machine two's /api/status, through curl (this test keeps off Swift's async pool: it
  /// blocks while processes start).
  func status(port: Int) throws -> [String: Any] {
    let answer = try run("/usr/bin/curl", ["-s", "http://127.0.0.1:\(port)/api/status"])
    return (try JSONSerialization.jsonObject(with: Data(answer.output.utf8)) as? [String: Any]) ?? [:]
  }

  @Test func theKioskQuietsEveryInstallationAndAsksTheRightOneToSing() throws {
    // Machine one: the shipped boxes, on a control socket.
    let folder = temporaryFolder()
    let socket = folder + "/one.sock"
    let shipped = try String(contentsOfFile: packageRoot() + "/Config/installation.yaml", encoding: .utf8)
    try shipped.replacingOccurrences(
      of: "control_socket: /run/birdsong/control.sock", with: "control_socket: \(socket)"
    )
    .write(toFile: folder + "/one.yaml", atomically: true, encoding: .utf8)
    let one = Process()
    one.executableURL = URL(fileURLWithPath: birdsongBinary)
    one.arguments = ["run", "--config", folder + "/one.yaml", "--device", "null", "--log-level", "warning"]
    one.standardError = FileHandle.nullDevice
    try one.run()
    defer {
      one.terminate()
      one.waitUntilExit()
    }
    // Machine two: its boxes named "East ...", reached through its status page.
    let two = try StatusPageTests.Installation(prefix: "East ")
    for _ in 0..<50 where !FileManager.default.fileExists(atPath: socket) { usleep(100_000) }

    let control = InstallationControl(
      endpoints: [socket, "http://127.0.0.1:\(two.port)"], token: two.token)
    let boxes = control.boxes()
    #expect(boxes.count == 16 && boxes.contains { $0.name == "East Gate" } && boxes.contains { $0.name == "Gate" })

    func eastGateSongs() throws -> Int {
      let boxes = try status(port: two.port)["boxes"] as? [[String: Any]]
      return boxes?.first { $0["name"] as? String == "East Gate" }?["songs"] as? Int ?? -1
    }
    let before = try eastGateSongs()
    control.send(.quiet(seconds: 60))
    control.send(.sing(box: "East Gate"))
    control.flush()
    usleep(600_000)
    #expect(try birdsong(["ctl", "--socket", socket, "status"]).stdout.contains("Oak quiet"))
    #expect((try status(port: two.port)["quietSeconds"] as? Double ?? 0) > 50)
    #expect(try eastGateSongs() >= before + 1, "East Gate did not sing on machine two")
  }
}

/// Just enough of the W3C WebDriver protocol to drive headless Chromium through chromedriver.
final class WebDriver {
  let process = Process()
  let port: Int
  var session = ""

  init() throws {
    port = Int.random(in: 20000...40000)
    process.executableURL = URL(fileURLWithPath: "/usr/bin/chromedriver")
    process.arguments = ["--port=\(port)"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
  }

  func quit() {
    if !session.isEmpty {
      _ = try? run("/usr/bin/curl", ["-s", "-X", "DELETE", "http://127.0.0.1:\(port)/session/\(session)"])
    }
    kill(process.processIdentifier, SIGKILL)  // chromedriver may ignore SIGTERM while a browser winds down
    process.waitUntilExit()
  }

  /// One WebDriver call, through curl (FoundationNetworking trips over chromedriver's replies).
  @discardableResult
  func call(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
    var arguments = ["-s", "-X", method, "-H", "Content-Type: application/json", "http://127.0.0.1:\(port)\(path)"]
    if let body {
      arguments += ["-d", String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)]
    }
    let result = try run("/usr/bin/curl", arguments)
    guard result.status == 0 else { throw WebDriverError(description: "curl \(method) \(path): \(result.status)") }
    let answer = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
    if let value = answer?["value"] as? [String: Any], let error = value["error"] as? String {
      throw WebDriverError(description: "\(error): \(value["message"] ?? "")")
    }
    return answer?["value"]
  }

  func open(_ url: String) async throws {
    for _ in 0..<50 {  // chromedriver takes a moment to listen
      if (try? await call("GET", "/status")) != nil { break }
      usleep(100_000)
    }
    let options: [String: Any] = [
      "binary": "/usr/bin/chromium",
      "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=430,1100"],
    ]
    let created = try await call(
      "POST", "/session", ["capabilities": ["alwaysMatch": ["goog:chromeOptions": options]]])
    session = ((created as? [String: Any])?["sessionId"] as? String) ?? ""
    try await call("POST", "/session/\(session)/url", ["url": url])
  }

  func element(_ css: String) async throws -> String {
    let found = try await call("POST", "/session/\(session)/element", ["using": "css selector", "value": css])
    return ((found as? [String: Any])?.values.first as? String) ?? ""
  }

  func count(_ css: String) async throws -> Int {
    let found = try await call("POST", "/session/\(session)/elements", ["using": "css selector", "value": css])
    return (found as? [Any])?.count ?? 0
  }

  func text(_ css: String) async throws -> String {
    let id = try await element(css)
    return (try await call("GET", "/session/\(session)/element/\(id)/text") as? String) ?? ""
  }

  func waitForText(_ css: String, containing wanted: String, seconds: Double = 10) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if (try? await text(css))?.contains(wanted) == true { return true }
      usleep(100_000)
    }
    return false
  }

  func type(_ css: String, _ text: String) async throws {
    let id = try await element(css)
    try await call("POST", "/session/\(session)/element/\(id)/value", ["text": text])
    // The page keeps the token when the field changes: leave the field as a person would.
    try await call("POST", "/session/\(session)/element/\(id)/value", ["text": "\u{E004}"])  // Tab
  }

  func click(_ css: String) async throws {
    let id = try await element(css)
    try await call("POST", "/session/\(session)/element/\(id)/click", [:])
  }

  func screenshot(to path: String) async throws {
    let encoded = try await call("GET", "/session/\(session)/screenshot") as? String ?? ""
    try Data(base64Encoded: encoded)?.write(to: URL(fileURLWithPath: path))
  }
}

struct WebDriverError: Error, CustomStringConvertible {
  let description: String
}
