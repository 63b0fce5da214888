/// The song catalogue: every species the installation can sing, lowest band first.
///
/// Each song is written as data (Catalogue/Species+*.swift); `SongPattern` explains the
/// elements. To add a species, add an entry to one of those files and to `all` below; the
/// catalogue tests then check its band, its ramps and its spectrum.
public enum SpeciesCatalogue {
  public static let all: [Species] = [
    woodPigeon, collaredDove, cuckoo, tawnyOwl, blackbird, songThrush, chaffinch, robin, greatTit,
    blueTit, wren, chiffchaff, treecreeper, grasshopperWarbler, goldcrest,
  ]
  .sorted { $0.naturalBand.center < $1.naturalBand.center }

  /// The species with this id, common name or scientific name (any case, spaces or hyphens).
  public static func species(named name: String) -> Species? {
    let key = normalised(name)
    return all.first {
      normalised($0.id) == key || normalised($0.commonName) == key || normalised($0.scientificName) == key
    }
  }

  /// Looks a species up, or says which names are nearest to the one given.
  public static func lookup(_ name: String) throws(CatalogueError) -> Species {
    if let found = species(named: name) { return found }
    let key = normalised(name)
    let ranked = all.map { species in
      (species.id, min(editDistance(key, normalised(species.id)), editDistance(key, normalised(species.commonName))))
    }
    .sorted { $0.1 < $1.1 }
    let near = ranked.filter { $0.1 <= max(2, key.count / 2) }.prefix(3).map(\.0)
    throw CatalogueError.unknownSpecies(name, suggestions: Array(near))
  }

  static func normalised(_ name: String) -> String {
    String(name.lowercased().filter { $0.isLetter })
  }

  /// Levenshtein distance, for suggesting the nearest names.
  public static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    var previous = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
      var current = [i] + Array(repeating: 0, count: b.count)
      for j in 1...max(b.count, 1) where !b.isEmpty {
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      previous = current
    }
    return a.isEmpty ? b.count : previous[b.count]
  }
}

public enum CatalogueError: Error, Equatable, CustomStringConvertible {
  case unknownSpecies(String, suggestions: [String])

  public var description: String {
    switch self {
    case .unknownSpecies(let name, let suggestions):
      let hint =
        suggestions.isEmpty
        ? "run 'birdsong species' to list the catalogue"
        : "did you mean \(suggestions.map { "'\($0)'" }.joined(separator: " or "))? ('birdsong species' lists them all)"
      return "unknown species '\(name)': \(hint)"
    }
  }
}
