import JSON

extension ModelManifest {
    /// `document` (the bytes of a `manifest.json`, or nil when the version has none) with `artifact.sha256` set
    /// to `sha256`, and `artifact.file` to `file` when the manifest names no file; every other key is kept in
    /// order. The result is checked by this module's parser, so a pinned manifest is one the server accepts.
    /// Written compact, as riskd's JSON writer writes everything.
    public static func pinningArtifact(_ document: [UInt8]?, file: String, sha256: String) throws(ManifestError)
        -> [UInt8]
    {
        var root = JSONObject()
        if let document {
            _ = try ModelManifest(parsing: document)
            do {
                root = try JSONParser().parse(document).object(at: "")
            } catch {
                throw ManifestError(message: "manifest.json: \(error)")
            }
        }
        var artifact = root["artifact"]?.objectValue ?? JSONObject()
        if artifact["file"] == nil || artifact["file"]?.isNull == true { artifact["file"] = .string(file) }
        artifact["sha256"] = .string(sha256)
        root["artifact"] = .object(artifact)
        var bytes = JSONValue.object(root).serialized()
        bytes.append(0x0A)
        _ = try ModelManifest(parsing: bytes)
        return bytes
    }
}
