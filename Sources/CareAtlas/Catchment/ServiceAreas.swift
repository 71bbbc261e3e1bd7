// Plurality service areas: each origin belongs to the hospital that treats most of its patients.
//
// Wennberg, J. E. & Cooper, M. M. (eds.) (1996). The Dartmouth Atlas of Health Care. American
// Hospital Publishing (hospital service areas by the plurality rule). Klauss, G., Staub, L.,
// Widmer, M. & Busato, A. (2005). Hospital service areas – a new tool for health care planning in
// Switzerland. BMC Health Services Research 5:33 (localization and market share indices).

/// One row of a long-form patient-flow table: patients living in an origin treated at a hospital.
public struct PatientFlow: Sendable, Hashable {
    public let originID: String
    public let hospitalID: String
    public let patients: Int
    /// Where the row came from, for diagnostics ("line 12"); "row n" (1-based position in the
    /// array) when empty.
    public let location: String

    public init(originID: String, hospitalID: String, patients: Int, location: String = "") {
        self.originID = originID
        self.hospitalID = hospitalID
        self.patients = patients
        self.location = location
    }
}

/// Plurality service areas of a patient-flow table (the Dartmouth Atlas HSA rule), with the
/// localization, market share and plurality-share (relevance) indices.
///
/// Notation: nᵢₕ patients living in origin i treated at hospital h; Tᵢ = Σₕ nᵢₕ the origin's
/// patients; Nₕ = Σᵢ nᵢₕ the hospital's patients.
///
/// **Assignment.** Each origin with Tᵢ > 0 is assigned to a(i) = argmaxₕ nᵢₕ, the hospital
/// treating the plurality of its patients (Wennberg & Cooper 1996). Ties are broken
/// deterministically: the tied hospital with the larger total Nₕ, then the lexicographically
/// smaller id. Origins with Tᵢ = 0 (rows of zero patients only, or listed in `originIDs` without
/// rows) are unassigned. The service area of h is Sₕ = {i : a(i) = h}. Unlike the Dartmouth
/// Atlas, hospitals are not grouped by town and no contiguity adjustment is made: every hospital is
/// its own candidate area, and an area may be non-contiguous.
///
/// **Per origin**, the plurality share (called a relevance index here)
///
///     Rᵢ = nᵢ,ₐ₍ᵢ₎ / Tᵢ
///
/// the share of the origin's patients treated at its assigned hospital; Rᵢ ≥ 1 / (number of
/// hospitals it sends patients to), and Rᵢ close to it flags an origin whose assignment is fragile.
///
/// **Per service area** (Klauss et al. 2005; Matter-Walstra et al. 2006, BMC Health Services
/// Research 6:119):
///
///     local patients      Lₕ   = Σ_{i∈Sₕ} nᵢₕ
///     resident patients   Rsₕ  = Σ_{i∈Sₕ} Tᵢ
///     localization index  LIₕ  = Lₕ / Rsₕ   — share of the area's residents' patients treated by
///                                             its own hospital (the demand view)
///     market share index  MSIₕ = Lₕ / Nₕ    — share of the hospital's patients who live in its
///                                             service area (the supply view; also called a
///                                             commitment index)
///     net index           NIₕ  = (Nₕ − Lₕ) / (Rsₕ − Lₕ) — incoming non-residents per resident
///                                             treated elsewhere (> 1: a net importer)
///
/// LI is nil for a hospital with an empty service area, MSI for a hospital without patients, and
/// NI when no resident is treated elsewhere.
///
/// **Diagnostics** (errors; the row is left out of every count): negative counts, empty ids, and —
/// when `originIDs` or `hospitalIDs` is given — ids not in those lists. Rows repeating an
/// origin–hospital pair are summed, with a note. Callers should stop on errors as the study
/// loader does.
///
/// Results are sorted by id. A value type: safe to share between threads.
public struct ServiceAreas: Sendable, Hashable {
    /// One origin's assignment.
    public struct Origin: Sendable, Hashable {
        public let id: String
        /// Tᵢ.
        public let patients: Int
        /// a(i); nil when the origin has no patients (unassigned).
        public let hospitalID: String?
        /// nᵢ,ₐ₍ᵢ₎; 0 when unassigned.
        public let patientsAtHospital: Int
        /// Rᵢ = nᵢ,ₐ₍ᵢ₎ / Tᵢ; nil when unassigned.
        public let relevanceIndex: Double?
        /// The other hospitals with the same plurality count, which lost the tie-break, sorted.
        public let tiedHospitalIDs: [String]

        public var isAssigned: Bool { hospitalID != nil }
    }

    /// One hospital and its service area.
    public struct Area: Sendable, Hashable {
        public let hospitalID: String
        /// Sₕ, sorted; empty when the hospital wins no origin.
        public let originIDs: [String]
        /// Rsₕ = Σ_{i∈Sₕ} Tᵢ.
        public let residentPatients: Int
        /// Lₕ = Σ_{i∈Sₕ} nᵢₕ.
        public let localPatients: Int
        /// Nₕ = Σᵢ nᵢₕ.
        public let hospitalPatients: Int
        /// LIₕ = Lₕ / Rsₕ; nil when the service area is empty.
        public let localizationIndex: Double?
        /// MSIₕ = Lₕ / Nₕ; nil when the hospital has no patients.
        public let marketShareIndex: Double?
        /// NIₕ = (Nₕ − Lₕ) / (Rsₕ − Lₕ); nil when Rsₕ = Lₕ.
        public let netIndex: Double?
    }

    /// Every origin (from the rows and from `originIDs`), sorted by id.
    public let origins: [Origin]
    /// Every hospital (from the rows and from `hospitalIDs`), sorted by id.
    public let areas: [Area]
    /// Σ nᵢₕ over the rows kept.
    public let totalPatients: Int
    /// Σₕ Lₕ / Σᵢ Tᵢ: the share of all patients treated in their own service area; nil without patients.
    public let overallLocalizationIndex: Double?
    /// Problems with the rows, sorted.
    public let diagnostics: [Diagnostic]

    /// Assigns origins to hospitals by the plurality rule.
    ///
    /// - Parameters:
    ///   - flows: the flow table, one row per origin × hospital (repeated pairs are summed).
    ///   - originIDs: the known origins, when known: rows of other origins are errors, and listed
    ///     origins without rows are reported as unassigned.
    ///   - hospitalIDs: the known hospitals, when known: rows of other hospitals are errors, and
    ///     listed hospitals without rows get an empty area.
    ///   - source: the name of the flow table in diagnostics.
    public init(flows: [PatientFlow], originIDs: [String]? = nil, hospitalIDs: [String]? = nil, source: String = "flows") {
        var diagnostics = Diagnostics()
        let knownOrigins = originIDs.map(Set.init)
        let knownHospitals = hospitalIDs.map(Set.init)
        // (origin, hospital) → patients, and where each pair was first seen.
        var counts: [String: [String: Int]] = [:]
        var firstRow: [String: [String: String]] = [:]
        var hospitalTotals: [String: Int] = [:]
        for (index, row) in flows.enumerated() {
            let location = row.location.isEmpty ? "row \(index + 1)" : row.location
            var ok = true
            if row.originID.isEmpty {
                diagnostics.error(source, location, "the origin id is empty", fix: "give every row an origin code")
                ok = false
            } else if let known = knownOrigins, !known.contains(row.originID) {
                diagnostics.error(source, location, "unknown origin '\(row.originID)'", fix: "use a code of the study's areas")
                ok = false
            }
            if row.hospitalID.isEmpty {
                diagnostics.error(source, location, "the hospital id is empty", fix: "give every row a hospital id")
                ok = false
            } else if let known = knownHospitals, !known.contains(row.hospitalID) {
                diagnostics.error(source, location, "unknown hospital '\(row.hospitalID)'", fix: "use an id of the study's institutions")
                ok = false
            }
            if row.patients < 0 {
                diagnostics.error(source, location, "negative patient count \(row.patients)", fix: "patient counts must be ≥ 0")
                ok = false
            }
            guard ok else { continue }
            if let earlier = firstRow[row.originID]?[row.hospitalID] {
                diagnostics.note(source, location,
                    "origin '\(row.originID)' → hospital '\(row.hospitalID)' repeats \(earlier); the patients are summed")
            } else {
                firstRow[row.originID, default: [:]][row.hospitalID] = location
            }
            counts[row.originID, default: [:]][row.hospitalID, default: 0] += row.patients
            hospitalTotals[row.hospitalID, default: 0] += row.patients
        }

        var allOrigins = Set(counts.keys)
        allOrigins.formUnion(originIDs ?? [])
        var allHospitals = Set(hospitalTotals.keys)
        allHospitals.formUnion(hospitalIDs ?? [])

        var origins: [Origin] = []
        var members: [String: [String]] = [:]
        var resident: [String: Int] = [:]
        var local: [String: Int] = [:]
        for id in allOrigins.sorted() {
            let row = counts[id] ?? [:]
            let total = row.values.reduce(0, +)
            guard total > 0, let top = row.values.max() else {
                origins.append(Origin(id: id, patients: 0, hospitalID: nil, patientsAtHospital: 0, relevanceIndex: nil, tiedHospitalIDs: []))
                continue
            }
            let tied = row.filter { $0.value == top }.map(\.key).sorted { a, b in
                let (ta, tb) = (hospitalTotals[a] ?? 0, hospitalTotals[b] ?? 0)
                return ta != tb ? ta > tb : a < b
            }
            let winner = tied[0]
            origins.append(Origin(
                id: id, patients: total, hospitalID: winner, patientsAtHospital: top,
                relevanceIndex: Double(top) / Double(total), tiedHospitalIDs: tied.dropFirst().sorted()))
            members[winner, default: []].append(id)
            resident[winner, default: 0] += total
            local[winner, default: 0] += top
        }

        self.areas = allHospitals.sorted().map { h in
            let l = local[h] ?? 0, rs = resident[h] ?? 0, n = hospitalTotals[h] ?? 0
            return Area(
                hospitalID: h, originIDs: members[h] ?? [], residentPatients: rs, localPatients: l,
                hospitalPatients: n,
                localizationIndex: rs > 0 ? Double(l) / Double(rs) : nil,
                marketShareIndex: n > 0 ? Double(l) / Double(n) : nil,
                netIndex: rs > l ? Double(n - l) / Double(rs - l) : nil)
        }
        self.origins = origins
        let total = hospitalTotals.values.reduce(0, +)
        self.totalPatients = total
        self.overallLocalizationIndex = total > 0 ? Double(local.values.reduce(0, +)) / Double(total) : nil
        self.diagnostics = diagnostics.sorted
    }

    /// The origin with `id`, or nil.
    public func origin(_ id: String) -> Origin? {
        HuffModel.sortedIndex(origins, id, \.id).map { origins[$0] }
    }

    /// The service area of hospital `id`, or nil.
    public func area(_ id: String) -> Area? {
        HuffModel.sortedIndex(areas, id, \.hospitalID).map { areas[$0] }
    }

    /// Origins with no patients.
    public var unassignedOriginIDs: [String] { origins.filter { !$0.isAssigned }.map(\.id) }
}
