import Foundation
import RiskdTesting
import Storage

/// The two backends every store test runs against: a SQLite file in a fresh temporary directory and
/// a fresh database on the real PostgreSQL server that `TestPostgres` starts.
enum Backend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres

    var description: String { rawValue }

    func freshURL() throws -> StateURL {
        switch self {
        case .sqlite:
            .sqlite(path: NSTemporaryDirectory() + "riskd-store-" + UUID().uuidString + "/riskd.db")
        case .postgres:
            .postgres(url: try TestPostgres.freshDatabaseURL())
        }
    }

    func freshStore() throws -> StateStore {
        try StateStore(url: freshURL(), now: Date().timeIntervalSince1970)
    }
}

func outboxEvent(_ id: String, key: String, body: String = "{}") -> OutboxEvent {
    OutboxEvent(
        id: id, key: key, url: "http://127.0.0.1:9/enqueue", headers: ["Content-Type": "application/json"],
        body: Array(body.utf8), createdAt: 1_700_000_000.25)
}
