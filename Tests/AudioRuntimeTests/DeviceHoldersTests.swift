import ALSAOutput
import Foundation
import TestSupport
import Testing

@Suite struct DeviceHoldersTests {
  @Test func hardwareNamesLeadToTheirPlaybackNode() {
    let cards = [DeviceList.Card(index: 2, id: "UMC1820", name: "UMC1820", devices: [])]
    #expect(DeviceHolders.node(of: "hw:CARD=UMC1820,DEV=0", cards: cards) == "/dev/snd/pcmC2D0p")
    #expect(DeviceHolders.node(of: "plughw:CARD=UMC1820,DEV=1", cards: cards) == "/dev/snd/pcmC2D1p")
    #expect(DeviceHolders.node(of: "hw:1,3", cards: cards) == "/dev/snd/pcmC1D3p")
    #expect(DeviceHolders.node(of: "hw:UMC1820", cards: cards) == "/dev/snd/pcmC2D0p")
    #expect(DeviceHolders.node(of: "hw:CARD=Nowhere,DEV=0", cards: cards) == nil)
    #expect(DeviceHolders.node(of: "pipewire", cards: cards) == nil)
    #expect(DeviceHolders.node(of: "default", cards: cards) == nil)
  }

  @Test func theProcessesHoldingAFileAreNamed() throws {
    // Another process holds a file open; it is found by its /proc entries, with its name.
    let path = temporaryFolder() + "/node"
    try "x".write(toFile: path, atomically: true, encoding: .utf8)
    let holder = Process()
    holder.executableURL = URL(fileURLWithPath: "/bin/sh")
    holder.arguments = ["-c", "exec 3<'\(path)'; exec sleep 5"]
    try holder.run()
    defer { holder.terminate() }
    var found: [DeviceHolders.Holder] = []
    // The shell opens the file, then becomes `sleep`: wait for both (a loaded machine is slow).
    for _ in 0..<100 {
      found = DeviceHolders.processes(holding: path)
      if found.first?.name == "sleep" { break }
      usleep(20_000)
    }
    #expect(found == [DeviceHolders.Holder(pid: holder.processIdentifier, name: "sleep")])
    #expect(DeviceHolders.processes(holding: path + "-not-open").isEmpty)
  }
}
