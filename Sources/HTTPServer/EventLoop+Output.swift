import Dispatch
import HTTPCore

extension EventLoop {
    /// Serializes every leading answered slot into the output buffer, in request order, and writes (while
    /// a wake-up's events are being handled, at its end: see `deferWrite`).
    func flushSlots(_ connection: Connection) {
        guard connections[connection.id] != nil else { return }
        while let slot = connection.slots.first {
            if !connection.hasPendingOutput { connection.writeStartedAt = now }
            if slot.isInterim {
                connection.output += HTTPResponseSerializer.continueResponse
                connection.slots.removeFirst()
                continue
            }
            if slot.abandoned {
                close(connection)
                return
            }
            guard var response = slot.response else { break }
            connection.slots.removeFirst()
            if let problem = response.problem, let body = state.errorRenderer?(problem, slot.path) {
                response.body = body
            }
            let keepAlive = slot.keepAlive && !closingConnections
            HTTPResponseSerializer.write(
                response, version: slot.version, keepAlive: keepAlive, headRequest: slot.headRequest, date: date,
                into: &connection.output)
            if !keepAlive {
                connection.closeAfterFlush = true
                connection.slots.removeAll()
            }
        }
        if handlingEvents { deferWrite(connection) } else { writeOutput(connection) }
    }

    /// The longest a response waits for the rest of its wake-up's work before the queue is sent anyway.
    static var maxWriteDeferral: UInt64 { 1_000_000 }

    /// Queues a connection's output to be sent with the others answered in the same wake-up, in one burst
    /// after its events are handled, instead of one send between each request's work. A client waiting in
    /// epoll_wait is then woken once per burst rather than once per response; on a VM each such wake-up is
    /// an inter-processor interrupt, and they cost the loop about a tenth of its time on 1-row predicts
    /// under load. A response waits at most `maxWriteDeferral` (plus the request being handled when that
    /// passes): once the oldest queued response has waited that long, the queue is sent.
    private func deferWrite(_ connection: Connection) {
        if !connection.writeDeferred {
            connection.writeDeferred = true
            if deferredWrites.isEmpty { deferredSince = DispatchTime.now().uptimeNanoseconds }
            deferredWrites.append(connection)
        }
        if !sendingDeferredWrites && DispatchTime.now().uptimeNanoseconds &- deferredSince >= Self.maxWriteDeferral {
            sendDeferredWrites()
        }
    }

    /// Sends every queued connection's output (and whatever sending it queues in turn: pipelined requests).
    func sendDeferredWrites() {
        guard !deferredWrites.isEmpty, !sendingDeferredWrites else { return }
        sendingDeferredWrites = true
        defer { sendingDeferredWrites = false }
        while !deferredWrites.isEmpty {
            swap(&deferredWrites, &sendingWrites)
            for connection in sendingWrites {
                connection.writeDeferred = false
                if connections[connection.id] === connection { writeOutput(connection) }
            }
            sendingWrites.removeAll(keepingCapacity: true)
        }
    }

    /// Sends buffered output until the socket is full; then finishes, lingers or waits for EPOLLOUT.
    func writeOutput(_ connection: Connection) {
        while connection.hasPendingOutput {
            let written: Int?
            do {
                written = try connection.output[connection.outputSent...].withUnsafeBytes {
                    try SystemCalls.send(connection.fd, $0)
                }
            } catch {
                close(connection)
                return
            }
            guard let written else { break }
            connection.outputSent += written
            state.metrics.sentBytes.increment(by: UInt64(written))
        }
        if !connection.hasPendingOutput {
            // Keep small buffers for reuse; release large ones so an idle connection stays small.
            if connection.output.capacity > 64 * 1024 {
                connection.output = []
            } else {
                connection.output.removeAll(keepingCapacity: true)
            }
            connection.outputSent = 0
            if connection.closeAfterFlush && connection.slots.isEmpty {
                linger(connection)
                return
            }
            if connection.slots.isEmpty { connection.idleSince = now }
            if drainDeadline != nil && connection.isIdle {
                close(connection)
                return
            }
            if !connection.closeAfterFlush && connection.parser.bufferedByteCount > 0
                && connection.slots.count < configuration.maxPipelinedRequests
            {
                processRequests(connection)
                if connection.slots.first?.response != nil || connection.slots.first?.isInterim == true {
                    flushSlots(connection)
                    return
                }
            }
        }
        updateInterest(connection)
        schedule(connection)
    }

    /// Shuts down the write side and drains the peer briefly, so the final response is not lost to a reset
    /// caused by unread request bytes.
    func linger(_ connection: Connection) {
        guard connection.lingerDeadline == nil else { return }
        SystemCalls.shutdownWrite(connection.fd)
        connection.lingerDeadline = now + ServerState.nanoseconds(drainDeadline == nil ? 2 : 0.2)
        connection.parser = HTTPRequestParser(limits: configuration.parserLimits)
        chargeBufferedBytes(connection)
        updateInterest(connection)
        schedule(connection)
    }

    /// Reads only while the connection can take more requests; writes only while output is pending.
    private func updateInterest(_ connection: Connection) {
        var wanted: UInt32 = 0
        let pipelineFull = connection.slots.count >= configuration.maxPipelinedRequests
        let bufferFull =
            connection.parser.bufferedByteCount >= configuration.maxHeaderBytes + configuration.maxBodyBytes
        if connection.lingerDeadline != nil || (!connection.closeAfterFlush && !pipelineFull && !bufferFull) {
            wanted |= SystemCalls.readable
        }
        if connection.hasPendingOutput { wanted |= SystemCalls.writable }
        guard wanted != connection.interest else { return }
        do {
            try SystemCalls.epollControl(
                epollFD, SystemCalls.epollModify, fd: connection.fd, events: wanted, token: connection.id)
            connection.interest = wanted
        } catch {
            close(connection)
        }
    }
}
