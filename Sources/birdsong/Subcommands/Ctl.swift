import ArgumentParser
import ControlProtocol
import Installation

extension Birdsong {
  struct Ctl: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Send a command to the running installation and print its answer.",
      discussion: """
        Commands:
          status           what is playing, and each box's state
          pause [BOX]      silence one box (by name or channel), or all
          resume [BOX]     let it, or all, sing again
          quiet SECONDS    silence every box for a while (at most an hour); it ends by itself
          sing BOX         that box sings now
          sweep            the boxes sing one at a time, lowest band first
        """)

    @Option(help: ArgumentHelp("The installation config, for its control_socket.", valueName: "file"))
    var config = InstallationConfig.defaultPath

    @Option(help: ArgumentHelp("The control socket, instead of the config's.", valueName: "path"))
    var socket: String?

    @Argument(help: "The command, e.g. 'quiet 300' or 'sing Gate'.")
    var command: [String]

    func run() throws {
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
  }
}
