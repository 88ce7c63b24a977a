import CLinux
import Glibc

/// The one place in HTTPServer that talks to the kernel.
///
/// Every call retries on EINTR, reports "would block" as a value rather than an error, and turns any
/// other errno into a `SystemCallError`. Keeping syscalls here keeps the rest of the module testable by
/// reading and makes the platform surface easy to audit.
enum SystemCalls {
    static let readable = EPOLLIN.rawValue | EPOLLRDHUP.rawValue
    static let writable = EPOLLOUT.rawValue
    static let hangUp = EPOLLHUP.rawValue | EPOLLERR.rawValue

    /// Result of a read on a non-blocking socket.
    enum ReadResult {
        case bytes(Int)
        case endOfFile
        case wouldBlock
    }

    private static func failure(_ call: String) -> SystemCallError {
        let code = Glibc.errno
        return SystemCallError(call: call, errno: code, message: String(cString: strerror(code)))
    }

    /// Retries `body` while it fails with EINTR; returns its result or -1 with errno set.
    private static func retrying<Result: BinaryInteger>(_ body: () -> Result) -> Result {
        while true {
            let result = body()
            if result >= 0 || Glibc.errno != EINTR { return result }
        }
    }

    /// The soft RLIMIT_NOFILE: how many descriptors this process may hold open.
    static func descriptorLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        return Int(clamping: min(limit.rlim_cur, rlim_t(Int32.max)))  // RLIM_INFINITY is the maximum value
    }

    static func ignoreBrokenPipeSignal() {
        _ = signal(SIGPIPE, SIG_IGN)
    }

    // MARK: Sockets

    /// A non-blocking listening TCP socket with SO_REUSEPORT, bound to a numeric IPv4 or IPv6 host.
    /// Returns the descriptor and the bound port (useful when `port` is 0).
    static func listen(host: String, port: Int, backlog: Int32) throws(SystemCallError) -> (fd: Int32, port: Int) {
        let isIPv6 = host.contains(":")
        let fd = socket(
            isIPv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0
        )
        guard fd >= 0 else { throw failure("socket") }
        var one: Int32 = 1
        var zero: Int32 = 0
        let size = socklen_t(MemoryLayout<Int32>.size)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, size)
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, size)
        if isIPv6 { setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &zero, size) }
        let bound: Int32
        if isIPv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
            guard inet_pton(AF_INET6, host, &address.sin6_addr) == 1 else {
                close(fd)
                throw SystemCallError(call: "inet_pton", errno: EINVAL, message: "invalid IPv6 address \(host)")
            }
            bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
            guard inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &address.sin_addr) == 1 else {
                close(fd)
                throw SystemCallError(call: "inet_pton", errno: EINVAL, message: "invalid IPv4 address \(host)")
            }
            bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        guard bound == 0 else {
            let error = failure("bind")
            close(fd)
            throw error
        }
        guard Glibc.listen(fd, backlog) == 0 else {
            let error = failure("listen")
            close(fd)
            throw error
        }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, describe(storage).port)
    }

    /// Accepts one pending connection as a non-blocking socket with TCP_NODELAY; nil when none is pending.
    static func accept(_ listener: Int32) throws(SystemCallError) -> (fd: Int32, remote: String)? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let fd = retrying {
            withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    clinux_accept_nonblocking(listener, $0, &length)
                }
            }
        }
        guard fd >= 0 else {
            let code = Glibc.errno
            if code == EAGAIN || code == EWOULDBLOCK || code == ECONNABORTED { return nil }
            throw failure("accept4")
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var (host, port) = describe(storage)
        if host.hasPrefix("::ffff:") && host.contains(".") { host.removeFirst(7) }  // IPv4 on a dual-stack socket
        return (fd, host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)")
    }

    private static func describe(_ storage: sockaddr_storage) -> (host: String, port: Int) {
        var storage = storage
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        if Int32(storage.ss_family) == AF_INET6 {
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    var raw = address.pointee.sin6_addr
                    inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count))
                    let host = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                    return (host, Int(UInt16(bigEndian: address.pointee.sin6_port)))
                }
            }
        }
        return withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                var raw = address.pointee.sin_addr
                inet_ntop(AF_INET, &raw, &text, socklen_t(text.count))
                let host = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                return (host, Int(UInt16(bigEndian: address.pointee.sin_port)))
            }
        }
    }

    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(SystemCallError) -> ReadResult {
        let count = retrying { Glibc.read(fd, buffer.baseAddress, buffer.count) }
        if count > 0 { return .bytes(count) }
        if count == 0 { return .endOfFile }
        if Glibc.errno == EAGAIN || Glibc.errno == EWOULDBLOCK { return .wouldBlock }
        throw failure("read")
    }

    /// Sends without raising SIGPIPE; nil when the socket buffer is full.
    static func send(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(SystemCallError) -> Int? {
        let count = retrying { Glibc.send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL)) }
        if count >= 0 { return count }
        if Glibc.errno == EAGAIN || Glibc.errno == EWOULDBLOCK { return nil }
        throw failure("send")
    }

    static func shutdownWrite(_ fd: Int32) {
        _ = shutdown(fd, Int32(SHUT_WR))
    }

    /// Closes a descriptor; errors (even EINTR) are not retried, as Linux always releases the descriptor.
    static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    // MARK: epoll and eventfd

    static func epollCreate() throws(SystemCallError) -> Int32 {
        let fd = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard fd >= 0 else { throw failure("epoll_create1") }
        return fd
    }

    static func epollControl(_ epoll: Int32, _ operation: Int32, fd: Int32, events: UInt32, token: UInt64)
        throws(SystemCallError)
    {
        var event = clinux_epoll_event_make(events, token)
        guard epoll_ctl(epoll, operation, fd, &event) == 0 else { throw failure("epoll_ctl") }
    }

    static let epollAdd = EPOLL_CTL_ADD
    static let epollModify = EPOLL_CTL_MOD
    static let epollDelete = EPOLL_CTL_DEL

    /// Waits for events; `handle` receives each event's mask and token. Returns the number of events.
    static func epollWait(
        _ epoll: Int32, capacity: Int, timeoutMilliseconds: Int32, _ handle: (UInt32, UInt64) -> Void
    ) throws(SystemCallError) -> Int {
        try withUnsafeTemporaryAllocation(of: epoll_event.self, capacity: capacity) {
            (events) throws(SystemCallError) -> Int in
            let count = epoll_wait(epoll, events.baseAddress, Int32(capacity), timeoutMilliseconds)
            if count < 0 {
                if Glibc.errno == EINTR { return 0 }
                throw failure("epoll_wait")
            }
            for index in 0..<Int(count) {
                handle(events[index].events, clinux_epoll_event_data(&events[index]))
            }
            return Int(count)
        }
    }

    static func eventFD() throws(SystemCallError) -> Int32 {
        let fd = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard fd >= 0 else { throw failure("eventfd") }
        return fd
    }

    /// Wakes the loop waiting on `fd`; a full counter (EAGAIN) already means "wake up".
    static func eventFDSignal(_ fd: Int32) {
        var one: UInt64 = 1
        _ = retrying { Glibc.write(fd, &one, 8) }
    }

    static func eventFDDrain(_ fd: Int32) {
        var value: UInt64 = 0
        _ = retrying { Glibc.read(fd, &value, 8) }
    }
}
