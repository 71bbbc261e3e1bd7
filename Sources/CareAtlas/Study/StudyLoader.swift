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
    let spec: StudySpec
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

    init(spec: StudySpec, progress: @escaping StudyLoader.Progress) {
        self.spec = spec
        self.progress = progress
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

    mutating func build() throws -> StudyModel {
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
        progress("joining population, groupings and patients")
        joinPopulation()
        linkHierarchy()
        joinGroupings()
        readPatients()
        progress("reading institutions")
        readInstitutions()
        readFlows()
        checkCountTotals()
        progress("computing adjacency")
        let adjacency = computeAdjacency()
        noteLayersThatAreNotNoded()
        aggregate()
        let groups = buildGroups()
        let anchorIndex = resolveAnchor()
        if d.hasErrors { throw StudyLoadError(diagnostics: d.sorted) }
        var model = StudyModel(
            spec: spec, crs: crs, crsReason: crsReason, areas: areas, adjacency: adjacency,
            institutions: institutions, anchorIndex: anchorIndex, outside: outside, flows: flows, groups: groups,
            diagnostics: d.sorted, totalPatients: totalPatients)
        model.recordMatches = recordMatches
        return model
    }
}
