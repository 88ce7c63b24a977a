/// Placeholder until the Inference module lands.
enum InferenceModule {}
