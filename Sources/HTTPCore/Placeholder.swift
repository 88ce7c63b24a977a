/// Placeholder until the HTTPCore module lands.
enum HTTPCoreModule {}
