import CALSA
import Foundation

/// An alsa-lib failure: which call, and the error code it returned (a negative errno).
public struct ALSAError: Error, Equatable, CustomStringConvertible {
  public let call: String
  public let code: Int32
  public let device: String

  public init(_ call: String, code: Int32, device: String) {
    self.call = call
    self.code = code
    self.device = device
  }

  /// What kind of failure, as swift-system's Errno names errno values: what the caller does
  /// about it depends on this, not on the number.
  public enum Kind: Sendable, Equatable {
    /// The device ran dry (EPIPE): prepare it and write on.
    case underrun
    /// The system suspended the device (ESTRPIPE): resume it.
    case suspended
    /// The device is not there or has gone (ENODEV, ENOENT, ENXIO, EBADFD).
    case noDevice
    /// Another program has it (EBUSY).
    case busy
    /// It failed while in use (EIO): a failing card, a full disk behind `file:`.
    case ioError
    case other
  }

  public var kind: Kind {
    switch -code {
    case EPIPE: .underrun
    case ESTRPIPE: .suspended
    case ENODEV, ENOENT, ENXIO, EBADFD: .noDevice
    case EBUSY: .busy
    case EIO: .ioError
    default: .other
    }
  }

  /// alsa-lib's words for the code (snd_strerror).
  public var reason: String { String(cString: snd_strerror(code)) }

  /// The device is gone (a USB interface unplugged), not there at all, or failing.
  public var isDeviceMissing: Bool { kind == .noDevice || kind == .ioError }
  /// Another program has the device.
  public var isBusy: Bool { kind == .busy }

  /// What happened, without advice.
  public var summary: String {
    switch kind {
    case .busy:
      "the sound device '\(device)' is busy: "
        + (DeviceHolders.explanation(for: device) ?? "another program is using it") + " (\(reason))"
    case .ioError:
      "the sound device '\(device)' stopped taking audio (\(reason)): a loose USB cable or a failing card, "
        + "or for a file: device a full or unwritable disk"
    case .noDevice: "the sound device '\(device)' is not there (\(reason))"
    case .underrun, .suspended, .other: "sound device '\(device)': \(call) failed: \(reason)"
    }
  }

  public var description: String {
    kind == .noDevice ? summary + "; 'birdsong devices' lists the devices" : summary
  }
}

/// A device that cannot do what the installation needs.
public struct ALSAConfigurationError: Error, CustomStringConvertible {
  public let message: String
  public var description: String { message }
}
