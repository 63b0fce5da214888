/// How long one presentation takes, for the kiosk that plays it and the simulation that
/// estimates how long a check lasts: the silent pause (`Trial.pause`), the tone, then a window
/// in which a press still counts.
public enum TrialTiming {
  /// The tone's length, ramps included (IEC 60645-1 asks at least 0.5 s for a pure tone).
  public static let toneSeconds = 1.0
  /// After the tone, a press still counts as heard for this long.
  public static let responseWindow = 1.0

  /// Seconds a presentation takes when nobody presses.
  public static func seconds(of trial: CheckProcedure.Trial) -> Double { trial.pause + toneSeconds + responseWindow }

  /// Seconds a presentation takes as the kiosk runs it: a press during the tone lets the tone
  /// play out, a press in the window after it moves on at once, and a press in the pause ends
  /// the trial there (`reaction`: seconds from the tone's start to the press; `into`: how far
  /// into the pause an early press came, 0-1).
  public static func seconds(
    of trial: CheckProcedure.Trial, response: CheckProcedure.Response, reaction: Double, into: Double
  ) -> Double {
    switch response {
    case .notHeard: seconds(of: trial)
    case .heard: trial.pause + min(max(toneSeconds, reaction), toneSeconds + responseWindow)
    case .pressedTooEarly: trial.pause * into
    }
  }
}
