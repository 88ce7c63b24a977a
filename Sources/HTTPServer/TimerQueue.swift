/// Per-loop deadlines as a binary min-heap of (deadline, connection).
///
/// Connections re-arm lazily: an entry is only pushed when it is earlier than the one already queued
/// for that connection, and a popped entry whose connection now has a later deadline is re-queued.
/// So each connection has at most a few entries however often its deadline moves, and the loop's
/// epoll_wait timeout comes from `nextDeadline`.
struct TimerQueue {
    private var heap: [(deadline: UInt64, connectionID: UInt64)] = []

    var nextDeadline: UInt64? { heap.first?.deadline }

    mutating func schedule(_ deadline: UInt64, connectionID: UInt64) {
        heap.append((deadline, connectionID))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest entry if it is due at `now`.
    mutating func popDue(now: UInt64) -> (deadline: UInt64, connectionID: UInt64)? {
        guard let first = heap.first, first.deadline <= now else { return nil }
        let last = heap.removeLast()
        guard !heap.isEmpty else { return first }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count && heap[left].deadline < heap[smallest].deadline { smallest = left }
            if right < heap.count && heap[right].deadline < heap[smallest].deadline { smallest = right }
            if smallest == parent { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return first
    }
}
