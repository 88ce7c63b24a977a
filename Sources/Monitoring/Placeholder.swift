/// Placeholder until the Monitoring module lands.
enum MonitoringModule {}
