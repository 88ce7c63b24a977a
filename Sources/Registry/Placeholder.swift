/// Placeholder until the Registry module lands.
enum RegistryModule {}
