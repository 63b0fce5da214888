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

  /// The device is gone (a USB interface unplugged) or not there at all.
  public var isDeviceMissing: Bool { [-ENODEV, -ENOENT, -ENXIO, -EBADFD, -EIO].contains(code) }
  /// Another program has the device.
  public var isBusy: Bool { code == -EBUSY }

  /// What happened, without advice.
  public var summary: String {
    let reason = String(cString: snd_strerror(code))
    if isBusy { return "the sound device '\(device)' is busy: another program is using it (\(reason))" }
    if code == -EIO, call == "snd_pcm_writei" {
      return "the sound device '\(device)' stopped taking audio (\(reason)): a loose USB cable or a failing card, "
        + "or for a file: device a full or unwritable disk"
    }
    if isDeviceMissing { return "the sound device '\(device)' is not there (\(reason))" }
    return "sound device '\(device)': \(call) failed: \(reason)"
  }

  public var description: String {
    isDeviceMissing && code != -EIO ? summary + "; 'birdsong devices' lists the devices" : summary
  }
}

/// A device that cannot do what the installation needs.
public struct ALSAConfigurationError: Error, CustomStringConvertible {
  public let message: String
  public var description: String { message }
}
