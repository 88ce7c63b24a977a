extension ModelRegistry {
    /// Starts the poll thread (interval from the configuration; 0 = only on demand).
    public func startWatching() {
        poller.withLock { poller in
            guard poller == nil else { return }
            poller = PollThread(interval: configuration.pollInterval) { [weak self] in
                self?.reload()
            }
        }
    }

    /// Asks the watcher for a rescan now (SIGHUP). Returns at once; the reload runs on the poll thread.
    public func requestReload() {
        poller.withLock { $0?.trigger() }
    }

    public func stopWatching() {
        let thread = poller.withLock { poller in
            defer { poller = nil }
            return poller
        }
        thread?.stop(timeout: 30)
    }
}
