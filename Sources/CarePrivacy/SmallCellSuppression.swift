import CareAtlas

/// The suppression rules of the small-cell policy: one line, nested totals, liaison lists.
extension SmallCellPolicy {
    /// Which cells of one line to hide so that neither a cell nor the line's shown total reveals a
    /// count below `minCell`.
    ///
    /// Primary: every cell 1 … minCell−1. Secondary, when the total is shown: if exactly one cell is
    /// hidden, the smallest other non-zero cell is hidden as well (otherwise total − shown cells
    /// would give the hidden one back). Ties go to the earliest cell, so the choice is deterministic.
    ///
    /// - Returns: one flag per cell, true where the cell must be shown as ``suppressedLabel``.
    public func suppressionMask(_ cells: [Int], totalShown: Bool) -> [Bool] {
        guard isSuppressing else { return cells.map { _ in false } }
        var mask = cells.map(isSmall)
        if totalShown, mask.filter({ $0 }).count == 1 {
            let candidate = cells.indices.filter { !mask[$0] && cells[$0] > 0 }
                .min { (cells[$0], $0) < (cells[$1], $1) }
            if let c = candidate { mask[c] = true }
        }
        return mask
    }

    /// Which totals of a sequence to hide so that no difference between two shown figures is a
    /// small count: each value is shown only when it is not small itself and differs by 0 or by at
    /// least `minCell` from every figure already shown (`alreadyShown`, e.g. 0 and the grand total,
    /// and the earlier shown values). Used for nested regions (stages, catchments, frontiers),
    /// where the difference of two totals is the count of the areas added.
    public func differenceMask(_ values: [Int], alreadyShown: [Int]) -> [Bool] {
        guard isSuppressing else { return values.map { _ in false } }
        var shown = alreadyShown
        return values.map { v in
            let hidden = isSmall(v) || shown.contains { isSmall(abs(v - $0)) }
            if !hidden { shown.append(v) }
            return hidden
        }
    }
}

extension SmallCellPolicy {
    /// A liaison list in the order and with the rank it may be published.
    ///
    /// Without suppression: the list as built (wards by shared patients, then rank), with the rank.
    /// With suppression, a rank or a position by shared patients orders the hidden counts (an
    /// inequality an attacker can combine with other outputs), so the list is published by ward
    /// code, then by band — "10+" (at least `minCell` shared patients) before "<10" — then by name
    /// and id, and the band stands in the rank column. The team still sees, per ward, which
    /// partners share many patients.
    public func publishedLiaison(_ entries: [LiaisonEntry]) -> [(entry: LiaisonEntry, rank: String)] {
        guard isSuppressing else { return entries.map { ($0, String($0.rank)) } }
        let large = "\(minCell)+"
        return entries.map { ($0, $0.sharedPatients >= minCell ? large : suppressedLabel) }
            .sorted { a, b in
                let ka = (a.entry.wardCode, a.rank == large ? 0 : 1, a.entry.name, a.entry.id)
                let kb = (b.entry.wardCode, b.rank == large ? 0 : 1, b.entry.name, b.entry.id)
                return ka < kb
            }
    }
}
