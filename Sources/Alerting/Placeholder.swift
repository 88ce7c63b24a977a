/// Placeholder until the Alerting module lands.
enum AlertingModule {}
