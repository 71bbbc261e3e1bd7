extension AccessGaps {
    /// The gap rules as a caller gives them (`gaps`), with their defaults: need aged 65+, required
    /// kinds = the access's supply kinds, 16 km (the distance limit of 往診 and 訪問診療).
    public struct Settings: Sendable, Hashable {
        public var need: Need = .aged65
        /// Empty: the supply kinds of the access scores.
        public var requiredKinds: [String] = []
        public var withinKm: Double = Settings.defaultWithinKm
        /// With a travel-time cost: the time limit of rule 3 (nil: 20 minutes).
        public var withinMinutes: Double?

        /// 16 km.
        public static let defaultWithinKm = 16.0

        public init(need: Need = .aged65, requiredKinds: [String] = [], withinKm: Double = Settings.defaultWithinKm) {
            self.need = need
            self.requiredKinds = requiredKinds
            self.withinKm = withinKm
        }
    }

    /// The gaps that `access` leaves, under `settings`, at the access's level.
    public static func find(
        _ model: StudyModel, access: StudyAccess, settings s: Settings, nearest: [DistanceCatchments.Nearest], costs: StudyCosts? = nil
    ) throws -> AccessGaps {
        let scores = Dictionary(uniqueKeysWithValues: access.areaIDs.compactMap { id in access.score(id).map { (id, $0) } })
        var within: Double? = nil
        if let costs {
            within = s.withinMinutes ?? GapSettings.defaultWithinMinutes
            try costs.checkThreshold(within!, what: "--within-minutes")
        } else if s.withinMinutes != nil {
            throw AnalysisError("--within-minutes needs a travel-time cost", fix: "add cost: {network: …} or cost: {table: …} to the study, or use --within-km")
        }
        return try find(model, level: access.level, need: s.need, access: scores, nearest: nearest,
                        requiredKinds: s.requiredKinds.isEmpty ? access.kinds : s.requiredKinds, withinKm: s.withinKm,
                        withinMinutes: within, withoutTravelTime: Set(costs?.areasWithoutData[access.level] ?? []),
                        accessWithoutData: Set(zip(access.areaIDs, access.status).filter { $0.1 == .noData || $0.1 == .noSupplyData }.map(\.0)))
    }
}
