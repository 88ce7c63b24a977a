import HTTPCore

extension EventLoop {
    /// Serializes every leading answered slot into the output buffer, in request order, and writes.
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
        writeOutput(connection)
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
