import Dispatch
import Foundation
import Log
import RiskService

/// Turns signals into the graceful lifecycle Kubernetes expects: SIGTERM or SIGINT makes readiness fail
/// at once, keeps serving for the drain delay (a second signal cuts it short), then drains in-flight
/// requests and exits 0; SIGHUP rescans the model repository. Signal handlers run on a private queue,
/// never on the main actor.
enum SignalLoop {
    static func run(service: RiskService, drainDelay: Double, logger: Logger) -> Never {
        let queue = DispatchQueue(label: "riskd.signals")
        let stopping = DispatchSemaphore(value: 0)
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { @Sendable in stopping.signal() }
            source.resume()
            sources.append(source)
        }
        signal(SIGHUP, SIG_IGN)
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: queue)
        hangup.setEventHandler { @Sendable in
            logger.info("SIGHUP: rescanning the model repository")
            service.reloadModels()
        }
        hangup.resume()
        sources.append(hangup)

        stopping.wait()
        service.beginDrain()
        if drainDelay > 0 { _ = stopping.wait(timeout: .now() + drainDelay) }
        service.shutdown()
        withExtendedLifetime(sources) {}
        exit(0)
    }
}
