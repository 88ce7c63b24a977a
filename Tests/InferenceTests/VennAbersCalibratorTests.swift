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

    /// Every `CalibrationIntervalOptions` knob against training/calibration.py (the pipeline's reference):
    /// prior correction, Wilson interval with a design effect, the 2^-32 tie grid.
    @Test func matchesThePipelinesIntervalCalibration() throws {
        let document = try JSONParser().parse(try Fixture.bytes("venn_abers_interval_vectors.json"))
        let cases = try (document["cases"] ?? .null).array(at: "cases")
        #expect(cases.count == 2)
        for value in cases {
            let object = try value.object(at: "case")
            func numbers(_ key: String) throws -> [Double] { try object.require(key, at: "").doubles(at: key) }
            let options = CalibrationIntervalOptions(
                negativeWeight: try object.require("negative_weight", at: "").double(at: "negative_weight"),
                intervalZ: try object.require("z", at: "").double(at: "z"),
                designEffect: try object.require("design_effect", at: "").double(at: "design_effect"),
                scoreGrid: try object.require("score_grid", at: "").double(at: "score_grid"))
            let calibrator = try VennAbersCalibrator(
                scores: try numbers("scores"), labels: try numbers("labels").map { Int($0) }, options: options)
            let (lower, upper, probability) = (try numbers("lower"), try numbers("upper"), try numbers("p"))
            for (index, score) in try numbers("tests").enumerated() {
                let result = calibrator.calibrate(score)
                #expect(
                    result.lower == lower[index] && result.upper == upper[index]
                        && abs(result.probability - probability[index]) <= 1e-15,
                    "score \(score): \(result) vs [\(lower[index]), \(upper[index])] p \(probability[index])")
                #expect(result.lower <= result.probability && result.probability <= result.upper)
            }
        }
    }

    @Test func wilsonIntervalWidensWithTheDesignEffectAndNarrowsWithData() throws {
        let scores = (0..<200).map { Double($0 % 10) / 10 }
        let labels = (0..<200).map { $0 % 10 >= 8 && $0 % 3 == 0 ? 1 : 0 }
        func width(_ scale: Int, designEffect: Double) throws -> Double {
            let calibrator = try VennAbersCalibrator(
                scores: Array(repeating: scores, count: scale).flatMap { $0 },
                labels: Array(repeating: labels, count: scale).flatMap { $0 },
                options: CalibrationIntervalOptions(intervalZ: 1.96, designEffect: designEffect))
            let result = calibrator.calibrate(0.85)
            return result.upper - result.lower
        }
        #expect(try width(1, designEffect: 4) > width(1, designEffect: 1))
        #expect(try width(4, designEffect: 1) < width(1, designEffect: 1))
        #expect(throws: CalibrationError.self) {
            try VennAbersCalibrator(
                scores: [0.1, 0.2], labels: [0, 1], options: CalibrationIntervalOptions(designEffect: 0.5))
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
