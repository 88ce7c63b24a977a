/// The riskd release, reported by `riskd --version`, `GET /v2` and `/healthz`.
public let riskdVersion = "0.1.0"

/// The git commit riskd was built from (read by the EmbedOpenAPI build plugin; `RISKD_REVISION` at build
/// time overrides it), or "unknown"; reported by `riskd_build_info`.
public let riskdRevision = embeddedRevision
