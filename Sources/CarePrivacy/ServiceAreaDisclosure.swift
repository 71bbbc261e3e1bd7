import CareAtlas

/// What the plurality service-area tables may show, decided with the run's disclosure.
///
/// The tables publish, per origin i, its patients Tᵢ (all hospitals) and nᵢ,ₐ₍ᵢ₎ (at its
/// plurality hospital a(i)); per hospital h, Lₕ = Σ_{i∈Sₕ} nᵢₕ, Rsₕ = Σ_{i∈Sₕ} Tᵢ and Nₕ. Each
/// service area is therefore two lines with a shown total: (nᵢₕ)_{i∈Sₕ} with Lₕ, and (Tᵢ)_{i∈Sₕ}
/// with Rsₕ. Each line is protected by ``SmallCellPolicy/protectLine(_:)`` (no hidden cell equal
/// to the total minus the shown ones, no pinned range), so that `local_patients` minus the shown
/// origin rows gives nothing back.
///
/// When the flow table's anchor rows are the patient table's counts
/// (``Publication/anchorFlowsAreTheLine(_:model:anchorID:)``), the anchor's nᵢ are the run's area
/// cells: they are hidden exactly where the run's disclosure hides the areas, and Lₐ and Nₐ
/// are the totals of the family ``Disclosure/Family/serviceAreas`` decided with everything else.
///
/// **Withheld assignments.** The plurality rule itself is a set of inequalities over the flow
/// table: an origin assigned to hospital a publishes nᵢₕ ≤ nᵢₐ − 1 for every other hospital h
/// (nᵢₕ = nᵢₐ for the tied ones) and Σₕ nᵢₕ = Tᵢ. An attacker with a solver reads, for instance,
/// "origin i goes to a with nᵢₐ < 10" as nᵢ,anchor ≤ 8, and "Tᵢ = 16 with nᵢₐ = 12 at another
/// hospital" as nᵢ,anchor ≤ 4; with H hospitals a small nᵢₐ is at least ⌈Tᵢ / H⌉. So an
/// origin's assignment (its hospital, nᵢₐ, relevance index and ties, and its membership of the
/// service area: `origin_codes`, the origin count and the outline) is withheld when nᵢₐ is a
/// count 1 … m − 1, or when the anchor's flows are the line and the line hides the origin's
/// cell; Tᵢ keeps its own label. A service area with a withheld member hides Rsₕ and Lₕ (they
/// would give the withheld figures back as a difference), and while any origin is withheld the
/// other hospitals' Nₕ are hidden too (each is a sum of flows of every origin, the withheld ones
/// included). The independent audit of the test suite checks the result with the full flow
/// model (every nᵢₕ a variable) against the outputs of every command together.
public struct ServiceAreaDisclosure: Sendable, Hashable {
    public struct Origin: Sendable, Hashable {
        /// Tᵢ hidden.
        public let patientsHidden: Bool
        /// nᵢ,ₐ₍ᵢ₎ hidden.
        public let atHospitalHidden: Bool
        /// The origin's assignment (hospital, nᵢ,ₐ₍ᵢ₎, relevance, ties, service-area membership)
        /// is not published.
        public let assignmentWithheld: Bool
    }

    public struct Area: Sendable, Hashable {
        public let residentHidden: Bool
        public let localHidden: Bool
        public let hospitalHidden: Bool
        /// The published members of the service area (its origins less the withheld ones).
        public let publishedOriginIDs: [String]
        /// An index may be shown only when the counts it is made of are.
        public var indicesShown: Bool { !residentHidden && !localHidden && !hospitalHidden }
    }

    public let policy: SmallCellPolicy
    /// Parallel to ``ServiceAreas/origins``.
    public let origins: [Origin]
    /// Parallel to ``ServiceAreas/areas``.
    public let areas: [Area]

    public init(_ sa: ServiceAreas, model: StudyModel, disclosure: Disclosure) {
        let policy = disclosure.policy
        self.policy = policy
        let line = Publication(model, level: disclosure.level)
        let anchorID = model.anchor?.id
        let linked = anchorID.map { line.anchorFlowsAreTheLine(sa, model: model, anchorID: $0) } ?? false
        let originIndex = Dictionary(uniqueKeysWithValues: sa.origins.enumerated().map { ($1.id, $0) })
        var patientsHidden = sa.origins.map { policy.isSmall($0.patients) }
        var atHospitalHidden = sa.origins.map { policy.isSmall($0.patientsAtHospital) }
        var areas: [Area] = []
        let serviceMask = disclosure.mask(.serviceAreas, count: 2)
        let withheld = sa.origins.map { o in
            guard policy.isSuppressing, o.isAssigned else { return false }
            return policy.isSmall(o.patientsAtHospital) || linked && disclosure.isHidden(o.id)
        }
        let anyWithheld = withheld.contains(true)
        for a in sa.areas {
            let all = a.originIDs.compactMap { originIndex[$0] }
            let members = all.filter { !withheld[$0] }
            let membersWithheld = members.count != all.count
            // Tᵢ over the service area, total Rsₕ (with a withheld member, no total is shown: each
            // cell keeps its own label).
            let resident = membersWithheld ? (cells: members.map { policy.isSmall(sa.origins[$0].patients) }, totalHidden: true)
                : policy.protectLine(members.map { sa.origins[$0].patients })
            for (k, i) in members.enumerated() { patientsHidden[i] = resident.cells[k] }
            var localHidden: Bool
            var hospitalHidden = policy.isSmall(a.hospitalPatients)
            if linked && a.hospitalID == anchorID {
                for i in members { atHospitalHidden[i] = disclosure.isHidden(sa.origins[i].id) }
                localHidden = serviceMask[0] || policy.isSmall(a.localPatients)
                hospitalHidden = hospitalHidden || serviceMask[1]
            } else {
                let local = membersWithheld ? (cells: members.map { policy.isSmall(sa.origins[$0].patientsAtHospital) }, totalHidden: true)
                    : policy.protectLine(members.map { sa.origins[$0].patientsAtHospital })
                for (k, i) in members.enumerated() { atHospitalHidden[i] = local.cells[k] }
                localHidden = local.totalHidden
            }
            var residentHidden = resident.totalHidden
            if membersWithheld { (residentHidden, localHidden) = (true, true) }
            if anyWithheld && a.hospitalID != anchorID { hospitalHidden = true }
            areas.append(Area(residentHidden: residentHidden, localHidden: localHidden, hospitalHidden: hospitalHidden,
                              publishedOriginIDs: members.map { sa.origins[$0].id }))
        }
        // A withheld origin keeps Tᵢ alone, with its own label.
        for i in sa.origins.indices where withheld[i] {
            patientsHidden[i] = policy.isSmall(sa.origins[i].patients)
            atHospitalHidden[i] = true
        }
        origins = sa.origins.indices.map { Origin(patientsHidden: patientsHidden[$0], atHospitalHidden: atHospitalHidden[$0], assignmentWithheld: withheld[$0]) }
        self.areas = areas
    }
}

extension SmallCellPolicy {
    /// Which cells of one line, and whether its total, to hide so that the shown total reveals no
    /// hidden cell: primary suppression of counts 1 … minCell−1; when one cell alone is hidden,
    /// the smallest shown non-zero cell too (total − shown cells would give it back); when the
    /// hidden cells are all small and sum to k or k·(minCell−1) for k of them (each would be 1, or
    /// each minCell−1), one more; when no cell is left to hide, the total itself.
    ///
    /// - Returns: one flag per cell, and the total's flag (a small total is hidden too).
    public func protectLine(_ cells: [Int]) -> (cells: [Bool], totalHidden: Bool) {
        guard isSuppressing else { return (cells.map { _ in false }, false) }
        let total = cells.reduce(0, +)
        var mask = cells.map(isSmall)
        func broken() -> Bool {
            let hidden = cells.indices.filter { mask[$0] }
            guard !hidden.isEmpty else { return false }
            if hidden.count == 1 { return true }
            guard hidden.allSatisfy({ isSmall(cells[$0]) }) else { return false }
            let residual = hidden.reduce(0) { $0 + cells[$1] }
            return residual == hidden.count || residual == hidden.count * (minCell - 1)
        }
        while broken() {
            guard let c = cells.indices.filter({ !mask[$0] && cells[$0] > 0 }).min(by: { (cells[$0], $0) < (cells[$1], $1) }) else {
                return (mask, true)
            }
            mask[c] = true
        }
        return (mask, isSmall(total))
    }
}
