import CareGeometry
import Foundation

/// GEOS and PROJ failures inside analyses, reported with the layer file, the features and the
/// operation (issue 14): a ``GeometryError`` raised by a union, a ring, a Voronoi cell or a
/// reprojection becomes an ``AnalysisError`` that names what was being computed, on which file and
/// which areas or institutions, and what to do. The analysis is then unavailable with that reason
/// (``Availability``), and a command whose main output it is exits 1 with it.
extension StudyModel {
    /// The file of an area layer as the study names it (the layer's name when the study has none).
    public func file(ofLayer layer: String) -> String {
        guard let file = spec.areas.first(where: { $0.name == layer })?.file else { return layer }
        let base = spec.file.deletingLastPathComponent().standardizedFileURL.path
        let path = file.standardizedFileURL.path
        return path.hasPrefix(base + "/") ? String(path.dropFirst(base.count + 1)) : file.lastPathComponent
    }

    /// Runs the geometry operation `operation` (English, e.g. "the union of the 75 % catchment")
    /// over `areas` and `institutions`; a GEOS or PROJ failure becomes an ``AnalysisError`` naming
    /// the operation, the files and features involved (the culprits alone when single features
    /// can be told apart: an area GEOS finds invalid or fails on by itself) and the fix.
    public func geometryStep<T>(
        _ operation: String, areas: [Area] = [], institutions: [Institution] = [], _ body: () throws -> T
    ) throws -> T {
        do { return try body() } catch let error as GeometryError {
            throw geometryFailure(operation, error, areas: areas, institutions: institutions)
        }
    }

    /// The error of a failed geometry operation over some areas and institutions.
    public func geometryFailure(_ operation: String, _ error: GeometryError, areas: [Area], institutions: [Institution]) -> AnalysisError {
        // Single areas that GEOS finds invalid or cannot dissolve by themselves are the culprits.
        var culprits: [(Area, String)] = []
        if areas.count > 1 {
            for a in areas {
                do {
                    if let reason = try a.geometry.invalidityReason() { culprits.append((a, "invalid: \(reason)")) } else { _ = try a.geometry.unaryUnion() }
                } catch {
                    culprits.append((a, "\(error)"))
                }
            }
        }
        var parts: [String] = []
        if !culprits.isEmpty {
            parts += Self.grouped(culprits.map(\.0), file: file(ofLayer:)).map { file, list in
                "\(file): " + list.map { a in "area \(a.id) \(a.name) (\(culprits.first { $0.0 == a }!.1))" }.joined(separator: ", ")
            }
        } else if !areas.isEmpty {
            parts += Self.grouped(areas, file: file(ofLayer:)).map { file, list in
                let shown = list.prefix(Self.shownFeatures).map { "\($0.id) \($0.name)" }.joined(separator: ", ")
                let more = list.count > Self.shownFeatures ? " and \(list.count - Self.shownFeatures) more" : ""
                return "\(file): \(list.count == 1 ? "area" : "areas") \(shown)\(more)"
            }
        }
        if !institutions.isEmpty {
            let bySource = Dictionary(grouping: institutions, by: \.source)
            parts += bySource.keys.sorted().map { source in
                let list = bySource[source]!.sorted { $0.line < $1.line }
                let shown = list.prefix(Self.shownFeatures).map { "line \($0.line) (\($0.id) \($0.name))" }.joined(separator: ", ")
                let more = list.count > Self.shownFeatures ? " and \(list.count - Self.shownFeatures) more" : ""
                return "\(source): \(shown)\(more)"
            }
        }
        let fix: String
        switch error {
        case .proj: fix = Self.coordinateFix
        case .geos, .invalidInput: fix = Self.geometryRepairFix
        }
        let on = parts.isEmpty ? "" : " on " + parts.joined(separator: "; ")
        return AnalysisError("\(operation) failed\(on): \(error)", fix: fix)
    }

    static let shownFeatures = 5

    /// The fix of a GEOS failure on some features.
    public static let geometryRepairFix =
        "check these features with careatlas inspect FILE (invalid geometries are listed with GEOS's reason) and repair them, e.g. QGIS Vector › Geometry Tools › Fix geometries, or mapshaper -clean"
    /// The fix of a PROJ failure on some features.
    public static let coordinateFix =
        "check that the coordinates of these features are in the CRS their file declares (swapped or shifted columns, degrees in a metric CRS)"

    /// Areas grouped by the file of their layer, files in order, areas by id.
    static func grouped(_ areas: [Area], file: (String) -> String) -> [(String, [Area])] {
        let byFile = Dictionary(grouping: areas) { file($0.layer) }
        return byFile.keys.sorted().map { ($0, byFile[$0]!.sorted { $0.id < $1.id }) }
    }
}
