import Foundation
import RiskdTesting
import Testing

/// openapi.yaml must describe exactly the routes the server has: none missing, none invented.
@Suite struct OpenAPIDocumentTests {
    /// "METHOD /path" pairs from the document's `paths:` section (two-space path keys, four-space methods).
    static func documentedRoutes(_ text: String) -> Set<String> {
        var routes: Set<String> = []
        var inPaths = false
        var path: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("paths:") {
                inPaths = true
                continue
            }
            guard inPaths else { continue }
            if !line.hasPrefix(" "), !line.isEmpty { break }
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if let path, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                let method = line.trimmingCharacters(in: .whitespaces).dropLast().uppercased()
                if ["GET", "POST", "PUT", "DELETE", "PATCH"].contains(method) { routes.insert("\(method) \(path)") }
            }
        }
        return routes
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() throws {
        let running = try RunningService()
        let served = Set(running.service.routeTable)
        let document = try running.request("GET", "/openapi.yaml").text
        let documented = Self.documentedRoutes(document)
        #expect(served.count > 20)
        #expect(served.subtracting(documented).sorted() == [], "served but not documented")
        #expect(documented.subtracting(served).sorted() == [], "documented but not served")
    }
}

/// The spec is compiled into the binary: served byte for byte from any working directory.
@Suite struct EmbeddedOpenAPITests {
    static var repositoryDocument: [UInt8] {
        get throws {
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent()
            let data = try #require(FileManager.default.contents(atPath: root.path + "/openapi.yaml"))
            return [UInt8](data)
        }
    }

    @Test func embeddedCopyEqualsTheRepositoryFileByteForByte() throws {
        let running = try RunningService()
        let response = try running.request("GET", "/openapi.yaml")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/yaml")
        let expected = try Self.repositoryDocument
        #expect(expected.count > 1000)
        #expect(response.body == expected, "the served spec differs from openapi.yaml at the repository root")
    }

    @Test func releaseBinaryServesTheSpecFromAnyWorkingDirectory() throws {
        let directory = NSTemporaryDirectory() + "riskd-cwd-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let repository = try RunningService.defaultRepository()
        let riskd = try RiskdProcess(
            environment: ["RISKD_MODELS_DIR": repository.root, "RISKD_DATA_DIR": directory + "/data"],
            directory: directory)
        #expect(!FileManager.default.fileExists(atPath: directory + "/openapi.yaml"))
        let response = try httpRequest(port: riskd.port, "GET", "/openapi.yaml")
        #expect(response.status == 200, "\(response.text)")
        #expect(response.body == (try Self.repositoryDocument))
    }
}
