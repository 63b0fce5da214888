import ArgumentParser
import AudioRuntime
import BirdsongAudio
import BirdsongCore
import BirdsongSynthesis
import Foundation
import HearingCheck
import Installation
import InstallationService

extension Birdsong {
  struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Render birdsong, a test stimulus, the species sweep or a whole installation to a WAV file.",
      discussion: """
        Choose one source:
          --species NAME [--band LOW-HIGH]  one bird, singing on and off
          --tone HZ, --warble HZ, --noise HZ  a test stimulus at --level dBFS
          --sweep                           every species in turn, lowest first
          --awareness                       each bird as heard at 20, then at 70
          --installation FILE               every bird box, one channel each

        Examples:
          birdsong render --species goldcrest --band 6000-9000 --duration 30s \\
            --seed 7 -o goldcrest.wav
          birdsong render --tone 4000 --level -20 --duration 10s -o tone.wav
          birdsong render --sweep -o sweep.wav --spectrogram sweep.png
          birdsong render --installation Config/installation.yaml \\
            --duration 10m -o day.wav

        As others hear it (a loss of audibility: see README):
          birdsong render --sweep --heard-at-age 70 -o sweep-70.wav \\
            --spectrogram sweep-70.png
          birdsong render --species robin --heard-with 1k:10,2k:30,4k:60 \\
            -o robin.wav
        """
    )

    @Option(help: "A species from 'birdsong species' (id or common name).")
    var species: String?

    @Option(help: "Place the song in this band, LOW-HIGH in Hz (e.g. 9000-11000). Default: its natural band.")
    var band: String?

    @Option(help: ArgumentHelp("A pure tone at this frequency (Hz).", valueName: "hz"))
    var tone: Double?

    @Option(help: ArgumentHelp("A warble tone (+-5 % at 5 Hz) around this frequency (Hz).", valueName: "hz"))
    var warble: Double?

    @Option(help: ArgumentHelp("One-third-octave noise centred on this frequency (Hz).", valueName: "hz"))
    var noise: Double?

    @Flag(help: "Every species in turn from low to high, each in its natural band.")
    var sweep = false

    @Flag(
      help:
        "An awareness clip: every species from low to high, each sung as the median 20-year-old hears it, then as the median 70-year-old does (ISO 7029; --sex for one sex)."
    )
    var awareness = false

    @Option(help: ArgumentHelp("An installation config: one channel per bird box.", valueName: "file"))
    var installation: String?

    @Option(
      help: ArgumentHelp(
        "With --installation: the local time the render starts at (HH:MM today, or 'YYYY-MM-DD HH:MM'); the config's opening hours and closed dates are then kept, on the audio clock.",
        valueName: "time"))
    var start: String?

    @Flag(help: "With --installation: a stereo file, every box panned to its own place (as 'run --preview' plays it).")
    var preview = false

    @Option(
      parsing: .unconditional, help: "How long: 30s, 10m, 1h30m, 500ms. Default: 30s; the whole sweep for --sweep.")
    var duration: String?

    @Option(help: "Seed for every random choice: the same seed gives the same file. Default: 1, or the config's.")
    var seed: UInt64?

    @Option(name: .shortAndLong, help: ArgumentHelp("The WAV file to write.", valueName: "file"))
    var output: String

    @Option(help: "Sample rate in Hz (e.g. 44100, 48000, 96000). Default: 48000, or the config's.")
    var sampleRate: Int?

    @Option(help: "Sample format: 16, 24 or float.")
    var format: String = "24"

    @Option(parsing: .unconditional, help: "Gain in dB for a species or the sweep.")
    var gain: Double = 0

    @Option(parsing: .unconditional, help: "Stimulus level in dBFS (0 dBFS = a full-scale sine).")
    var level: Double = -20

    @Option(help: "Stimulus ramp length in ms (raised cosine, each end).")
    var ramp: Double = 20

    @Option(parsing: .unconditional, help: "Output cap in dBFS that nothing can exceed. Default: -1, or the config's.")
    var cap: Double?

    @Option(help: ArgumentHelp("Also draw a spectrogram PNG with the band marked.", valueName: "png"))
    var spectrogram: String?

    @OptionGroup(title: "As others hear it")
    var hearingOptions: HearingOptions

    func run() throws {
      Interruption.install()
      do {
        try render()
      } catch let error as ExitCode {
        throw error
      } catch is Interrupted {
        throw fail("interrupted; nothing was written to \(output)")
      } catch {
        throw fail("\(error)")
      }
    }

    private func render() throws {
      let sources = [species != nil, tone != nil, warble != nil, noise != nil, sweep, installation != nil, awareness]
      guard sources.filter({ $0 }).count == 1 else {
        throw fail(
          "choose exactly one of --species, --tone, --warble, --noise, --sweep, --installation or --awareness "
            + "(see 'birdsong render --help')")
      }
      guard let sampleFormat = SampleFormat(rawValue: format.lowercased()) else {
        throw fail("--format must be 16, 24 or float, not '\(format)'")
      }
      if band != nil && species == nil { throw fail("--band goes with --species") }
      if let sampleRate, !(8000...384_000).contains(sampleRate) {
        throw fail("--sample-rate must be between 8000 and 384000 Hz, not \(sampleRate)")
      }
      let seconds = try parseDuration(duration)
      if awareness { return try renderAwareness(format: sampleFormat) }
      if start != nil, installation == nil { throw fail("--start goes with --installation") }
      if preview, installation == nil { throw fail("--preview goes with --installation") }

      let hearing = try hearingOptions.profile()
      let job = try makeJob(seconds: seconds)
      let rate = job.mixer.sampleRate
      let frames = Int((job.seconds * rate).rounded())
      let channels = preview ? 2 : job.mixer.channels
      let analyser = spectrogram.map { _ in
        Spectrogram(channels: channels, sampleRate: rate, totalFrames: frames)
      }
      // -o /dev/null renders without writing: for timing and dry runs.
      let writer: WAVWriter? =
        output == "/dev/null"
        ? nil : try WAVWriter(path: output, sampleRate: Int(rate), channels: channels, format: sampleFormat)
      let sinks: [any AudioSink] =
        [writer ?? DiscardSink(channels: channels)] + (analyser.map { [$0] } ?? [])
      // The same runtime as `birdsong run`, with files for a sound card.
      // Files are encoded and written on a second core; discarded audio needs no copy.
      let files = SinkOutput(sinks, writerThread: writer != nil || analyser != nil)
      // The hearing loss acts on what reaches the ears: after the stereo mix of a preview.
      let heard: any AudioOutput =
        hearing.map {
          HearingLossOutput(
            wrapping: files, sampleRate: rate, attenuation: $0.attenuation(at:), hearing: $0.description)
        } ?? files
      let destination: any AudioOutput =
        preview ? StereoPreview(wrapping: heard, channels: job.mixer.channels) : heard
      try play(job, to: destination, files: files, frames: frames, writer: writer)
      if let analyser, let spectrogram {
        let panels =
          preview
          ? [Spectrogram.Panel(title: "LEFT", band: nil), Spectrogram.Panel(title: "RIGHT", band: nil)] : job.panels
        if let hearing {
          // As sung above, as heard below: the same render again, unfiltered, for the top panels.
          let sung = try sungSpectrogram(seconds: seconds, channels: channels, frames: frames)
          let heardTitle = Self.heardTitle(hearing)
          try AtomicFile.write(
            Spectrogram.stacked([sung, analyser]).png(
              panels: panels.map { .init(title: $0.title + ", AS SUNG", band: $0.band) }
                + panels.map { .init(title: $0.title + ", " + heardTitle, band: $0.band) }),
            to: spectrogram)
        } else {
          try AtomicFile.write(analyser.png(panels: panels), to: spectrogram)
        }
      }
      note(
        "wrote \(output): \(AudioDuration.describe(job.seconds)), \(channels) channel(s)"
          + (preview ? " (a stereo preview of \(job.mixer.channels))" : "")
          + (hearing.map { " as heard with \($0)" } ?? "") + ", "
          + "\(Int(rate)) Hz, \(sampleFormat == .float32 ? "32-bit float" : "\(sampleFormat.bitsPerSample)-bit")"
          + (spectrogram.map { "; spectrogram \($0)" } ?? ""))
    }

    /// The awareness clip: the sweep rendered once, heard through a 20-year-old's ears and a
    /// 70-year-old's, and laid out bird by bird (20, a short pause, 70, a longer pause).
    private func renderAwareness(format: SampleFormat) throws {
      if hearingOptions.isGiven || duration != nil || preview {
        throw fail("--awareness makes its own clip: leave out --heard-at-age, --heard-with, --duration and --preview")
      }
      let ages = (young: 20.0, old: 70.0)
      let young = try hearingOptions.median(age: ages.young)
      let old = try hearingOptions.median(age: ages.old)
      let rate = Double(sampleRate ?? 48000)
      let mixer = Mixer(channels: 1, sampleRate: rate, capDBFS: cap ?? -1)
      let sweep = try SpeciesSweep(species: try requireCatalogue(), sampleRate: rate, seed: seed ?? 1)
      let timeline = sweep.timeline
      mixer.add(sweep, channel: 0, gainDB: gain)
      var sung: [Float] = []
      sung.reserveCapacity(sweep.length + Mixer.blockSize)
      while sung.count < sweep.length { sung.append(contentsOf: mixer.nextBlock()) }
      let heardYoung = HearingLossFilter.filtered(sung, sampleRate: rate, attenuation: young.attenuation(at:))
      let heardOld = HearingLossFilter.filtered(sung, sampleRate: rate, attenuation: old.attenuation(at:))
      let lead = Int(0.3 * rate)
      var clip: [Float] = []
      for (index, entry) in timeline.enumerated() {
        let start = max(Int(entry.start * rate) - lead, 0)
        let end = index + 1 < timeline.count ? Int(timeline[index + 1].start * rate) - lead : sweep.length
        clip += heardYoung[start..<end]
        clip += [Float](repeating: 0, count: Int(0.4 * rate))
        clip += heardOld[start..<end]
        clip += [Float](repeating: 0, count: Int(0.8 * rate))
      }
      let writer = try WAVWriter(path: output, sampleRate: Int(rate), channels: 1, format: format)
      do {
        try clip.withUnsafeBufferPointer { try writer.write($0) }
        try writer.finish()
      } catch {
        writer.discard()
        throw error
      }
      if let spectrogram {
        // For a poster: the sweep as heard at each age, one above the other, on one time axis.
        let analyser = Spectrogram(channels: 2, sampleRate: rate, totalFrames: sung.count)
        var pairs = [Float](repeating: 0, count: 2 * sung.count)
        for index in sung.indices {
          pairs[2 * index] = heardYoung[index]
          pairs[2 * index + 1] = heardOld[index]
        }
        try pairs.withUnsafeBufferPointer { try analyser.write($0) }
        let who = hearingOptions.sex.map { $0.lowercased() == "female" ? "WOMEN" : "MEN" } ?? "PEOPLE"
        let panels = [ages.young, ages.old].map { age in
          Spectrogram.Panel(
            title: "THE BIRDS LOW TO HIGH AS MOST \(who) AGED \(Int(age)) HEAR THEM (ISO 7029)", band: nil)
        }
        try AtomicFile.write(analyser.png(panels: panels), to: spectrogram)
      }
      note(
        "wrote \(output): \(AudioDuration.describe(Double(clip.count) / rate)), \(timeline.count) birds, each as heard "
          + "at \(Int(ages.young)) then at \(Int(ages.old)) by \(young.description.replacingOccurrences(of: " aged 20", with: ""))"
          + (spectrogram.map { "; spectrogram \($0) (the sweep at each age, one above the other)" } ?? ""))
    }

    static func heardTitle(_ hearing: HearingProfile) -> String {
      hearing.age.map { "AS HEARD AT \($0.formatted())" } ?? "AS HEARD WITH THE AUDIOGRAM"
    }

    /// The render again, without the hearing loss, into a spectrogram only.
    private func sungSpectrogram(seconds: Double?, channels: Int, frames: Int) throws -> Spectrogram {
      let job = try makeJob(seconds: seconds)
      let analyser = Spectrogram(channels: channels, sampleRate: job.mixer.sampleRate, totalFrames: frames)
      let files = SinkOutput([analyser], writerThread: false)
      let destination: any AudioOutput =
        preview ? StereoPreview(wrapping: files, channels: job.mixer.channels) : files
      try play(job, to: destination, files: files, frames: frames, writer: nil)
      return analyser
    }

    /// Plays the job: its installation program (with --start), else its mixer.
    private func play(
      _ job: Job, to destination: any AudioOutput, files: SinkOutput, frames: Int, writer: WAVWriter?
    ) throws {
      if let program = job.program {
        try play(program, to: destination, files: files, frames: frames, writer: writer)
      } else {
        try play(MixerProgram(job.mixer), to: destination, files: files, frames: frames, writer: writer)
      }
    }

    /// Plays a program into the files through the runtime, with a progress bar; Ctrl-C leaves
    /// no file behind.
    private func play<Program: AudioProgram>(
      _ program: Program, to destination: any AudioOutput, files: SinkOutput, frames: Int, writer: WAVWriter?
    ) throws {
      let rate = program.mixer.sampleRate
      let runtime = AudioRuntime(
        program: program, output: destination, options: .init(frames: frames, fadeSeconds: 0.02))
      var bar = ProgressBar(total: frames, sampleRate: rate)
      let finished = runtime.play { counters in
        if Interruption.wasRequested { return .abandon }
        bar.update(counters.framesPlayed.load(ordering: .relaxed))
        return .carryOn
      }
      bar.clear()
      if runtime.wasAbandoned {
        writer?.discard()
        throw Interrupted()
      }
      guard finished else {
        writer?.discard()
        throw fail(
          "cannot write '\(output)': \(files.failureError.map { "\($0)" } ?? runtime.failure ?? "unknown error")")
      }
    }

    private struct Job {
      var mixer: Mixer
      /// The installation as a program that keeps opening hours (with --start).
      var program: InstallationProgram?
      var seconds: Double
      var panels: [Spectrogram.Panel]
    }

    private func makeJob(seconds: Double?) throws -> Job {
      let rate = Double(sampleRate ?? 48000)
      let capDBFS = cap ?? -1
      if let installation {
        let config = try InstallationConfig.load(path: installation)
        var adjusted = config
        if let sampleRate { adjusted.sampleRate = sampleRate }
        if let cap { adjusted.outputCapDBFS = cap }
        for box in adjusted.boxes { try box.band.check(sampleRate: Double(adjusted.sampleRate)) }
        let engine = try InstallationEngine(config: adjusted, seed: seed)
        let panels = (0..<adjusted.channels).map { channel in
          let box = adjusted.boxes.first { $0.channel == channel }
          return Spectrogram.Panel(
            title: box.map { "\(channel + 1) \($0.name) (\($0.sound.label))" } ?? "\(channel + 1) (NO BOX)",
            band: box?.band)
        }
        var program: InstallationProgram?
        if let start {
          guard adjusted.openingHours != nil else {
            throw fail("--start keeps the opening hours, but \(installation) has none (schedule.hours)")
          }
          guard let time = Self.localTime(start, today: SystemClock().localTime()) else {
            throw fail(
              "--start '\(start)' is not a time; write it like 08:55 (today, 24-hour clock) or '2026-12-24 16:00'")
          }
          program = InstallationProgram(engine: engine, openingHoursFrom: time)
        }
        return Job(mixer: engine.mixer, program: program, seconds: seconds ?? 30, panels: panels)
      }
      let mixer = Mixer(channels: 1, sampleRate: rate, capDBFS: capDBFS)
      if let name = species {
        let bird = try SpeciesCatalogue.lookup(name)
        let placement = try band.map { try FrequencyBand(placing: $0) }
        let composer = try SongComposer(species: bird, band: placement, sampleRate: rate)
        mixer.add(BirdVoice(composer: composer, seed: seed ?? 1, gainDB: gain), channel: 0)
        return Job(
          mixer: mixer, program: nil, seconds: seconds ?? 30,
          panels: [.init(title: bird.commonName, band: composer.band)])
      }
      if sweep {
        let sweep = try SpeciesSweep(species: try requireCatalogue(), sampleRate: rate, seed: seed ?? 1)
        mixer.add(sweep, channel: 0, gainDB: gain)
        return Job(
          mixer: mixer, program: nil, seconds: seconds ?? Double(sweep.length) / rate,
          panels: [.init(title: "SPECIES SWEEP", band: nil)])
      }
      let (kind, frequency): (Stimulus.Kind, Double) =
        if let tone { (.pureTone, tone) } else if let warble { (.warble, warble) } else { (.noise, noise!) }
      let length = seconds ?? 30
      let stimulus = try Stimulus(
        kind, frequency: frequency, levelDBFS: level, duration: length, ramp: ramp / 1000, sampleRate: rate,
        seed: seed ?? 1)
      mixer.add(stimulus, channel: 0)
      let title = "\(kind.rawValue) \(FrequencyBand.format(frequency)) HZ AT \(FrequencyBand.format(level)) DBFS"
      return Job(
        mixer: mixer, program: nil, seconds: length, panels: [.init(title: title, band: Stimulus.band(kind, frequency))]
      )
    }

    /// Minutes after midnight for "HH:MM".
    /// `HH:MM` today, or `YYYY-MM-DD HH:MM`.
    static func localTime(_ text: String, today: LocalTime) -> LocalTime? {
      let words = text.split(separator: " ")
      guard (1...2).contains(words.count) else { return nil }
      let day = words.count == 2 ? LocalTime.day(parsing: String(words[0])) : today.day
      let parts = words.last!.split(separator: ":")
      guard let day, parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h),
        (0..<60).contains(m)
      else { return nil }
      return LocalTime(day: day, minute: h * 60 + m)
    }
  }
}
