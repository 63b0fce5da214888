enum PlaceholderInstallation {}
