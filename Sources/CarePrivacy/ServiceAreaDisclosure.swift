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
public struct ServiceAreaDisclosure: Sendable, Hashable {
    public struct Origin: Sendable, Hashable {
        /// Tᵢ hidden.
        public let patientsHidden: Bool
        /// nᵢ,ₐ₍ᵢ₎ hidden.
        public let atHospitalHidden: Bool
    }

    public struct Area: Sendable, Hashable {
        public let residentHidden: Bool
        public let localHidden: Bool
        public let hospitalHidden: Bool
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
        for a in sa.areas {
            let members = a.originIDs.compactMap { originIndex[$0] }
            // Tᵢ over the service area, total Rsₕ.
            let resident = policy.protectLine(members.map { sa.origins[$0].patients })
            for (k, i) in members.enumerated() { patientsHidden[i] = resident.cells[k] }
            var localHidden: Bool
            var hospitalHidden = policy.isSmall(a.hospitalPatients)
            if linked && a.hospitalID == anchorID {
                for i in members { atHospitalHidden[i] = disclosure.isHidden(sa.origins[i].id) }
                localHidden = serviceMask[0] || policy.isSmall(a.localPatients)
                hospitalHidden = hospitalHidden || serviceMask[1]
            } else {
                let local = policy.protectLine(members.map { sa.origins[$0].patientsAtHospital })
                for (k, i) in members.enumerated() { atHospitalHidden[i] = local.cells[k] }
                localHidden = local.totalHidden
            }
            areas.append(Area(residentHidden: resident.totalHidden, localHidden: localHidden, hospitalHidden: hospitalHidden))
        }
        origins = zip(patientsHidden, atHospitalHidden).map { Origin(patientsHidden: $0, atHospitalHidden: $1) }
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
