import Foundation
import TestSupport
import Testing

/// The render thread allocates nothing: every generator, the mixer and safety stage, the
/// programs' commands and the runtime's loop, counted by `allocation-probe`, a process of its
/// own that interposes malloc (the test runner itself keeps the C library's).
@Suite struct AllocationTests {
  @Test func theRenderThreadAllocatesNothing() throws {
    let probe = URL(fileURLWithPath: birdsongBinary).deletingLastPathComponent()
      .appendingPathComponent("allocation-probe").path
    let (status, output) = try run(probe, [packageRoot() + "/Config/installation.yaml"])
    #expect(status == 0, "\(output)")
    var counts: [String: Int] = [:]
    for line in output.split(separator: "\n") {
      let parts = line.split(separator: " ")
      if parts.count == 2, let value = Int(parts[1]) { counts[String(parts[0])] = value }
    }
    #expect((counts["counter"] ?? 0) >= 1, "the allocation counter does not count:\n\(output)")
    #expect(counts["species"] == 20)
    #expect(counts["generators"] == 0, "allocations in 10,000 blocks of every generator:\n\(output)")
    #expect(counts["hearing-loss"] == 0, "allocations in 10,000 blocks of the hearing-loss filter:\n\(output)")
    #expect(counts["commands"] == 0, "allocations applying 400 commands:\n\(output)")
    #expect(counts["loop"] == 0, "allocations in 10,000 blocks of the runtime loop:\n\(output)")
  }
}
