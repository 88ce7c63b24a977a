/// Reads LightGBM's text model format (`Booster.save_model("model.txt")`).
enum LightGBMTextLoader {
    static func load(_ contents: [UInt8]) throws(ModelLoadError) -> Model {
        throw ModelLoadError("lightgbm-text: loader not implemented yet")
    }
}
