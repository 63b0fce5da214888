import ArgumentParser
import ControlProtocol
import Foundation
import Installation
import StatusServer

extension Birdsong {
  struct Ctl: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Send a command to the running installation and print its answer.",
      discussion: """
        Commands:
          status          what is playing, and each box's state
          pause [BOX]     silence one box (by name or channel), or all
          resume [BOX]    let it, or all, sing again
          quiet SECONDS   silence every box for a while (an hour at most)
          sing BOX        that box sings now
          identify BOX    that box sings alone (the others quiet for 15 s)
          sweep           the boxes sing one at a time, lowest band first

        Another machine's installation is reached through its status page:
        --url with the token (or BIRDSONG_TOKEN in the environment). Several
        --url options send the command to each machine.
        """)

    @Option(help: ArgumentHelp("The installation config, for its control_socket.", valueName: "file"))
    var config = InstallationConfig.defaultPath

    @Option(help: ArgumentHelp("The control socket, instead of the config's.", valueName: "path"))
    var socket: String?

    @Option(
      help: ArgumentHelp(
        "An installation's status page (http://HOST:8750), instead of the local socket; repeat it for several.",
        valueName: "url"))
    var url: [String] = []

    @Option(help: ArgumentHelp("The token for --url (or set BIRDSONG_TOKEN).", valueName: "token"))
    var token: String?

    @Argument(help: "The command, e.g. 'quiet 300' or 'sing Gate'.")
    var command: [String]

    func run() throws {
      if !url.isEmpty { return try sendOverHTTP() }
      let path: String
      if let socket {
        path = socket
      } else {
        path = try loadInstallation(config).controlSocket
        guard !path.isEmpty else { throw fail("\(config) has no control_socket; set one, or pass --socket") }
      }
      let reply: String
      do {
        reply = try ControlClient.request(command.joined(separator: " "), to: path)
      } catch {
        throw fail("\(error)")
      }
      print(reply)
      if reply.hasPrefix("error") { throw ExitCode.failure }
    }

    /// The command to each --url in turn, through its status page's /api/command.
    private func sendOverHTTP() throws {
      guard let token = token ?? ProcessInfo.processInfo.environment["BIRDSONG_TOKEN"], !token.isEmpty else {
        throw fail("--url needs the status page's token: --token TOKEN, or BIRDSONG_TOKEN in the environment")
      }
      var failed = false
      for address in url {
        let base = address.hasSuffix("/") ? String(address.dropLast()) : address
        guard let endpoint = URL(string: base + "/api/command"), endpoint.scheme == "http"
        else {
          throw fail(
            "'\(address)' is not an address like http://192.168.1.20:8750 (plain http, on the venue's own network)")
        }
        let answer = HTTPCommand.send(command.joined(separator: " "), to: endpoint, token: token)
        print(url.count > 1 ? "\(base): \(answer.text)" : answer.text)
        failed = failed || !answer.ok
      }
      if failed { throw ExitCode.failure }
    }
  }
}

/// One command to an installation's /api/command.
enum HTTPCommand {
  static func send(_ line: String, to endpoint: URL, token: String) -> (ok: Bool, text: String) {
    guard let host = endpoint.host else { return (false, "error: no host in \(endpoint)") }
    do {
      let answer = try HTTPClient.post(
        host: host, port: endpoint.port ?? 80, path: endpoint.path, body: line,
        headers: [("Authorization", "Bearer \(token)")])
      return (answer.status == 200, answer.text.trimmingCharacters(in: .whitespacesAndNewlines))
    } catch {
      return (false, "error: cannot reach \(host): \(error)")
    }
  }
}
