import Foundation

/// Lengths of audio as people read them: "12.5 s", "10m 0s", "8h 0m 0s".
public enum AudioDuration {
  public static func describe(_ seconds: Double) -> String {
    if seconds < 60 { return String(format: "%.1f s", seconds) }
    let whole = Int(seconds.rounded())
    let (h, m, s) = (whole / 3600, whole / 60 % 60, whole % 60)
    return h > 0 ? "\(h)h \(m)m \(s)s" : "\(m)m \(s)s"
  }
}
