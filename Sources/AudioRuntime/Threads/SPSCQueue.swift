import Synchronization

/// A fixed-size, lock-free queue from one thread to one other (single producer, single
/// consumer). Pushing and popping move values in and out of storage made up front: neither
/// allocates, locks or waits, so the render thread can use it.
public final class SPSCQueue<Element>: @unchecked Sendable {
  private let slots: UnsafeMutablePointer<Element?>
  private let mask: Int
  /// The next slot to read; written by the consumer only.
  private let head = Atomic<Int>(0)
  /// The next slot to write; written by the producer only.
  private let tail = Atomic<Int>(0)

  /// - Parameter capacity: rounded up to a power of two.
  public init(capacity: Int) {
    var size = 1
    while size < capacity { size *= 2 }
    mask = size - 1
    slots = .allocate(capacity: size)
    slots.initialize(repeating: nil, count: size)
  }

  deinit {
    slots.deinitialize(count: mask + 1)
    slots.deallocate()
  }

  public var capacity: Int { mask + 1 }

  /// Producer only. Returns false, keeping nothing, when the queue is full.
  @discardableResult
  public func push(_ element: Element) -> Bool {
    let t = tail.load(ordering: .relaxed)
    guard t - head.load(ordering: .acquiring) <= mask else { return false }
    slots[t & mask] = element
    tail.store(t + 1, ordering: .releasing)
    return true
  }

  /// Consumer only. The oldest element, or nil when the queue is empty.
  public func pop() -> Element? {
    let h = head.load(ordering: .relaxed)
    guard h != tail.load(ordering: .acquiring) else { return nil }
    let element = slots[h & mask].take()
    head.store(h + 1, ordering: .releasing)
    return element
  }
}
