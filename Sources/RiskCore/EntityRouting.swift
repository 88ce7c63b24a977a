/// Maps an entity id to a stable number in [0, 1), so an entity sticks to the canary or to production
/// while the canary's share of entities matches its weight.
///
/// FNV-1a alone mixes its top bits poorly for ids that differ only in their last characters (`k-1`,
/// `k-2`, …): a weight of 0.3 routed 2.5 % of such entities. The SplitMix64 finaliser spreads every input
/// bit over the whole word, so the share holds for any naming scheme.
public enum EntityRouting {
    public static func unitValue(_ entity: some StringProtocol) -> Double {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in entity.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        hash ^= hash >> 30
        hash &*= 0xbf58_476d_1ce4_e5b9
        hash ^= hash >> 27
        hash &*= 0x94d0_49bb_1331_11eb
        hash ^= hash >> 31
        return Double(hash >> 11) / Double(UInt64(1) << 53)
    }

    /// The routing value of an instance: its entity's, or a random one when it names none.
    public static func routingValue(_ entity: String?) -> Double {
        guard let entity else { return Double.random(in: 0..<1) }
        return unitValue(entity)
    }
}
