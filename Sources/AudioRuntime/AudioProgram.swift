import BirdsongSynthesis

/// What the render thread plays: a mixer, and the commands that steer it between blocks (the
/// installation's gains and songs, the headphones' tones).
///
/// Commands are made on the control thread and applied on the render thread; `apply` must
/// not allocate, lock, log or throw. It may swap values into the command it is given: the
/// command goes back to the control thread afterwards, which frees whatever it holds there.
public protocol AudioProgram: AnyObject, SendableMetatype {
  associatedtype Command: Sendable
  var mixer: Mixer { get }
  func apply(_ command: inout Command)
  /// Called on the render thread after every block: publish counters (atomics) here.
  func didRender()
}

extension AudioProgram {
  public func didRender() {}
}
