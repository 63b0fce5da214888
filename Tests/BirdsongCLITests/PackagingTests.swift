import Foundation
import TestSupport
import Testing

/// The service units as shipped in the package: sandboxed, as `systemd-analyze security` rates
/// them (scripts/package-check also installs them in a clean Debian and verifies them).
@Suite struct PackagingTests {
  @Test(arguments: ["birdsong.service", "birdsong-kiosk.service"])
  func unitsAreHardened(unit: String) throws {
    let path = packageRoot() + "/packaging/systemd/" + unit
    let result = try run("/usr/bin/systemd-analyze", ["security", "--offline=true", path])
    let line = result.output.split(separator: "\n").first { $0.contains("Overall exposure level") }
    let score = line.flatMap { $0.split(separator: ":").last?.split(separator: " ").first }.flatMap { Double($0) }
    #expect(score != nil, "no score in: \(result.output.suffix(300))")
    #expect((score ?? 10) <= 2.0, "\(unit): \(line ?? "")")
  }

  @Test func theServiceIsSupervisedAndMayAskForRealtime() throws {
    let unit = try String(contentsOfFile: packageRoot() + "/packaging/systemd/birdsong.service", encoding: .utf8)
    let lines = Set(unit.split(separator: "\n").map(String.init))
    // Type=notify with a watchdog that `run` feeds; the socket under /run; sound devices only.
    for setting in [
      "Type=notify", "WatchdogSec=10", "RuntimeDirectory=birdsong", "StateDirectory=birdsong", "LimitRTPRIO=20",
      "DeviceAllow=char-alsa rw", "ProtectSystem=strict",
    ] {
      #expect(lines.contains(setting), "birdsong.service lacks \(setting)")
    }
    #expect(unit.contains("--realtime-priority 20"))
  }
}
