import Dispatch
import ModelSpec
import Synchronization

/// The outcome of one reload, for the admin endpoint and the logs.
public struct ReloadSummary: Sendable {
    public var loaded: [String] = []
    public var failed: [String: String] = [:]
    public var unloaded: [String] = []
    public var generation: UInt64 = 0
}

extension ModelRegistry {
    /// Scans the repository and brings the served set in line with it: new or changed versions are
    /// loaded and verified, versions no longer wanted are unloaded, then one new snapshot is published.
    @discardableResult
    public func reload() -> ReloadSummary {
        control.withLock { state in reloadLocked(&state) }
    }

    private struct PlannedLoad {
        let name: String
        let disk: ModelRepository.VersionOnDisk
    }

    /// Failed versions never count toward the version policy: the policy picks among versions that are
    /// loaded or not yet tried, and when a pick fails to load the next candidate is picked and loaded in
    /// the same reload. So two broken uploads cannot push out the version that serves, and a serving
    /// version is only unloaded once a newer one has loaded.
    @discardableResult
    func reloadLocked(_ state: inout ControlState) -> ReloadSummary {
        let disk = repository.scan()
        let names = Set(disk.keys).union(configuration.requiredModels)
        var summary = ReloadSummary()
        var wantedByModel: [String: Set<Int>] = [:]
        var aliasesByModel: [String: ModelAliases] = [:]
        for name in names { aliasesByModel[name] = aliases(for: name, state: &state) }

        var results: [String: Result<ServableModel, ModelVersionLoadError>] = [:]
        while true {
            var plans: [PlannedLoad] = []
            for name in names {
                let onDisk = disk[name] ?? [:]
                let existing = state.entries[name]
                let failed = Set(
                    onDisk.values.filter { version in
                        guard let result = results["\(name)/\(version.version)"] else {
                            return existing?.hasFailed(version) == true
                        }
                        // A broken rewrite of a loaded version keeps its verified content serving: it counts.
                        return (try? result.get()) == nil && existing?.available[version.version] == nil
                    }.map(\.version))
                let wanted = wantedVersions(
                    name, available: Set(onDisk.keys), failed: failed, aliases: aliasesByModel[name] ?? ModelAliases(),
                    state: state)
                wantedByModel[name] = wanted
                for version in wanted where results["\(name)/\(version)"] == nil {
                    guard let versionOnDisk = onDisk[version] else { continue }
                    let unchanged = existing?.statuses[version]?.fingerprint == versionOnDisk.fingerprint
                    if unchanged, existing?.available[version] != nil || failed.contains(version) { continue }
                    plans.append(PlannedLoad(name: name, disk: versionOnDisk))
                }
            }
            if plans.isEmpty { break }
            markLoading(plans, &state)
            let round = loadAll(plans)
            results.merge(round) { _, new in new }
            // Every failure frees a place in the policy for the next candidate: plan again.
            if round.values.allSatisfy({ (try? $0.get()) != nil }) { break }
        }

        for name in names {
            let onDisk = disk[name] ?? [:]
            let wanted = wantedByModel[name] ?? []
            let previous = state.entries[name] ?? emptyEntry(name)
            var available: [Int: ServableModel] = [:]
            var statuses: [Int: VersionStatus] = [:]
            for (version, versionOnDisk) in onDisk {
                let key = "\(name)/\(version)"
                if let result = results[key] {
                    switch result {
                    case .success(let model):
                        available[version] = model
                        statuses[version] = VersionStatus(
                            version: version, state: .available, reason: nil, sha256: model.artifactSHA256,
                            loadedAt: model.loadedAt, fingerprint: versionOnDisk.fingerprint)
                        summary.loaded.append(key)
                    case .failure(let error):
                        summary.failed[key] = error.message
                        if let old = previous.available[version] {
                            // Files changed under a serving version and the new content is broken:
                            // keep the verified old content serving and say so.
                            available[version] = old
                            statuses[version] = VersionStatus(
                                version: version, state: .available,
                                reason: "reload failed, previous content still serving: \(error.message)",
                                sha256: old.artifactSHA256, loadedAt: old.loadedAt,
                                fingerprint: versionOnDisk.fingerprint)
                        } else {
                            statuses[version] = VersionStatus(
                                version: version, state: .failed, reason: error.message, sha256: nil, loadedAt: nil,
                                fingerprint: versionOnDisk.fingerprint)
                        }
                    }
                } else if wanted.contains(version), let status = previous.statuses[version] {
                    statuses[version] = status
                    if let model = previous.available[version] { available[version] = model }
                } else if previous.hasFailed(versionOnDisk), let status = previous.statuses[version] {
                    statuses[version] = status
                } else {
                    if previous.available[version] != nil { summary.unloaded.append(key) }
                    let reason =
                        (state.excluded[name] ?? []).contains(version)
                        ? "unloaded by an administrator" : "not selected by the version policy"
                    statuses[version] = VersionStatus(
                        version: version, state: .unloaded, reason: reason, sha256: nil, loadedAt: nil,
                        fingerprint: versionOnDisk.fingerprint)
                }
            }
            for version in previous.available.keys where onDisk[version] == nil {
                summary.unloaded.append("\(name)/\(version)")
            }
            let manifest = lastKnownManifest(available: available, onDisk: onDisk, previous: previous)
            state.entries[name] = ModelEntry(
                name: name, available: available, statuses: statuses, aliases: aliasesByModel[name] ?? ModelAliases(),
                lastKnownManifest: manifest)
        }
        for name in state.entries.keys where !names.contains(name) {
            let versions = state.entries[name]?.available.keys.sorted() ?? []
            summary.unloaded += versions.map { "\(name)/\($0)" }
            state.entries[name] = nil
        }
        publish(&state)
        summary.generation = state.generation
        log(summary)
        return summary
    }

    /// The policy's pick among the versions that did not fail, plus versions an alias or an admin pins.
    private func wantedVersions(
        _ name: String, available: Set<Int>, failed: Set<Int>, aliases: ModelAliases, state: ControlState
    ) -> Set<Int> {
        var wanted = configuration.policy(for: name).select(from: available.subtracting(failed))
        wanted.formUnion(aliases.pinnedVersions.intersection(available))
        wanted.formUnion((state.pinned[name] ?? []).intersection(available))
        wanted.subtract(state.excluded[name] ?? [])
        return wanted
    }

    /// Makes "loading" visible while the slow part runs.
    private func markLoading(_ plans: [PlannedLoad], _ state: inout ControlState) {
        for plan in plans {
            let entry = state.entries[plan.name] ?? emptyEntry(plan.name)
            var statuses = entry.statuses
            statuses[plan.disk.version] = VersionStatus(
                version: plan.disk.version, state: .loading, reason: nil, sha256: nil, loadedAt: nil, fingerprint: "")
            state.entries[plan.name] = ModelEntry(
                name: entry.name, available: entry.available, statuses: statuses, aliases: entry.aliases,
                lastKnownManifest: entry.lastKnownManifest)
        }
        publish(&state)
    }

    /// Loads in parallel, two at a time per core, so a start with a hundred models stays quick.
    private func loadAll(_ plans: [PlannedLoad]) -> [String: Result<ServableModel, ModelVersionLoadError>] {
        let results = Mutex<[String: Result<ServableModel, ModelVersionLoadError>]>([:])
        DispatchQueue.concurrentPerform(iterations: plans.count) { index in
            let plan = plans[index]
            let started = ContinuousClock.now
            let result = Result { () throws(ModelVersionLoadError) in
                try ModelVersionLoader.load(
                    name: plan.name, version: plan.disk.version, directory: plan.disk.path, now: clock())
            }
            let elapsed = ContinuousClock.now - started
            loadDuration.observe(Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds))
            loads.labels(plan.name, (try? result.get()) == nil ? "failure" : "success").increment()
            results.withLock { $0["\(plan.name)/\(plan.disk.version)"] = result }
        }
        return results.withLock { $0 }
    }

    /// Aliases from a runtime override, else from disk; a broken `aliases.json` keeps the previous ones.
    private func aliases(for name: String, state: inout ControlState) -> ModelAliases {
        if let override = state.aliasOverrides[name] { return override }
        do {
            return try repository.readAliases(for: name)
        } catch {
            logger.error(
                "aliases.json rejected; keeping previous aliases",
                ["model": .string(name), "error": .string(error.description)])
            return state.entries[name]?.aliases ?? ModelAliases()
        }
    }

    private func lastKnownManifest(
        available: [Int: ServableModel], onDisk: [Int: ModelRepository.VersionOnDisk], previous: ModelEntry
    ) -> ModelManifest? {
        if let newest = available.max(by: { $0.key < $1.key })?.value { return newest.manifest }
        for version in onDisk.keys.sorted(by: >) {
            if let path = onDisk[version]?.path, let manifest = try? ModelVersionLoader.manifest(in: path) {
                return manifest
            }
        }
        return previous.lastKnownManifest
    }

    func emptyEntry(_ name: String) -> ModelEntry {
        ModelEntry(name: name, available: [:], statuses: [:], aliases: ModelAliases(), lastKnownManifest: nil)
    }

    private func log(_ summary: ReloadSummary) {
        for key in summary.loaded { logger.info("model version loaded", ["version": .string(key)]) }
        for (key, reason) in summary.failed.sorted(by: { $0.key < $1.key }) {
            logger.error("model version failed to load", ["version": .string(key), "reason": .string(reason)])
        }
        for key in summary.unloaded { logger.info("model version unloaded", ["version": .string(key)]) }
    }
}
