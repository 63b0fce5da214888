import ConfigFiles
import Foundation

/// The song catalogue: every species the installation can sing, lowest band first.
///
/// Each species is a file, Config/species/<id>.yaml (README.md, "Species files", explains the
/// format): adding a species means writing a file. The files are read once, on first use, from
/// the folder named by BIRDSONG_SPECIES, or else the Config/species folder of the checkout
/// the program runs from, or else the installed package's /usr/share/birdsong/species.
public enum SpeciesCatalogue {
  /// The catalogue as loaded; commands check it first to report a broken file clearly.
  public static let loaded: Result<[Species], ConfigError> = Result { () throws(ConfigError) in
    try load(folder: defaultFolder)
  }

  /// Every species (none if the catalogue could not be read: see `loaded`).
  public static var all: [Species] { (try? loaded.get()) ?? [] }

  /// Where the species files are looked for.
  public static let defaultFolder: String = {
    if let folder = ProcessInfo.processInfo.environment["BIRDSONG_SPECIES"], !folder.isEmpty { return folder }
    // The program runs from .build/<...>/release inside a checkout: walk up to Config/species.
    let program = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments.first ?? ".")
    var directory = program.resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<6 {
      let candidate = directory.appendingPathComponent("Config/species").path
      if FileManager.default.fileExists(atPath: candidate) { return candidate }
      directory.deleteLastPathComponent()
    }
    return ConfigLocation.installedData("species") ?? "Config/species"
  }()

  /// Reads every *.yaml file of a folder, lowest band first.
  public static func load(folder: String) throws(ConfigError) -> [Species] {
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }.sorted()
    } catch {
      throw ConfigError(
        file: folder, line: nil, field: "",
        message: "the species folder cannot be read; set BIRDSONG_SPECIES to the folder of species files "
          + "(Config/species in the source tree)")
    }
    guard !names.isEmpty else {
      throw ConfigError(file: folder, line: nil, field: "", message: "the species folder holds no .yaml files")
    }
    var species: [Species] = []
    for name in names {
      let bird = try SpeciesFile.load(path: folder + "/" + name)
      // A name that two files share would make `species(named:)` pick one of them silently.
      if let twin = species.first(where: {
        normalised($0.commonName) == normalised(bird.commonName)
          || normalised($0.scientificName) == normalised(bird.scientificName)
      }) {
        throw ConfigError(
          file: folder + "/" + name, line: nil, field: "name",
          message: "\(twin.id).yaml already names \(twin.commonName) (\(twin.scientificName)); "
            + "each species may have only one file")
      }
      species.append(bird)
    }
    return species.sorted { $0.naturalBand.center < $1.naturalBand.center }
  }

  /// The species with this id, common name or scientific name (any case, spaces or hyphens).
  public static func species(named name: String) -> Species? {
    let key = normalised(name)
    return all.first {
      normalised($0.id) == key || normalised($0.commonName) == key || normalised($0.scientificName) == key
    }
  }

  /// Looks a species up, or says which names are nearest to the one given.
  public static func lookup(_ name: String) throws(CatalogueError) -> Species {
    if case .failure(let error) = loaded { throw .unreadable(error) }
    if let found = species(named: name) { return found }
    let key = normalised(name)
    let ranked = all.map { species in
      (
        species.id,
        min(
          ConfigNode.editDistance(key, normalised(species.id)),
          ConfigNode.editDistance(key, normalised(species.commonName)))
      )
    }
    .sorted { $0.1 < $1.1 }
    let near = ranked.filter { $0.1 <= max(2, key.count / 2) }.prefix(3).map(\.0)
    throw CatalogueError.unknownSpecies(name, suggestions: Array(near))
  }

  static func normalised(_ name: String) -> String {
    String(name.lowercased().filter { $0.isLetter })
  }
}

public enum CatalogueError: Error, Equatable, CustomStringConvertible {
  case unknownSpecies(String, suggestions: [String])
  /// A species file is missing or wrong.
  case unreadable(ConfigError)

  public var description: String {
    switch self {
    case .unknownSpecies(let name, let suggestions):
      let hint =
        suggestions.isEmpty
        ? "run 'birdsong species' to list the catalogue"
        : "did you mean \(suggestions.map { "'\($0)'" }.joined(separator: " or "))? ('birdsong species' lists them all)"
      return "unknown species '\(name)': \(hint)"
    case .unreadable(let error):
      return "the species catalogue cannot be read: \(error)"
    }
  }
}
