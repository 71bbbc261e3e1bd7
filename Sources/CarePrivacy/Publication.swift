import CareAtlas

/// Everything the outputs of one study run can publish about patient counts, written as cells of
/// one line and sums of those cells: the documented input of the disclosure decision
/// (``Disclosure/decide(_:policy:)``).
///
/// The line is the patient count of every area of ``level`` (in the level's order) followed by the
/// outside bucket (patients outside the study areas or of unknown area): x₁ … xₙ, xₙ₊₁ with
/// Σ xᵢ = the study's total. Every other published patient figure over these areas is a
/// ``Total``: v_S = Σ_{i∈S} xᵢ for a set S of cells (a catchment, a group, a stage, a frontier
/// region, a path step, the anchor's service area). Totals are listed most important first: when
/// a total must go, the later one goes.
///
/// Figures at another area level than the line (a scenario analysis at another level) cannot be
/// written as sums of its cells; they are ``Sequence``s of nested totals, protected among
/// themselves by the small-difference rule (``SmallCellPolicy/differenceMask(_:alreadyShown:)``).
public struct Publication: Sendable, Hashable {
    /// One published total: the sum of the cells ``members`` (indices into the line; the outside
    /// bucket is index `areaIDs.count`).
    public struct Total: Sendable, Hashable {
        public let family: Disclosure.Family
        /// Position within its family, in the order its outputs list them.
        public let index: Int
        /// Indices of the cells summed, sorted.
        public let members: [Int]
        public let value: Int

        public init(family: Disclosure.Family, index: Int, members: [Int], value: Int) {
            self.family = family
            self.index = index
            self.members = members.sorted()
            self.value = value
        }
    }

    /// Nested totals of a family at another level than the line.
    public struct Sequence: Sendable, Hashable {
        public let family: Disclosure.Family
        /// The totals in their outputs' order; nil where none is published (an infeasible budget).
        public let values: [Int?]
    }

    public let level: AreaLevel
    /// Area ids of the line, in the level's order; the outside bucket is the cell after them.
    public let areaIDs: [String]
    /// The cells: one count per area, then the outside bucket.
    public let counts: [Int]
    /// Totals over the line, most important first.
    public private(set) var totals: [Total] = []
    public private(set) var sequences: [Sequence] = []
    /// What a total's member list publishes besides its sum: the orders and stopping rule by
    /// which a share catchment grew (``addCatchmentRules(_:_:family:)``).
    public struct MemberRules: Sendable, Hashable {
        public var orders: [PublishedCells.Order]
        public var bounds: [PublishedCells.Bound]
    }

    /// Member rules by position in ``totals``: the share catchments' (published with their member
    /// lists, which the decision may withhold) and the share stages' (whose member lists are
    /// always published).
    public internal(set) var memberRules: [Int: MemberRules] = [:]
    /// Number of totals of each family, including those that could not be written over the line
    /// (an area of another level): their masks have this length.
    public private(set) var familySizes: [Disclosure.Family: Int] = [:]

    /// The grand total: the sum of every cell.
    public var grandTotal: Int { counts.reduce(0, +) }

    /// A line of `areaIDs` with their `counts` and the outside bucket.
    public init(level: AreaLevel, areaIDs: [String], counts: [Int], outside: Int) {
        precondition(areaIDs.count == counts.count, "one count per area")
        self.level = level
        self.areaIDs = areaIDs
        self.counts = counts + [outside]
    }

    /// The line of the study's areas at `level`: each area's patients (0 when the table has none)
    /// and the outside bucket, total − Σ areas.
    public init(_ model: StudyModel, level: AreaLevel) {
        let areas = model.areas[level] ?? []
        let counts = areas.map { $0.patients ?? 0 }
        self.init(level: level, areaIDs: areas.map(\.id), counts: counts, outside: model.totalPatients - counts.reduce(0, +))
    }

    /// Index of the outside bucket in ``counts``.
    public var outsideIndex: Int { areaIDs.count }

    /// Adds a family of totals, each a set of area ids with its value (nil: not published). A set
    /// naming an area that is not on the line is left out of the decision (its total is shown).
    public mutating func add(_ family: Disclosure.Family, _ sets: [(areaIDs: [String], value: Int?)]) {
        let index = Dictionary(uniqueKeysWithValues: areaIDs.enumerated().map { ($1, $0) })
        familySizes[family, default: 0] += sets.count
        for (k, s) in sets.enumerated() {
            guard let v = s.value else { continue }
            let m = s.areaIDs.compactMap { index[$0] }
            guard m.count == s.areaIDs.count else { continue }
            totals.append(Total(family: family, index: k, members: m, value: v))
        }
    }

    /// Adds one total over cell indices (the outside bucket included where listed).
    public mutating func add(_ family: Disclosure.Family, index: Int, members: [Int], value: Int) {
        familySizes[family] = max(familySizes[family] ?? 0, index + 1)
        totals.append(Total(family: family, index: index, members: members, value: value))
    }

    /// Adds nested totals at another level (protected by the small-difference rule alone).
    public mutating func addSequence(_ family: Disclosure.Family, _ values: [Int?]) {
        familySizes[family] = values.count
        sequences.append(Sequence(family: family, values: values))
    }

    /// Every total as text, one a line ("family index: {cells} = value"), for review and tests.
    public var listing: String {
        totals.map { t in "\(t.family) \(t.index): {\(t.members.map { $0 == outsideIndex ? "outside" : areaIDs[$0] }.joined(separator: " "))} = \(t.value)" }
            .joined(separator: "\n")
    }
}

extension Publication {
    /// Adds every total a study's outputs publish over this line, most important first:
    ///
    /// 1. the stages of each plan (first plan first), when the scenarios are at this level;
    /// 2. the patient-share catchments: the command's own (`commandShares`) when they differ from
    ///    the study's default shares (`shares`), then the defaults (family ``Disclosure/Family/defaultCatchments``);
    /// 3. the groups (二次医療圏) and the line "other or outside" (total − Σ groups);
    /// 4. the frontier's regions and the path's steps;
    /// 5. the anchor's service area: its local patients (Σ over the origins it wins) and its
    ///    patients from every area, when the flow table's anchor rows are the patient table's
    ///    counts (then they are the same cells).
    ///
    /// With the catchments and the share stages come their member rules (``memberRules``): the
    /// orders and stopping rules their member lists publish (``addCatchmentRules(_:_:family:)``).
    ///
    /// Scenario figures at another level become sequences (small-difference rule only).
    public mutating func addStudyTotals(
        _ model: StudyModel, shares: PatientShareAnalysis?, commandShares: PatientShareAnalysis? = nil, scenarios: ScenarioAnalysis?,
        serviceAreas: ServiceAreas? = nil
    ) {
        let scenariosHere = scenarios.map { $0.level == level } ?? false
        if let scenarios {
            for (p, plan) in scenarios.plans.enumerated() {
                if scenariosHere { add(.stages(plan: p), plan.stages.map { ($0.areaIDs, $0.patients) }) }
                else { addSequence(.stages(plan: p), plan.stages.map(\.patients)) }
            }
        }
        if let shares, shares.level == level {
            // The catchments the command publishes come first (and have the family .catchments),
            // then the defaults the other commands publish.
            if let c = commandShares, c.level == level, c.catchments != shares.catchments {
                add(.catchments, c.catchments.map { ($0.areaIDs, $0.patients) })
                add(.defaultCatchments, shares.catchments.map { ($0.areaIDs, $0.patients) })
                addCatchmentRules(model, c, family: .catchments)
                addCatchmentRules(model, shares, family: .defaultCatchments)
            } else {
                add(.catchments, shares.catchments.map { ($0.areaIDs, $0.patients) })
                addCatchmentRules(model, shares, family: .catchments)
            }
            if let scenarios, scenariosHere { addShareStageRules(model, scenarios, analyses: [commandShares, shares].compactMap { $0 }) }
            let groups = shares.groups.map { g in
                (model.groups[g.grouping]?.first { $0.name == g.name }?.memberIDs ?? [], Optional(g.patients))
            }
            add(.groups, groups)
            // The line "other or outside" of the group table: total − Σ groups.
            let grouped = Set(groups.flatMap(\.0))
            let rest = areaIDs.indices.filter { !grouped.contains(areaIDs[$0]) } + [outsideIndex]
            add(.groups, index: shares.groups.count, members: rest, value: rest.reduce(0) { $0 + counts[$1] })
        } else if let shares {
            familySizes[.catchments] = shares.catchments.count
            familySizes[.groups] = shares.groups.count + 1
        }
        if let scenarios, let f = scenarios.frontier {
            if scenariosHere {
                add(.frontier, f.points.map { ($0.areaIDs, $0.patients) })
                add(.path, f.path.map { ($0.areaIDs, Optional($0.patients)) })
            } else {
                addSequence(.frontier, f.points.map(\.patients))
                addSequence(.path, f.path.map { Optional($0.patients) })
            }
        }
        if let serviceAreas, let anchor = model.anchor, anchorFlowsAreTheLine(serviceAreas, model: model, anchorID: anchor.id),
           let area = serviceAreas.areas.first(where: { $0.hospitalID == anchor.id }) {
            add(.serviceAreas, [(area.originIDs, area.localPatients), (areaIDs, area.hospitalPatients)])
        }
    }

    /// Whether the flow table's rows of the anchor give, for every area of the line, the same count
    /// as the patient table: then the anchor's service-area figures are sums of the line's cells.
    public func anchorFlowsAreTheLine(_ sa: ServiceAreas, model: StudyModel, anchorID: String) -> Bool {
        var byOrigin: [String: Int] = [:]
        for f in model.flows where f.hospitalID == anchorID { byOrigin[f.originID, default: 0] += f.patients }
        guard !byOrigin.isEmpty else { return false }
        return areaIDs.enumerated().allSatisfy { i, id in (byOrigin[id] ?? 0) == counts[i] }
            && byOrigin.keys.allSatisfy { Set(areaIDs).contains($0) }
    }
}
