/// A mistake in a config file: where it is, what is wrong, and how to fix it.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
  public let file: String
  public let line: Int?
  public let field: String
  public let message: String

  public init(file: String, line: Int?, field: String, message: String) {
    self.file = file
    self.line = line
    self.field = field
    self.message = message
  }

  public var description: String {
    let place = line.map { "\(file):\($0)" } ?? file
    return field.isEmpty ? "\(place): \(message)" : "\(place): \(field): \(message)"
  }
}
