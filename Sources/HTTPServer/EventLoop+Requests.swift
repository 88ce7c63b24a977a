import HTTPCore

extension EventLoop {
    /// Reads what the socket has (bounded by the read buffer), then parses and dispatches requests.
    func readInput(_ connection: Connection) {
        let result: SystemCalls.ReadResult
        do {
            result = try SystemCalls.read(connection.fd, into: readBuffer)
        } catch {
            close(connection)
            return
        }
        switch result {
        case .wouldBlock:
            return
        case .endOfFile:
            // A half-closed peer may still be owed responses; anything else ends here.
            if connection.lingerDeadline != nil || connection.slots.isEmpty && !connection.hasPendingOutput {
                close(connection)
                return
            }
            connection.closeAfterFlush = true
        case .bytes(let count):
            state.metrics.receivedBytes.increment(by: UInt64(count))
            if connection.lingerDeadline != nil { return }
            connection.parser.append(UnsafeRawBufferPointer(rebasing: readBuffer[0..<count]))
            if connection.parserPhase == .idle { notePhase(connection) }
            processRequests(connection)
            if chargeBufferedBytes(connection) > configuration.maxInflightBodyBytes && !connection.closeAfterFlush {
                shed(connection)
            }
        }
        flushSlots(connection)
    }

    /// Brings the connection's share of the server-wide buffered-bytes total up to date; returns the total.
    @discardableResult
    func chargeBufferedBytes(_ connection: Connection) -> Int {
        let retained = connection.parser.retainedByteCount
        let delta = retained - connection.chargedBytes
        guard delta != 0 else { return state.bufferedRequestBytes.load(ordering: .relaxed) }
        connection.chargedBytes = retained
        let total = state.bufferedRequestBytes.add(delta, ordering: .relaxed).newValue
        state.metrics.bufferedRequestBytes.set(Double(total))
        return total
    }

    /// The buffered-bytes budget is spent: this connection's partial request is dropped and answered 503,
    /// so many half-sent bodies cannot grow memory without bound until their body timeout.
    private func shed(_ connection: Connection) {
        state.metrics.requestsShed.increment()
        let path = connection.parser.pathInProgress
        connection.parser = HTTPRequestParser(limits: configuration.parserLimits)
        chargeBufferedBytes(connection)
        fail(
            connection, status: .serviceUnavailable,
            response: .overloaded(code: "server_busy", message: "too many request bytes buffered; retry later"),
            path: path)
    }

    /// Parses buffered requests while fewer than `maxPipelinedRequests` responses are pending.
    func processRequests(_ connection: Connection) {
        while !connection.closeAfterFlush && connection.slots.count < configuration.maxPipelinedRequests {
            let event: HTTPParserEvent?
            do {
                event = try connection.parser.next()
            } catch {
                fail(connection, status: error.status, response: error.response)
                return
            }
            guard let event else { break }
            switch event {
            case .continueExpected(let request):
                connection.hasRequested = true
                connection.slots.append(
                    Connection.Slot(
                        sequence: nextSequence(connection), isInterim: true, headRequest: false, keepAlive: true,
                        version: request.version, startedAt: now))
                notePhase(connection)
            case .request(let request):
                dispatch(request, on: connection)
            }
        }
        notePhase(connection)
        chargeBufferedBytes(connection)
    }

    private func nextSequence(_ connection: Connection) -> UInt64 {
        defer { connection.nextSequence += 1 }
        return connection.nextSequence
    }

    /// Restarts the phase clock when the parser moves between idle, head and body. The first request's
    /// head keeps the clock started at accept, so the header timeout counts from the connection's start.
    private func notePhase(_ connection: Connection) {
        let phase = connection.parser.phase
        if phase != connection.parserPhase {
            let firstHead = phase == .head && connection.parserPhase == .idle && !connection.hasRequested
            connection.parserPhase = phase
            if !firstHead { connection.phaseStartedAt = now }
        }
    }

    private func dispatch(_ request: HTTPRequest, on connection: Connection) {
        let keepAlive = request.wantsKeepAlive && !closingConnections
        if !keepAlive { connection.closeAfterFlush = true }
        connection.hasRequested = true
        connection.parserPhase = .idle
        connection.phaseStartedAt = now
        let sequence = nextSequence(connection)
        var slot = Connection.Slot(
            sequence: sequence, isInterim: false, headRequest: request.method == .HEAD, keepAlive: keepAlive,
            version: request.version, startedAt: now, path: Substring(request.path))
        let context = RequestContext(
            remoteAddress: connection.remoteAddress, connectionID: connection.id, receivedAtNanoseconds: now)
        let answer: ResponseFuture
        if connection.admission == .probe && !configuration.probePaths.contains(request.path) {
            answer = .immediate(.error(.notFound, code: "not_found", message: "the probe port serves only probes"))
        } else {
            answer = state.responder.respond(to: request, context: context)
        }
        switch answer {
        case .immediate(let response):
            slot.response = response
        case .deferred(let promise):
            let inbox = self.inbox
            let connectionID = connection.id
            promise.whenComplete { outcome in
                inbox.post(.complete(connectionID: connectionID, sequence: sequence, outcome: outcome))
            }
        }
        connection.slots.append(slot)
    }

    /// A deferred response arrived from another thread (via the inbox).
    func complete(_ connection: Connection, sequence: UInt64, outcome: ResponsePromise.Outcome) {
        guard let index = connection.slots.firstIndex(where: { $0.sequence == sequence }),
            connection.slots[index].response == nil, !connection.slots[index].abandoned
        else { return }  // already answered by the response timeout
        switch outcome {
        case .response(let response): connection.slots[index].response = response
        case .abandon: connection.slots[index].abandoned = true
        }
        flushSlots(connection)
    }

    /// Answers a protocol error after the responses already owed, then closes.
    /// `path` defaults to the request in progress, if its request line was parsed.
    func fail(_ connection: Connection, status: HTTPStatus, response: HTTPResponse, path: Substring? = nil) {
        state.metrics.protocolErrors.labels(String(status.code)).increment()
        var slot = Connection.Slot(
            sequence: nextSequence(connection), isInterim: false, headRequest: false, keepAlive: false,
            version: .http1_1, startedAt: now, path: path ?? connection.parser.pathInProgress)
        slot.response = response
        connection.slots.removeAll { $0.isInterim }
        connection.slots.append(slot)
        connection.closeAfterFlush = true
    }

    /// Acts on a passed deadline.
    func timeOut(_ connection: Connection, kind: Connection.Timeout) {
        switch kind {
        case .silent, .idle, .write, .linger:
            close(connection)
        case .header, .body:
            let message = kind == .header ? "request head not received in time" : "request body not received in time"
            fail(
                connection, status: .requestTimeout,
                response: .error(.requestTimeout, code: "request_timeout", message: message))
            flushSlots(connection)
        case .response:
            for index in connection.slots.indices
            where connection.slots[index].response == nil && !connection.slots[index].isInterim
                && !connection.slots[index].abandoned
                && connection.slots[index].startedAt + ServerState.nanoseconds(configuration.responseTimeout) <= now
            {
                connection.slots[index].response = .overloaded(
                    code: "response_timeout", message: "the handler did not answer in time")
            }
            flushSlots(connection)
        }
    }
}

extension HTTPResponse {
    /// A 503 the server itself answers (connection cap, buffered-bytes budget, response timeout), with
    /// `Retry-After` so well-behaved clients back off instead of retrying at once.
    static func overloaded(code: String, message: String) -> HTTPResponse {
        var response = HTTPResponse.error(.serviceUnavailable, code: code, message: message)
        response.headers.set("Retry-After", "1")
        return response
    }
}
