/// Placeholder until the RiskdTesting module lands.
enum RiskdTestingModule {}
