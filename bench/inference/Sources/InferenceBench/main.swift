// Measures riskd's Inference module on one XGBoost model: exact parity with xgboost (probabilities and margins),
// ns/row at batch sizes 1, 64 and 10,000 through the batch API (best of 15 passes), the resident memory a loaded
// model costs, the time to load it 100 times, Venn-Abers fit (2,000 points) and lookup cost, and, when run under
// bench/alloc's LD_PRELOAD counter, the heap allocations per predict call. Prints one JSON object for run.py.
//
//     InferenceBench <model.json> <rows.f64> <expected.f64> <expected-margins.f64> <featureCount>
import Foundation
import Inference

func residentBytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
        let kilobytes = Int(line.split(separator: " ")[1])
    else { return 0 }
    return kilobytes * 1024
}

func doubles(_ path: String) throws -> [Double] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return data.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
}

/// bench/alloc's LD_PRELOAD counter file (ALLOC_COUNTER_FILE), opened once so reading it allocates nothing.
let counterFile: Int32? = ProcessInfo.processInfo.environment["ALLOC_COUNTER_FILE"].map { open($0, O_RDONLY) }

/// The process's allocation count when run under the counter, else nil.
func allocationCount() -> UInt64? {
    guard let counterFile, counterFile >= 0 else { return nil }
    var value: UInt64 = 0
    return pread(counterFile, &value, 8, 0) == 8 ? value : nil
}

func seconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

let arguments = CommandLine.arguments
guard arguments.count == 6, let featureCount = Int(arguments[5]) else {
    FileHandle.standardError.write(
        Data("usage: InferenceBench model.json rows.f64 expected.f64 margins.f64 features\n".utf8))
    exit(2)
}
let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: arguments[1])))
let rows = try doubles(arguments[2])
let expected = try doubles(arguments[3])
let expectedMargins = try doubles(arguments[4])
let rowCount = rows.count / featureCount

let rssBefore = residentBytes()
let model = try ModelLoader.load(bytes, format: .xgboostJSON)
let rssAfterOne = residentBytes()

var output = [Double](repeating: 0, count: rowCount)
rows.withUnsafeBufferPointer { input in
    output.withUnsafeMutableBufferPointer { model.predict(rows: input, rowCount: rowCount, into: $0) }
}
let maxError = zip(output, expected).map { abs($0 - $1) }.max() ?? .nan
var margins = [Double](repeating: 0, count: rowCount)
rows.withUnsafeBufferPointer { input in
    margins.withUnsafeMutableBufferPointer { model.predictMargins(rows: input, rowCount: rowCount, into: $0) }
}
let maxMarginError = zip(margins, expectedMargins).map { abs($0 - $1) }.max() ?? .nan
let differingRows =
    zip(output, expected).filter { $0 != $1 }.count + zip(margins, expectedMargins).filter { $0 != $1 }.count

var results: [String: Double] = [:]
for batch in [1, 64, 10_000] {
    var best = Double.infinity
    for _ in 0..<15 {
        let elapsed = rows.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                seconds {
                    var start = 0
                    while start < rowCount {
                        let count = min(batch, rowCount - start)
                        model.predict(
                            rows: UnsafeBufferPointer(
                                rebasing: input[(start * featureCount)..<((start + count) * featureCount)]),
                            rowCount: count, into: UnsafeMutableBufferPointer(rebasing: out[start..<(start + count)]))
                        start += count
                    }
                }
            }
        }
        best = min(best, elapsed)
    }
    results["ns_per_row_batch_\(batch)"] = best / Double(rowCount) * 1e9
    // One more pass, untimed, counting the heap allocations of the predict calls alone.
    if let before = allocationCount() {
        var calls = 0
        rows.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                var start = 0
                while start < rowCount {
                    let count = min(batch, rowCount - start)
                    model.predict(
                        rows: UnsafeBufferPointer(
                            rebasing: input[(start * featureCount)..<((start + count) * featureCount)]),
                        rowCount: count, into: UnsafeMutableBufferPointer(rebasing: out[start..<(start + count)]))
                    start += count
                    calls += 1
                }
            }
        }
        if let after = allocationCount() {
            results["allocations_per_call_batch_\(batch)"] = Double(after - before) / Double(calls)
        }
    }
}

var models: [Model] = []
let rssBeforeMany = residentBytes()
let loadSeconds = seconds {
    for _ in 0..<100 { models.append(try! ModelLoader.load(bytes, format: .xgboostJSON)) }
}
let rssAfterMany = residentBytes()

var generator = SystemRandomNumberGenerator()
let calibrationScores = (0..<2_000).map { _ in Double.random(in: 0..<1, using: &generator) }
let calibrationLabels = calibrationScores.map { Double.random(in: 0..<1, using: &generator) < $0 ? 1 : 0 }
var calibrator: VennAbersCalibrator?
results["venn_abers_fit_seconds_2000_points"] = seconds {
    calibrator = try? VennAbersCalibrator(scores: calibrationScores, labels: calibrationLabels)
}
results["venn_abers_ns_per_calibrate"] =
    seconds {
        var sum = 0.0
        for score in output { sum += calibrator?.calibrate(score).probability ?? 0 }
        precondition(sum.isFinite)
    } / Double(output.count) * 1e9

results["max_abs_error_vs_xgboost"] = maxError
results["max_abs_margin_error_vs_xgboost"] = maxMarginError
results["values_differing_from_xgboost"] = Double(differingRows)
results["rss_bytes_one_model"] = Double(rssAfterOne - rssBefore)
results["rss_bytes_per_model_of_100"] = Double(rssAfterMany - rssBeforeMany) / 100
results["approximate_memory_bytes"] = Double(model.approximateMemoryBytes)
results["load_seconds_100_models"] = loadSeconds
results["model_file_bytes"] = Double(bytes.count)
results["trees"] = Double(model.treeCount)
let keys = results.keys.sorted()
print("{" + keys.map { "\"\($0)\": \(results[$0]!)" }.joined(separator: ", ") + "}")
withExtendedLifetime(models) {}
