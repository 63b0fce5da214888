import ArgumentParser
import BirdsongAudio
import Foundation
import HearingCheck
import Installation
import Kiosk

extension Birdsong {
  struct Calibrate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Staff: measure the kiosk's headphone (or room microphone) with a sound level meter and write a calibration.",
      discussion: """
        Headphone: plays each frequency on one ear at the reference level,
        continuously, while you read a sound level meter on an artificial ear or
        coupler and type the reading in dB SPL. The profile it writes turns the
        kiosk's levels into dB HL. Standards with built-in reference thresholds
        (RETSPL): tdh39 (ISO 389-1), hda200 (ISO 389-8, and ISO 389-5 from 9 to
        16 kHz), er3a (ISO 389-2); give any other, or a frequency a table lacks,
        with --retspl FREQUENCY=DB.

        Room microphone (--microphone DEVICE): with a steady sound at the
        microphone (pink noise from a speaker, or an acoustic calibrator on it),
        records for --seconds while you read a sound level meter beside it (Z or
        flat weighting, Leq over the same time), then asks for the reading. The
        file it writes goes in the kiosk config's room_microphone: calibration:.

        Examples:
          birdsong calibrate --output Config/calibration/hda200.yaml \\
            --headphone "HDA 200" --standard hda200
          birdsong calibrate --microphone roommic \\
            --output Config/calibration/room-microphone.yaml
        """)

    @Option(help: ArgumentHelp("The profile to write.", valueName: "file"))
    var output: String

    @Option(help: ArgumentHelp("The headphone model, for the record.", valueName: "name"))
    var headphone: String?

    @Option(help: "Where the reference thresholds come from: tdh39, hda200, er3a, or a name of your own with --retspl.")
    var standard: String?

    @Option(help: ArgumentHelp("Calibrate the room microphone on this ALSA capture device instead.", valueName: "name"))
    var microphone: String?

    @Option(help: ArgumentHelp("How long the microphone measures, 2 to 60 seconds.", valueName: "s"))
    var seconds = 10.0

    @Option(help: "The ear the meter is on: left or right.")
    var ear: String = "left"

    @Option(help: ArgumentHelp("The headphones' ALSA device.", valueName: "name"))
    var device = "default"

    @Option(help: ArgumentHelp("The digital level of the tones, dBFS.", valueName: "dBFS"))
    var referenceLevel = -20.0

    @Option(help: ArgumentHelp("Never play louder than this at the ear, dB SPL.", valueName: "dB"))
    var maximum = 90.0

    @Option(help: ArgumentHelp("The frequencies to measure, comma-separated.", valueName: "Hz,Hz"))
    var frequencies = "500,1000,2000,4000,6000,8000"

    @Option(help: ArgumentHelp("Reference thresholds to use or add, e.g. 6000=16,3000=10.", valueName: "Hz=dB,..."))
    var retspl: String?

    @Flag(help: "Replace the profile if it exists.")
    var force = false

    func run() throws {
      if let microphone { return try calibrateMicrophone(microphone) }
      guard let headphone, let standard else {
        throw fail("say which headphone and its standard (--headphone NAME --standard hda200), or --microphone DEVICE")
      }
      guard let ear = Ear(rawValue: ear.lowercased()) else { throw fail("--ear '\(ear)': say left or right") }
      guard (-60.0...(-6)).contains(referenceLevel) else {
        throw fail("--reference-level \(referenceLevel): choose between -60 and -6 dBFS (-20 is usual)")
      }
      guard (40.0...110).contains(maximum) else { throw fail("--maximum \(maximum): choose between 40 and 110 dB SPL") }
      let list = try frequencies.split(separator: ",").map { text in
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), (125...16000).contains(value) else {
          throw fail("--frequencies: '\(text)' is not a frequency between 125 and 16000 Hz")
        }
        return value
      }
      var references = ReferenceThresholds.table(standard)?.values ?? [:]
      for pair in (retspl ?? "").split(separator: ",") {
        let parts = pair.split(separator: "=")
        guard parts.count == 2, let frequency = Double(parts[0]), let value = Double(parts[1]),
          (-10...80).contains(value)
        else {
          throw fail("--retspl '\(pair)': write FREQUENCY=DB, e.g. 6000=16")
        }
        references[frequency] = value
      }
      let missing = list.filter { references[$0] == nil }
      guard missing.isEmpty else {
        let known = ReferenceThresholds.tables.map(\.id).joined(separator: ", ")
        throw fail(
          "no reference threshold (RETSPL) for \(missing.map { String(Int($0)) }.joined(separator: ", ")) Hz with "
            + "--standard \(standard); give it from the standard with --retspl, e.g. --retspl \(Int(missing[0]))=VALUE "
            + "(built-in: \(known))")
      }
      try checkOutput()

      // Capped at the reference level it plays (a hair over, so the limiter never acts on it).
      let player = HeadphoneOutput(device: device, sampleRate: 48000, capDBFS: referenceLevel + 0.1)
      defer { player.close() }
      usleep(300_000)
      if let problem = player.problem { throw fail(problem) }
      print(
        "Calibrating '\(headphone)' on the \(ear.rawValue) ear at \(referenceLevel) dBFS. Type q to stop without saving."
      )
      var points: [Double: CalibrationProfile.Point] = [:]
      for frequency in list {
        player.play(HeadphoneTone(frequency: frequency, levelDBFS: referenceLevel, ear: ear, duration: 3600))
        while true {
          print("\(Int(frequency)) Hz is playing. Meter reading in dB SPL (s to skip): ", terminator: "")
          fflush(nil)
          guard let line = readLine()?.trimmingCharacters(in: .whitespaces), line != "q" else {
            player.silence()
            throw fail("stopped; nothing was written")
          }
          if line == "s" { break }
          guard let reading = Double(line), (20...140).contains(reading) else {
            print("'\(line)' is not a reading: type a number of dB SPL between 20 and 140, or s to skip.")
            continue
          }
          points[frequency] = CalibrationProfile.Point(retspl: references[frequency]!, measuredSPL: reading)
          break
        }
        player.silence()
      }
      guard !points.isEmpty else { throw fail("no readings were typed; nothing was written") }
      let profile = CalibrationProfile(
        headphone: headphone, standard: ReferenceThresholds.table(standard)?.standard ?? standard,
        referenceLevelDBFS: referenceLevel, maximumSPL: maximum, points: points)
      let date = ISO8601DateFormatter().string(from: Date())
      let text = CalibrationLoader.yaml(
        profile,
        note: "Measured with 'birdsong calibrate' on \(date), \(ear.rawValue) ear, device '\(device)'.\n"
          + "Re-measure after changing the headphone, the sound card or any volume setting.")
      do {
        try AtomicFile.write(Array(text.utf8), to: output)
      } catch {
        throw fail("\(error)")
      }
      print("Wrote \(output): \(points.count) frequencies. Set 'calibration: \(output)' in the kiosk config to use it.")
    }

    /// Before any measuring: the file can be written where --output says.
    private func checkOutput() throws {
      guard force || !FileManager.default.fileExists(atPath: output) else {
        throw fail("'\(output)' exists; pass --force to replace it, or choose another --output")
      }
      let folder = URL(fileURLWithPath: output).deletingLastPathComponent().path
      var isFolder: ObjCBool = false
      guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
        throw fail("--output \(output): there is no folder '\(folder)'; make it first, or choose another path")
      }
    }

    /// The room microphone: a steady sound, a recording, the meter's reading, the offset.
    private func calibrateMicrophone(_ device: String) throws {
      guard (2.0...60).contains(seconds) else { throw fail("--seconds \(seconds): choose between 2 and 60") }
      try checkOutput()
      print(
        "Measuring the room microphone '\(device)' for \(Int(seconds)) s: keep the sound steady, and the meter running."
      )
      let recording: (samples: [Float], sampleRate: Int)
      do {
        recording = try RoomMicrophone.record(device: device, seconds: seconds)
      } catch {
        throw fail("the microphone '\(device)' cannot record: \(error); 'arecord -L' lists capture devices")
      }
      let meter = OctaveBandMeter(sampleRate: Double(recording.sampleRate))
      let bands = meter.averageLevels(recording.samples)
      // A sound level meter on Z or flat weighting takes in the whole audible range: so does this.
      let mean = recording.samples.reduce(0) { $0 + Double($1) } / Double(recording.samples.count)
      let total =
        10 * log10(recording.samples.reduce(0) { $0 + pow(Double($1) - mean, 2) } / Double(recording.samples.count))
      guard total > -90 else {
        throw fail(
          "the microphone recorded silence (\(String(format: "%.0f", total)) dB full scale): is it connected and unmuted?"
        )
      }
      let table = zip(OctaveBandMeter.centres, bands).map { String(format: "%@ Hz %.1f", "\(Int($0))", $1) }
      print("Recorded, in dB full scale: " + table.joined(separator: ", ") + String(format: "; total %.1f.", total))
      var reading: Double?
      while reading == nil {
        print("Meter reading in dB SPL (Z or flat, Leq), or q to stop: ", terminator: "")
        fflush(nil)
        guard let line = readLine()?.trimmingCharacters(in: .whitespaces), line != "q" else {
          throw fail("stopped; nothing was written")
        }
        if let value = Double(line), (20...140).contains(value) {
          reading = value
        } else {
          print("'\(line)' is not a reading: type a number of dB SPL between 20 and 140, or q.")
        }
      }
      let offset = reading! - total
      let date = ISO8601DateFormatter().string(from: Date())
      let text = MicrophoneCalibration.yaml(
        device: device, offsetDB: offset,
        note: "Measured with 'birdsong calibrate --microphone' on \(date): meter \(reading!) dB SPL, recording "
          + String(format: "%.1f", total) + " dB full scale.\nRe-measure after changing the microphone or its gain.")
      do {
        try AtomicFile.write(Array(text.utf8), to: output)
      } catch {
        throw fail("\(error)")
      }
      print(
        "Wrote \(output): offset \(String(format: "%.1f", offset)) dB. In the kiosk config:\n"
          + "room_microphone:\n  device: \(device)\n  calibration: \(output)")
    }
  }
}
