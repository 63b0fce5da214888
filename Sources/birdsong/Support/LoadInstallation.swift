import Installation

/// Loads the installation config, or ends the command with its one-line error.
func loadInstallation(_ path: String) throws -> InstallationConfig {
  do {
    return try InstallationConfig.load(path: path)
  } catch {
    throw fail("\(error)")
  }
}
