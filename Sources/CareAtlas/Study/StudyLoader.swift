import CareFormats
import CareGeometry
import Foundation

/// Loads a study: reads every input the study file names, validates everything (listing every
/// problem, each with its file and line or feature), and builds the ``StudyModel``.
public enum StudyLoader {
    /// Progress messages (for a terminal); called with short English phrases.
    public typealias Progress = @Sendable (String) -> Void

    /// Loads the study at `url`.
    ///
    /// - Throws: ``StudyLoadError`` carrying every diagnostic when any error was found.
    public static func load(_ url: URL, progress: @escaping Progress = { _ in }) throws -> StudyModel {
        let (spec, diagnostics) = StudyFileParser.parse(contentsOf: url)
        guard let spec else { throw StudyLoadError(diagnostics: diagnostics.sorted) }
        var builder = ModelBuilder(spec: spec, progress: progress)
        builder.d.append(contentsOf: diagnostics)
        return try builder.build()
    }
}

/// The state of one load. Each step reads inputs and records diagnostics; the final step refuses
/// to build a model when there are errors.
struct ModelBuilder {
    var spec: StudySpec
    let progress: StudyLoader.Progress
    var d = Diagnostics()
    var raw: [RawArea] = []
    var crs: CRS = .wgs84
    var crsReason = ""
    var areas: [AreaLevel: [Area]] = [:]
    var institutions: [Institution] = []
    var outside = OutsideBucket()
    var recordMatches: [StudyModel.RecordMatchCount] = []
    var flows: [PatientFlow] = []
    var totalPatients = 0
    /// The converted tables (registries, spreadsheets) being read on other threads.
    var convertedTables: ConvertedTables?
    /// GEOS or PROJ could not be loaded while projecting: the first file it hit, what failed, how
    /// many features or rows, and the error. Reported once (``stopOnLibraryFailure()``).
    var libraryFailure: (file: String, what: String, count: Int, error: GeometryError)?

    init(spec: StudySpec, progress: @escaping StudyLoader.Progress) {
        self.spec = spec
        self.progress = progress
    }

    /// Counts one feature or row that failed because GEOS or PROJ could not be loaded.
    mutating func noteLibraryFailure(_ file: String, _ what: String, _ error: GeometryError) {
        if let f = libraryFailure {
            libraryFailure = (f.file, f.what, f.count + 1, f.error)
        } else {
            libraryFailure = (file, what, 1, error)
        }
    }

    /// When a library could not be loaded, stops the load with one error saying so (every
    /// feature after the first failed the same way, and the joins after would only add noise).
    mutating func stopOnLibraryFailure() throws {
        guard let f = libraryFailure else { return }
        d.error(f.file, "", "\(f.count) \(f.what): \(f.error)")
        throw StudyLoadError(diagnostics: d.sorted)
    }

    /// The path shown in diagnostics: relative to the study file's folder when inside it.
    func display(_ url: URL) -> String {
        let base = spec.file.deletingLastPathComponent().standardizedFileURL.path
        let path = url.standardizedFileURL.path
        return path.hasPrefix(base + "/") ? String(path.dropFirst(base.count + 1)) : url.lastPathComponent
    }

    /// Reads every table the study names, reporting format problems only.
    mutating func checkTablesOnly() {
        for p in spec.population {
            _ = openTable(p.file, p.encoding, columns: [p.idField] + p.columns.values.sorted(), what: "population")
        }
        if let p = spec.patients, p.records == nil {
            _ = openTable(p.file, p.encoding, columns: [p.codeField, p.countField], what: "patients")
        }
        for g in spec.groupings { _ = openTable(g.file, g.encoding, columns: [g.codeField, g.groupField], what: "grouping") }
        for i in spec.institutions where !["geojson", "json"].contains(i.file.pathExtension.lowercased()) {
            _ = openTable(i.file, i.encoding, columns: [i.idField, i.nameField], what: "institutions")
        }
    }

    /// States which areas the population-based analyses cover, at the level the analyses use
    /// (municipalities when the study has them, else its coarsest level).
    mutating func noteCoverage() {
        let levels = AreaLevel.allCases.filter { areas[$0] != nil }
        guard let level = levels.contains(.municipality) ? .municipality : levels.last else { return }
        // Only incomplete coverage is a note (the report states complete coverage too).
        for line in DataCoverage(areas: areas, level: level).statements where !line.contains(" cover all ") {
            d.note("study", "", "coverage: " + line)
        }
    }

    /// The coverage of each institution source: `covers:` as declared, else a registry's
    /// `prefectures:`, else the whole study; one note per source that leaves areas out.
    mutating func institutionCoverage() -> [InstitutionCoverage] {
        let levels = AreaLevel.allCases.filter { areas[$0] != nil }
        let level = levels.contains(.municipality) ? AreaLevel.municipality : levels.last
        return spec.institutions.map { layer in
            let source = display(layer.file)
            let kinds = Set(institutions.filter { $0.source == source }.map(\.kind)).sorted()
            let prefectures = spec.fileOptions[layer.file]?.prefectures ?? []
            let covers = layer.covers.isEmpty ? prefectures : layer.covers
            let basis = !layer.covers.isEmpty ? "declared (covers:)" : !prefectures.isEmpty ? "inferred from prefectures:" : "whole study (no covers:)"
            let entries = covers.map { $0.count >= 5 && $0.allSatisfy(\.isNumber) ? AreaCodes.normalizeAreaID($0) : $0 }
            var uncovered: [AreaLevel: Set<String>] = [:]
            var unknown = Set(entries)
            var coveredAbove = Set<String>()  // covered ids of the next coarser level
            for lv in levels.reversed() {  // coarsest first: an area inside a covered area is covered
                var out = Set<String>(), covered = Set<String>()
                for a in areas[lv] ?? [] {
                    let hit = entries.first { e in a.id.hasPrefix(e) || a.groups.values.contains(e) }
                    if let hit { unknown.remove(hit) }
                    if entries.isEmpty || hit != nil || a.parentID.map(coveredAbove.contains) == true { covered.insert(a.id) } else { out.insert(a.id) }
                }
                uncovered[lv] = out
                coveredAbove = covered
            }
            for e in unknown.sorted() {
                d.warning(source, "", "covers: \"\(e)\" matches no area code or group of the study",
                          fix: "give area codes or code prefixes (e.g. \"13\" for Tokyo) or group names of the study's groupings")
            }
            if let level, let out = uncovered[level], !out.isEmpty {
                let n = areas[level]?.count ?? 0
                d.note(source, "", "coverage: \(kinds.joined(separator: ", ")) cover \(n - out.count) of \(n) \(level.rawValue) areas (\(basis) \(covers.joined(separator: ", "))); "
                    + "access and gaps of these kinds are no data in the other \(out.count)")
            }
            return InstitutionCoverage(source: source, kinds: kinds, covers: covers, basis: basis, uncovered: uncovered)
        }
    }

    /// Reads every year of `planning.sensitivity.years` as `patients:` is read (the table's file
    /// and/or filter replaced), on a copy of the builder taken before any patient is placed; its
    /// diagnostics come back prefixed with the year's label.
    mutating func readPatientYears() -> [PatientYear] {
        guard let years = spec.planning?.sensitivity?.years, !years.isEmpty else { return [] }
        guard let base = spec.patients, base.records == nil else {
            d.error("study", "", "planning.sensitivity.years needs a patients: table of counts (code, count)",
                    fix: "give patients: as a table of counts, or leave years: out")
            return []
        }
        return years.compactMap { y in
            var copy = self
            copy.d = Diagnostics()
            var p = base
            if let f = y.file { p.file = f }
            if let f = y.filter { p.filter = f }
            copy.spec.patients = p
            copy.readPatients()
            copy.aggregate()
            for item in copy.d.items {
                let message = "planning.sensitivity.years \(y.label): " + item.message
                switch item.severity {
                case .error: d.error(item.file, item.location, message, fix: item.fix)
                case .warning: d.warning(item.file, item.location, message, fix: item.fix)
                case .note: d.note(item.file, item.location, message, fix: item.fix)
                }
            }
            if copy.d.hasErrors { return nil }
            return PatientYear(label: y.label, patients: copy.areas.mapValues { list in
                Dictionary(uniqueKeysWithValues: list.compactMap { a in a.patients.map { (a.id, $0) } })
            }, outside: copy.outside,
                               totalPatients: copy.totalPatients)
        }
    }

    mutating func build() throws -> StudyModel {
        // Every study's areas need GEOS (bound at first use): without it, stop here with one
        // error rather than one per feature.
        if let failure = GeometryError.geosLoadFailure() {
            d.error(spec.file.lastPathComponent, "", "the study's areas cannot be read: \(failure)")
            throw StudyLoadError(diagnostics: d.sorted)
        }
        startConvertedTables()
        progress("reading area layers")
        readAreaLayers()
        if d.hasErrors || raw.isEmpty {
            // Joins against incomplete areas would only add follow-on noise: check the other
            // inputs' format (every problem at once) and stop.
            checkTablesOnly()
            throw StudyLoadError(diagnostics: d.sorted)
        }
        chooseCRS()
        progress("projecting areas to \(crs)")
        projectAreas()
        try stopOnLibraryFailure()
        progress("joining population, groupings and patients")
        joinPopulation()
        linkHierarchy()
        joinGroupings()
        let years = readPatientYears()
        readPatients()
        progress("reading institutions")
        readInstitutions()
        try stopOnLibraryFailure()
        readFlows()
        checkCountTotals()
        progress("computing adjacency")
        let adjacency = computeAdjacency()
        noteLayersThatAreNotNoded()
        aggregate()
        let labelNotes = AreaLabels.disambiguate(&areas)
        for note in labelNotes { d.note("study", "", "labels: " + note) }
        noteCoverage()
        let coverage = institutionCoverage()
        let groups = buildGroups()
        let anchorIndex = resolveAnchor()
        if d.hasErrors { throw StudyLoadError(diagnostics: d.sorted) }
        var model = StudyModel(
            spec: spec, crs: crs, crsReason: crsReason, areas: areas, adjacency: adjacency,
            institutions: institutions, anchorIndex: anchorIndex, outside: outside, flows: flows, groups: groups,
            diagnostics: d.sorted, totalPatients: totalPatients)
        model.recordMatches = recordMatches
        model.labelNotes = labelNotes
        model.institutionCoverage = coverage
        model.patientYears = years
        return model
    }
}
