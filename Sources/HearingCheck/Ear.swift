/// Which ear a tone goes to. Clinical audiograms mark the right ear O and the left X.
public enum Ear: String, Sendable, CaseIterable, Hashable {
  case right, left

  public var symbol: Character { self == .right ? "O" : "X" }
}

/// One threshold to find: an ear at a frequency.
public struct TestPoint: Sendable, Hashable {
  public var ear: Ear
  public var frequency: Double
  /// The second look at 1 kHz, to see whether the answers hold.
  public var isRetest: Bool

  public init(ear: Ear, frequency: Double, isRetest: Bool = false) {
    self.ear = ear
    self.frequency = frequency
    self.isRetest = isRetest
  }
}
