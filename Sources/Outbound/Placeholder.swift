/// Placeholder until the Outbound module lands.
enum OutboundModule {}
