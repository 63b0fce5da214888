// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "HearingBirdsong",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "birdsong", targets: ["birdsong"]),
    .library(name: "BirdsongSynthesis", targets: ["BirdsongSynthesis"]),
    .library(name: "BirdsongAudio", targets: ["BirdsongAudio"]),
    .library(name: "Installation", targets: ["Installation"]),
    .library(name: "AudioRuntime", targets: ["AudioRuntime"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
  ],
  targets: [
    // Leaf utilities every layer shares: the seeded generator, durations as people read them.
    .target(name: "BirdsongCore"),
    // DSP: oscillators, ramps, song models, stimuli, mixer, safety; the species files' reader.
    .target(name: "BirdsongSynthesis", dependencies: ["BirdsongCore", "ConfigFiles"]),
    // Sinks (WAV, memory, discard), the WAV reader, spectrum and spectrogram analysis.
    .target(name: "BirdsongAudio", dependencies: ["BirdsongCore", "BirdsongSynthesis"]),
    // alsa-lib, as a system library.
    .systemLibrary(name: "CALSA", pkgConfig: "alsa", providers: [.apt(["libasound2-dev"])]),
    // Playback through ALSA: device negotiation, format conversion, recovery, device lists.
    .target(name: "ALSAOutput", dependencies: ["CALSA", "BirdsongAudio"]),
    // Reading config files: YAML nodes that know their file and line, and errors that say so.
    .target(name: "ConfigFiles", dependencies: [.product(name: "Yams", package: "Yams")]),
    // The one render loop for every output: render thread, command queues, device back-off, clock.
    .target(name: "AudioRuntime", dependencies: ["BirdsongCore", "BirdsongSynthesis", "BirdsongAudio", "ALSAOutput"]),
    // The control socket's commands and its client: shared by the installation, `ctl` and the kiosk.
    .target(name: "ControlProtocol", dependencies: ["CCrypt"]),
    // A small HTTP server on SwiftNIO, for the status page, its JSON and the metrics.
    .target(
      name: "StatusServer",
      dependencies: [
        .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
      ]),
    // Installation config and the multichannel engine (a seeded schedule on the audio clock).
    .target(
      name: "Installation", dependencies: ["BirdsongCore", "BirdsongSynthesis", "ConfigFiles", "ControlProtocol"]),
    // `birdsong run` around the runtime: control socket, opening hours, reloads, the log.
    .target(
      name: "InstallationService",
      dependencies: [
        "Installation", "AudioRuntime", "ALSAOutput", "ControlProtocol", "BirdsongCore", "BirdsongSynthesis",
        "StatusServer", "SessionStore", .product(name: "Logging", package: "swift-log"),
        .product(name: "Prometheus", package: "swift-prometheus"),
      ]
    ),
    // The hearing self-check: the procedure as a pure state machine, scoring, simulation.
    .target(name: "HearingCheck", dependencies: ["BirdsongCore"]),
    // libxcrypt, as a system library: the staff PIN is kept as a salted crypt(3) hash.
    .systemLibrary(name: "CCrypt", pkgConfig: "libxcrypt", providers: [.apt(["libcrypt-dev"])]),
    // The visitor kiosk: terminal, key map, screens, the flow, headphone output, staff PIN.
    .target(
      name: "Kiosk",
      dependencies: [
        "HearingCheck", "ConfigFiles", "BirdsongCore", "BirdsongSynthesis", "AudioRuntime", "ALSAOutput",
        "ControlProtocol", "SessionStore", "StatusServer",
      ]),
    // Anonymous results and consented contact requests in SQLite (WAL, owner-only file).
    .target(name: "SessionStore", dependencies: [.product(name: "GRDB", package: "GRDB.swift")]),
    // The command line: argument parsing and dispatch only.
    .executableTarget(
      name: "birdsong",
      dependencies: [
        "BirdsongCore", "BirdsongSynthesis", "BirdsongAudio", "ALSAOutput", "AudioRuntime", "ControlProtocol",
        "Installation",
        "InstallationService", "HearingCheck", "Kiosk", "SessionStore", "ConfigFiles", "StatusServer",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    // Helpers shared by the test targets: temporary folders, running programs.
    .target(name: "TestSupport", dependencies: ["AudioRuntime", "BirdsongCore"], path: "Tests/TestSupport"),
    // Writes made-up checks until killed: the session store's durability test, kept out of the product.
    .executableTarget(name: "session-filler", dependencies: ["SessionStore"], path: "Tests/SessionFiller"),
    .testTarget(
      name: "BirdsongSynthesisTests",
      dependencies: [
        "BirdsongCore", "BirdsongSynthesis", "BirdsongAudio", "ConfigFiles", "HearingCheck", "TestSupport",
      ]),
    .testTarget(name: "BirdsongAudioTests", dependencies: ["BirdsongAudio", "TestSupport"]),
    .testTarget(
      name: "SessionStoreTests",
      dependencies: ["SessionStore", "session-filler", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
    .testTarget(
      name: "KioskTests",
      dependencies: ["Kiosk", "ConfigFiles", "HearingCheck", "SessionStore", "ControlProtocol", "TestSupport"]),
    .testTarget(name: "HearingCheckTests", dependencies: ["HearingCheck", "BirdsongCore"]),
    .testTarget(
      name: "InstallationTests",
      dependencies: [
        "Installation", "InstallationService", "AudioRuntime", "ALSAOutput", "BirdsongCore", "BirdsongSynthesis",
        "ControlProtocol",
        "ConfigFiles", "TestSupport",
      ]),
    // Counts a thread's heap allocations (malloc interposed), to prove the render path makes none.
    .target(name: "AllocationCounter", path: "Tests/AllocationCounter"),
    // Runs the allocation checks in a process of its own, so malloc is interposed only there
    // (no test target depends on it: that would link the interposer into the test runner;
    // `swift build` builds it with everything else).
    .executableTarget(
      name: "allocation-probe",
      dependencies: [
        "AllocationCounter", "AudioRuntime", "BirdsongSynthesis", "BirdsongAudio", "Installation",
        "InstallationService", "Kiosk",
      ],
      path: "Tests/AllocationProbe"),
    .testTarget(
      name: "AudioRuntimeTests",
      dependencies: [
        "AudioRuntime", "ALSAOutput", "CALSA", "BirdsongSynthesis", "BirdsongAudio", "TestSupport",
      ]),
    .testTarget(
      name: "BirdsongCLITests",
      dependencies: ["BirdsongAudio", "BirdsongSynthesis", "SessionStore", "Kiosk", "ControlProtocol", "TestSupport"]),
  ]
)

// Swift 6 language mode and strict concurrency everywhere, warnings are not allowed to pile up.
for target in package.targets where target.type != .system && target.name != "AllocationCounter" {
  var settings = target.swiftSettings ?? []
  settings.append(.enableUpcomingFeature("ExistentialAny"))
  target.swiftSettings = settings
}
