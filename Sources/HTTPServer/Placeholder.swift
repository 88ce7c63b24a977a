/// Placeholder until the HTTPServer module lands.
enum HTTPServerModule {}
