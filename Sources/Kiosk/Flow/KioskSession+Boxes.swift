import ControlProtocol
import Foundation

/// The running installation's boxes: quiet during a headphone check, one by one in the group check.
extension KioskSession {
  // MARK: the installation's boxes

  /// The installation's boxes from low to high, for the group check; none when no
  /// installation is running (its control socket is there only while it runs).
  var boxOrder: [Int] {
    guard hasInstallation else { return [] }
    return installationBoxes.indices.sorted { installationBoxes[$0].center < installationBoxes[$1].center }
  }

  func sendToInstallation(_ command: ControlCommand) {
    if hasInstallation { emit(.send(command)) }
  }

  func quietBoxes(now: Double) {
    guard hasInstallation else { return }
    sendToInstallation(.quiet(seconds: resources.config.quietSeconds.rounded(.down)))
    quietRenewAt = now + resources.config.quietSeconds / 2
  }

  func releaseBoxes() {
    guard quietRenewAt != .infinity else { return }
    quietRenewAt = .infinity
    sendToInstallation(.quiet(seconds: 0))
  }

  // MARK: the group check with the boxes

  func startBoxes(now: Double) {
    let order = boxOrder
    checkStarted = now
    var boxes = Boxes(order: order, heard: Array(repeating: false, count: order.count))
    boxes.listeningUntil = now + Self.boxListenSeconds
    sendToInstallation(.sing(box: installationBoxes[order[0]].name))
    go(.boxes(boxes), now: now)
  }

  func finishBoxes(_ boxes: Boxes, now: Double) {
    releaseBoxes()
    lastBoxes = (boxes.order, boxes.heard)
    let highest = highestHeard(order: boxes.order, heard: boxes.heard)
    record(
      mode: .freeField, reliable: true, outcome: highest == nil ? .heardNone : .heardBirds,
      highestBirdHz: highest.map { installationBoxes[$0].center }, thresholds: [], now: now)
    go(.boxesResult(heard: boxes.heard), now: now)
  }

  func highestHeard(order: [Int], heard: [Bool]) -> Int? {
    heard.lastIndex(of: true).map { order[$0] }
  }

}
