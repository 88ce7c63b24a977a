/// Operator actions (admin role): each one is serialised with reloads, applied, and published as one
/// new snapshot. The service records every call in the audit log.
extension ModelRegistry {
    /// Loads (or reloads) a version and keeps it loaded regardless of the version policy.
    public func load(model name: String, version: Int) throws(RegistryAdminError) -> VersionStatus {
        try control.withLock { (state) throws(RegistryAdminError) -> VersionStatus in
            try requireVersionOnDisk(name, version)
            state.excluded[name, default: []].remove(version)
            state.pinned[name, default: []].insert(version)
            // Force a fresh read even when the files did not change (e.g. after a failure was fixed).
            forget(name, version, in: &state)
            let summary = reloadLocked(&state)
            if let reason = summary.failed["\(name)/\(version)"] {
                throw .loadFailed("model \(name) version \(version) failed to load: \(reason)")
            }
            guard let status = state.entries[name]?.statuses[version] else {
                throw .versionNotFound(model: name, version: version)
            }
            return status
        }
    }

    /// Unloads a version and keeps it unloaded until loaded again. Refused while an alias points at it
    /// or when it is the model's last serving version.
    public func unload(model name: String, version: Int) throws(RegistryAdminError) -> VersionStatus {
        try control.withLock { (state) throws(RegistryAdminError) -> VersionStatus in
            try requireVersionOnDisk(name, version)
            let entry = state.entries[name]
            if let alias = ModelAliases.Name.allCases.first(where: { entry?.aliases.version(of: $0) == version }) {
                throw .conflict("version \(version) is the \(alias.rawValue) alias of \(name); move the alias first")
            }
            let others = (entry?.available.keys.filter { $0 != version }) ?? []
            if entry?.available[version] != nil, others.isEmpty {
                throw .conflict("version \(version) is the only loaded version of \(name); load another first")
            }
            state.pinned[name, default: []].remove(version)
            state.excluded[name, default: []].insert(version)
            reloadLocked(&state)
            guard let status = state.entries[name]?.statuses[version] else {
                throw .versionNotFound(model: name, version: version)
            }
            return status
        }
    }

    /// Points an alias at a loaded version (nil clears it) and persists it to `aliases.json`. When the
    /// repository is read-only the alias still applies, in memory, until restart; the result says so.
    public func setAlias(
        model name: String, alias: ModelAliases.Name, version: Int?, weight: Double? = nil
    ) throws(RegistryAdminError) -> (aliases: ModelAliases, persisted: Bool) {
        try control.withLock { (state) throws(RegistryAdminError) -> (aliases: ModelAliases, persisted: Bool) in
            if let weight, !(0...1).contains(weight) { throw .invalidArgument("weight must be within 0...1") }
            if let version, version <= 0 { throw .invalidArgument("version must be a positive integer") }
            guard let entry = state.entries[name] else { throw .modelNotFound(name) }
            if let version {
                guard entry.statuses[version] != nil else { throw .versionNotFound(model: name, version: version) }
                guard entry.available[version] != nil else {
                    throw .conflict(
                        "version \(version) of \(name) is not loaded; load it before pointing an alias at it")
                }
            }
            var aliases = entry.aliases
            aliases.set(alias, version: version, weight: weight)
            let persisted = persist(aliases, for: name, state: &state)
            reloadLocked(&state)
            return (aliases, persisted)
        }
    }

    /// Makes the newest loaded version older than the one serving now the production version.
    public func rollback(model name: String) throws(RegistryAdminError) -> (from: Int, to: Int, persisted: Bool) {
        try control.withLock { (state) throws(RegistryAdminError) -> (from: Int, to: Int, persisted: Bool) in
            guard let entry = state.entries[name] else { throw .modelNotFound(name) }
            guard let serving = entry.serving?.version else { throw .conflict("\(name) has no serving version") }
            guard let target = entry.available.keys.filter({ $0 < serving }).max() else {
                throw .conflict("\(name) has no loaded version older than \(serving) to roll back to")
            }
            var aliases = entry.aliases
            aliases.set(.production, version: target)
            let persisted = persist(aliases, for: name, state: &state)
            reloadLocked(&state)
            return (serving, target, persisted)
        }
    }

    private func requireVersionOnDisk(_ name: String, _ version: Int) throws(RegistryAdminError) {
        let disk = repository.scan()
        guard let versions = disk[name] else { throw .modelNotFound(name) }
        guard versions[version] != nil else { throw .versionNotFound(model: name, version: version) }
    }

    private func forget(_ name: String, _ version: Int, in state: inout ControlState) {
        guard let entry = state.entries[name], var status = entry.statuses[version], status.state == .failed else {
            return
        }
        status.fingerprint = ""
        var statuses = entry.statuses
        statuses[version] = status
        state.entries[name] = ModelEntry(
            name: name, available: entry.available, statuses: statuses, aliases: entry.aliases,
            lastKnownManifest: entry.lastKnownManifest)
    }

    private func persist(_ aliases: ModelAliases, for name: String, state: inout ControlState) -> Bool {
        do {
            try repository.writeAliases(aliases, for: name)
            state.aliasOverrides[name] = nil
            return true
        } catch {
            logger.warning(
                "aliases.json not writable; alias kept in memory until restart", ["model": .string(name)])
            state.aliasOverrides[name] = aliases
            return false
        }
    }
}
