/// Placeholder until the Crypto module lands.
enum CryptoModule {}
