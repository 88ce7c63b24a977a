import HTTPCore
import Synchronization

/// A response that a background worker delivers later, from any thread; the first completion wins.
///
/// The server observes the promise and hands the outcome to the connection's event loop through its
/// inbox, so the worker never touches loop-owned state.
public final class ResponsePromise: Sendable {
    /// How a promise completes: with a response, or by dropping the connection unanswered.
    public enum Outcome: Sendable {
        case response(HTTPResponse)
        case abandon
    }

    private enum State {
        case pending(observer: (@Sendable (Outcome) -> Void)?)
        case completed(Outcome)
    }

    private let state = Mutex(State.pending(observer: nil))

    public init() {}

    /// Completes the promise; later calls are ignored.
    public func fulfill(_ response: HTTPResponse) {
        complete(.response(response))
    }

    /// Completes the promise by closing the connection without a response (e.g. a fake upstream playing a
    /// crashing peer). Responses queued before this one are still sent.
    public func abandonConnection() {
        complete(.abandon)
    }

    private func complete(_ outcome: Outcome) {
        let observer: (@Sendable (Outcome) -> Void)? = state.withLock { state in
            guard case .pending(let observer) = state else { return nil }
            state = .completed(outcome)
            return observer
        }
        observer?(outcome)
    }

    /// Calls `observer` once with the outcome: right away if already completed. One observer per promise.
    public func whenComplete(_ observer: @escaping @Sendable (Outcome) -> Void) {
        let completed: Outcome? = state.withLock { state in
            switch state {
            case .completed(let outcome): return outcome
            case .pending:
                state = .pending(observer: observer)
                return nil
            }
        }
        if let completed { observer(completed) }
    }
}
