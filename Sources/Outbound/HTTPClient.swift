import CCurl

/// Initialises libcurl's global state exactly once, before the first handle (the Swift runtime runs a
/// global's initializer once, thread-safely).
private let curlGlobalInitResult: CURLcode = ccurl_global_init_default()

/// A synchronous HTTP client over libcurl easy handles for calling PagerDuty and webhook receivers.
///
/// riskd's outbound calls run on the outbox's own worker threads, so a blocking call is the simplest
/// correct shape. Every call is bounded: connect and total timeouts, a response size limit, no
/// redirects, only http/https, and `NOSIGNAL` so timeouts never raise signals in a threaded process.
public struct HTTPClient: Sendable {
    public let configuration: HTTPClientConfiguration

    public init(configuration: HTTPClientConfiguration = HTTPClientConfiguration()) {
        self.configuration = configuration
    }

    /// POSTs `body` to `url` and returns whatever status the receiver answered.
    ///
    /// - Parameter timeout: total seconds for this call; `nil` uses `configuration.totalTimeout`.
    /// - Throws: `OutboundError` when there is no HTTP response to return.
    public func post(
        url: String, headers: [(name: String, value: String)], body: [UInt8], timeout: Double? = nil
    ) throws(OutboundError) -> OutboundResponse {
        guard curlGlobalInitResult == CURLE_OK else {
            throw .transport(code: Int(curlGlobalInitResult.rawValue), message: "curl_global_init failed")
        }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw .invalidURL("only http and https URLs are allowed")
        }
        guard let handle = curl_easy_init() else {
            throw .transport(code: -1, message: "curl_easy_init failed")
        }
        defer { curl_easy_cleanup(handle) }
        let headerList = makeHeaderList(headers)
        defer { curl_slist_free_all(headerList) }
        let accumulator = ResponseAccumulator(maxBodyBytes: configuration.maxResponseBytes)
        let context = Unmanaged.passUnretained(accumulator).toOpaque()

        let totalMilliseconds = Int(max(0.001, timeout ?? configuration.totalTimeout) * 1000)
        let connectMilliseconds = Int(max(0.001, configuration.connectTimeout) * 1000)
        var code = ccurl_setopt_string(handle, CURLOPT_URL, url)
        let options: [(CURLoption, Int)] = [
            (CURLOPT_NOSIGNAL, 1), (CURLOPT_FOLLOWLOCATION, 0), (CURLOPT_POST, 1),
            (CURLOPT_CONNECTTIMEOUT_MS, connectMilliseconds), (CURLOPT_TIMEOUT_MS, totalMilliseconds),
            (CURLOPT_MAXFILESIZE, configuration.maxResponseBytes), (CURLOPT_POSTFIELDSIZE, body.count),
        ]
        for (option, value) in options where code == CURLE_OK {
            code = ccurl_setopt_long(handle, option, value)
        }
        if code == CURLE_OK { code = ccurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https") }
        if code == CURLE_OK { code = ccurl_setopt_string(handle, CURLOPT_USERAGENT, configuration.userAgent) }
        if code == CURLE_OK { code = ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList) }
        if code == CURLE_OK { code = ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, context) }
        if code == CURLE_OK { code = ccurl_setopt_pointer(handle, CURLOPT_HEADERDATA, context) }
        if code == CURLE_OK { code = ccurl_setopt_write_function(handle, writeBody) }
        if code == CURLE_OK { code = ccurl_setopt_header_function(handle, writeHeader) }
        guard code == CURLE_OK else { throw Self.error(for: code, accumulator: accumulator) }

        // libcurl reads the body during perform; keep the bytes pinned until it returns.
        let performed = (body.isEmpty ? [0] : body).withUnsafeBufferPointer { buffer in
            let fields = UnsafeMutableRawPointer(mutating: buffer.baseAddress)
            let set = ccurl_setopt_pointer(handle, CURLOPT_POSTFIELDS, fields)
            return set == CURLE_OK ? curl_easy_perform(handle) : set
        }
        guard performed == CURLE_OK else { throw Self.error(for: performed, accumulator: accumulator) }
        var status = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return OutboundResponse(status: status, headers: accumulator.headers, body: accumulator.body)
    }

    private func makeHeaderList(_ headers: [(name: String, value: String)]) -> UnsafeMutablePointer<curl_slist>? {
        var list: UnsafeMutablePointer<curl_slist>? = nil
        // An empty "Expect:" stops libcurl waiting for 100 Continue before sending larger bodies.
        let lines = ["Expect:"] + headers.filter(Self.isSafeHeader).map { "\($0.name): \($0.value)" }
        for line in lines {
            list = curl_slist_append(list, line)
        }
        return list
    }

    /// Header names or values with CR/LF would let a configured header inject more fields.
    private static func isSafeHeader(_ header: (name: String, value: String)) -> Bool {
        !header.name.isEmpty && !(header.name + header.value).utf8.contains(where: { $0 == 13 || $0 == 10 })
    }

    private static func error(for code: CURLcode, accumulator: ResponseAccumulator) -> OutboundError {
        let message = String(cString: curl_easy_strerror(code))
        switch code {
        case CURLE_OPERATION_TIMEDOUT: return .timeout
        case CURLE_COULDNT_CONNECT: return .connectionRefused(message)
        case CURLE_FILESIZE_EXCEEDED: return .responseTooLarge(limit: accumulator.maxBodyBytes)
        case CURLE_WRITE_ERROR where accumulator.exceededLimit:
            return .responseTooLarge(limit: accumulator.maxBodyBytes)
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT: return .invalidURL(message)
        default: return .transport(code: Int(code.rawValue), message: message)
        }
    }
}

private let writeBody: ccurl_write_callback = { data, size, count, context in
    guard let data, let context else { return 0 }
    let accumulator = Unmanaged<ResponseAccumulator>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    return accumulator.appendBody(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
}

private let writeHeader: ccurl_write_callback = { data, size, count, context in
    guard let data, let context else { return 0 }
    let accumulator = Unmanaged<ResponseAccumulator>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    accumulator.appendHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
    return length
}
