/// The riskd release, reported by `riskd --version`, `GET /v2` and `/healthz`.
public let riskdVersion = "0.1.0"
