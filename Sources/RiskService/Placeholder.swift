/// Placeholder until the RiskService module lands.
enum RiskServiceModule {}
