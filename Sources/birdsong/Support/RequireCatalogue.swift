import BirdsongSynthesis

/// The species catalogue, or ends the command with the broken file's one-line error.
func requireCatalogue() throws -> [Species] {
  do {
    return try SpeciesCatalogue.loaded.get()
  } catch {
    throw fail("the species catalogue cannot be read: \(error)")
  }
}
