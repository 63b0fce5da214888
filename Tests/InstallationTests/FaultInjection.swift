import ALSAOutput
import Foundation
import Synchronization
import TestSupport

/// Faults to inject, by frames written (audio time) and by simulated wall-clock time.
struct FaultPlan: Sendable {
  /// Writes that fail with -EPIPE (underrun), at these frame counts.
  var underrunsAt: [Int] = []
  /// Writes that fail with -ESTRPIPE (suspend) at these frame counts; resume then answers
  /// -EAGAIN twice before it works.
  var suspendsAt: [Int] = []
  /// The device vanishes at these frame counts (-ENODEV) and stays away this many seconds.
  var vanishesAt: [(frame: Int, seconds: Double)] = []
  /// Opening fails with -EBUSY this many times first.
  var busyAtStart = 0
  /// The write at this frame count blocks, like a driver that never returns, until `release`.
  var hangsAt: Int?
}

/// Opens real null devices through `SystemPCM`, wrapped in `FaultyPCM`, following a plan.
final class FaultyDevices: Sendable {
  let plan: FaultPlan
  let clock: SimulatedClock
  private let state = Mutex((opens: 0, busyLeft: 0, awayUntil: -1.0, framesWritten: 0, vanished: 0))
  private let loudest = Mutex<Float>(0)
  private let hangRelease = DispatchSemaphore(value: 0)
  private let hanging = Atomic(false)

  /// True while a write is held by `FaultPlan.hangsAt`.
  var isHanging: Bool { hanging.load(ordering: .relaxed) }

  /// Lets a hung write return.
  func release() { hangRelease.signal() }

  /// Blocks the calling (render) thread if the plan hangs a write in this stretch of audio.
  func hangIfDue(writing frames: Int) {
    guard let point = plan.hangsAt else { return }
    let due = state.withLock { $0.framesWritten <= point && point < $0.framesWritten + frames }
    guard due else { return }
    hanging.store(true, ordering: .relaxed)
    hangRelease.wait()
    hanging.store(false, ordering: .relaxed)
  }

  /// The loudest sample written so far (the null device takes floats).
  var loudestSample: Float { loudest.withLock { $0 } }

  func heard(_ bytes: UnsafeRawPointer, count: Int) {
    var peak: Float = 0
    for i in 0..<count { peak = max(peak, abs(bytes.loadUnaligned(fromByteOffset: i * 4, as: Float.self))) }
    loudest.withLock { $0 = max($0, peak) }
  }

  init(plan: FaultPlan, clock: SimulatedClock) {
    self.plan = plan
    self.clock = clock
    state.withLock { $0.busyLeft = plan.busyAtStart }
  }

  var openAttempts: Int { state.withLock { $0.opens } }

  var opener: PCMOpener {
    { [self] name, request in
      let refusal: Int32? = state.withLock { state in
        state.opens += 1
        if state.busyLeft > 0 {
          state.busyLeft -= 1
          return -EBUSY
        }
        return clock.now() < state.awayUntil ? -ENODEV : nil
      }
      if let refusal { throw ALSAError("snd_pcm_open", code: refusal, device: name) }
      return FaultyPCM(wrapping: try SystemPCM(name: "null", request: request), devices: self)
    }
  }

  /// Called by a write: the fault due at this point of audio time, if any.
  func fault(writing frames: Int) -> Int32? {
    state.withLock { state in
      let before = state.framesWritten
      let after = before + frames
      func due(_ points: [Int]) -> Bool { points.contains { $0 >= before && $0 < after } }
      if state.vanished < plan.vanishesAt.count, plan.vanishesAt[state.vanished].frame < after {
        state.awayUntil = clock.now() + plan.vanishesAt[state.vanished].seconds
        state.vanished += 1
        return -ENODEV
      }
      state.framesWritten = after
      if due(plan.underrunsAt) { return -EPIPE }
      if due(plan.suspendsAt) { return -ESTRPIPE }
      return nil
    }
  }
}

/// A real device with faults injected in front of it.
final class FaultyPCM: PCMDevice {
  let real: SystemPCM
  let devices: FaultyDevices
  private var pendingFault: Int32?
  private var resumeRefusals = 0
  private var gone = false

  init(wrapping real: SystemPCM, devices: FaultyDevices) {
    self.real = real
    self.devices = devices
  }

  var configuration: PCMConfiguration { real.configuration }

  func write(_ bytes: UnsafeRawPointer, frames: Int) -> Int {
    if gone { return Int(-ENODEV) }
    devices.hangIfDue(writing: frames)
    if let fault = devices.fault(writing: frames) {
      if fault == -ENODEV { gone = true }
      if fault == -ESTRPIPE { resumeRefusals = 2 }
      return Int(fault)
    }
    if real.configuration.format == .float32 { devices.heard(bytes, count: frames * real.configuration.channels) }
    return real.write(bytes, frames: frames)
  }

  func prepare() -> Int32 { gone ? -ENODEV : real.prepare() }

  func resume() -> Int32 {
    if resumeRefusals > 0 {
      resumeRefusals -= 1
      return -EAGAIN
    }
    return 0
  }

  func delay() -> Int { real.delay() }
  var isDisconnected: Bool { gone }
  func drop() { real.drop() }
  func drain() { real.drain() }
  func close() { real.close() }
}
