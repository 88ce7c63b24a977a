import Inference
import JSON
import Testing

/// Compares the calibrator with vectors from the `venn-abers` package
/// (tools/fixtures/make_venn_abers_vectors.py) and checks its input validation.
@Suite struct VennAbersCalibratorTests {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let scores: [Double]
        let labels: [Int]
        let tests: [Double]
        let p0: [Double]
        let p1: [Double]
        let probability: [Double]
        var description: String { name }
    }

    static func cases() throws -> [Case] {
        let document = try JSONParser().parse(try Fixture.bytes("venn_abers_vectors.json"))
        return try (document["cases"] ?? .null).array(at: "cases").map {
            value in
            let object = try value.object(at: "case")
            return Case(
                name: try object.require("name", at: "").string(at: "name"),
                scores: try object.require("scores", at: "").doubles(at: "scores"),
                labels: try object.require("labels", at: "").doubles(at: "labels").map { Int($0) },
                tests: try object.require("tests", at: "").doubles(at: "tests"),
                p0: try object.require("p0", at: "").doubles(at: "p0"),
                p1: try object.require("p1", at: "").doubles(at: "p1"),
                probability: try object.require("probability", at: "").doubles(at: "probability"))
        }
    }

    @Test func matchesVennAbersPackage() throws {
        let cases = try Self.cases()
        #expect(cases.count == 5)
        for testCase in cases {
            let calibrator = try VennAbersCalibrator(scores: testCase.scores, labels: testCase.labels)
            #expect(calibrator.calibrationSize == testCase.scores.count)
            for (index, score) in testCase.tests.enumerated() {
                let result = calibrator.calibrate(score)
                #expect(
                    abs(result.lower - testCase.p0[index]) < 1e-9 && abs(result.upper - testCase.p1[index]) < 1e-9
                        && abs(result.probability - testCase.probability[index]) < 1e-9,
                    "\(testCase.name) score \(score): got \(result), expected p0 \(testCase.p0[index]) p1 \(testCase.p1[index])"
                )
            }
        }
    }

    @Test func rejectsBadCalibrationSets() {
        #expect(throws: CalibrationError.self) { try VennAbersCalibrator(scores: [0.5], labels: [1]) }
        #expect(throws: CalibrationError.self) { try VennAbersCalibrator(scores: [0.1, 0.2], labels: [0, 2]) }
        #expect(throws: CalibrationError.self) { try VennAbersCalibrator(scores: [0.1, .nan], labels: [0, 1]) }
        #expect(throws: CalibrationError.self) { try VennAbersCalibrator(scores: [0.1, 0.2], labels: [0]) }
    }

    @Test func intervalContainsProbabilityAndNaNGetsWidestInterval() throws {
        let calibrator = try VennAbersCalibrator(scores: [0.1, 0.4, 0.4, 0.9], labels: [0, 1, 0, 1])
        for score in [0.0, 0.1, 0.25, 0.4, 0.5, 0.9, 1.0] {
            let result = calibrator.calibrate(score)
            #expect(result.lower <= result.probability && result.probability <= result.upper)
        }
        let missing = calibrator.calibrate(.nan)
        #expect(missing.lower == 0 && missing.upper == 1)
    }
}
