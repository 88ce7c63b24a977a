import Foundation
import Synchronization
import SystemIO
import Testing

@Suite struct BackgroundPriorityTests {
    /// A background thread gets a higher nice value and the short slice (read back from the kernel).
    @Test func aLoweredThreadHasAHigherNiceValueAndAShortSlice() throws {
        let result = Mutex<(before: Int, after: Int, slice: Int)?>(nil)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            let before = Self.currentNice()
            BackgroundPriority.lowerCurrentThread(by: 3)
            result.withLock { $0 = (before, Self.currentNice(), Self.currentSlice()) }
            done.signal()
        }
        thread.start()
        #expect(done.wait(timeout: .now() + 10) == .success)
        let observed = try #require(result.withLock { $0 })
        #expect(observed.after == min(19, observed.before + 3))
        #expect(observed.slice == Int(BackgroundPriority.sliceNanoseconds))
    }

    /// The calling thread's nice value: field 19 of /proc/thread-self/stat.
    private static func currentNice() -> Int {
        guard let stat = try? String(contentsOfFile: "/proc/thread-self/stat", encoding: .utf8),
            let afterName = stat.range(of: ") ", options: .backwards)
        else { return Int.min }
        let fields = stat[afterName.upperBound...].split(separator: " ")
        return fields.count > 16 ? Int(fields[16]) ?? Int.min : Int.min
    }

    /// The calling thread's scheduler slice in nanoseconds (`se.slice` in /proc/thread-self/sched).
    private static func currentSlice() -> Int {
        guard let sched = try? String(contentsOfFile: "/proc/thread-self/sched", encoding: .utf8) else { return -1 }
        for line in sched.split(separator: "\n") where line.hasPrefix("se.slice") {
            return line.split(separator: ":").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? -1
        }
        return -1
    }
}
