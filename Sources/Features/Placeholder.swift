/// Placeholder until the Features module lands.
enum FeaturesModule {}
