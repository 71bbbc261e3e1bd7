import CareFormats
import CareGeometry
import Foundation

/// An area as read, before projection.
struct RawArea {
    var id: String
    var name: String
    var nameEnglish: String?
    var level: AreaLevel
    var layer: String
    var parent: String?
    var geometry: Geometry  // in `crs`
    var crs: CRS
    var file: String
    var feature: Int
}

extension ModelBuilder {
    mutating func readAreaLayers() {
        for layerSpec in spec.areas {
            let file = display(layerSpec.file)
            progress("reading \(file)")
            guard let layer = readAreaFeatures(layerSpec) else { continue }  // GeoJSON, or GDAL formats
            if layer.features.isEmpty {
                d.error(file, "", "has no features", fix: "check that it is the right boundary file")
                continue
            }
            let firstProps = layer.features[0].properties
            var missingField = false
            let labelFields = layerSpec.nameFields.isEmpty ? [layerSpec.nameField] : layerSpec.nameFields
            for field in [layerSpec.idField] + labelFields + [layerSpec.nameEnglishField, layerSpec.parentField].compactMap({ $0 })
            where firstProps[field] == nil {
                d.error(file, "feature 0", "has no property \"\(field)\"",
                        fix: "properties are: \(firstProps.keys.joined(separator: ", ")); fix the study file's areas entry")
                missingField = true
            }
            if missingField { continue }
            var dropped: [String: Int] = [:]
            var byID: [String: Int] = [:]
            for (index, feature) in layer.features.enumerated() {
                let location = "feature \(index)"
                let idValue = feature.properties[layerSpec.idField].flatMap(Self.text)
                let name = labelFields.compactMap { feature.properties[$0].flatMap(Self.text) }.joined()
                let nameEnglish = layerSpec.nameEnglishField.flatMap { feature.properties[$0] }.flatMap(Self.text)
                if let rule = layerSpec.dropWhere.first(where: { field, values in
                    feature.properties[field].flatMap(Self.text).map(values.contains) ?? false
                }) {
                    dropped["\(rule.key) in \(rule.value)", default: 0] += 1
                    continue
                }
                guard let rawID = idValue, !rawID.isEmpty else {
                    if layerSpec.dropNullIds {
                        dropped["null \(layerSpec.idField)\(name.isEmpty ? "" : " (\(name))")", default: 0] += 1
                    } else {
                        d.error(file, location, "has no \(layerSpec.idField)",
                                fix: "fill the code, or set drop_null_ids: true to drop such features")
                    }
                    continue
                }
                let id = AreaCodes.normalizeAreaID(rawID)
                guard var geometry = feature.geometry, !geometry.polygons.isEmpty else {
                    d.error(file, location, "area \(id) \(name) has no polygon geometry",
                            fix: "areas must be Polygon or MultiPolygon features")
                    continue
                }
                if refuseOverVertexBudget(geometry, id: id, name: name, file: file, location: location) { continue }
                if let reason = try? geometry.invalidityReason() {
                    if let repaired = try? geometry.makeValid(), !repaired.polygons.isEmpty {
                        d.warning(file, location, "area \(id) \(name) has an invalid geometry (\(reason)); repaired with makeValid",
                                  fix: "fix the boundary in QGIS (Vector › Geometry Tools › Fix Geometries) to silence this")
                        geometry = .multiPolygon(MultiPolygon(repaired.polygons))
                    } else {
                        d.error(file, location, "area \(id) \(name) has an invalid geometry (\(reason)) that cannot be repaired")
                        continue
                    }
                }
                let parent = layerSpec.parentField.flatMap { feature.properties[$0] }.flatMap(Self.text)
                    .map(AreaCodes.normalizeAreaID)
                if let previous = byID[id] {
                    if layerSpec.mergeDuplicateIds {
                        raw[previous].geometry = .multiPolygon(MultiPolygon(raw[previous].geometry.polygons + geometry.polygons))
                        continue
                    }
                    d.error(file, location, "duplicate id \(id) (also feature \(raw[previous].feature))",
                            fix: "ids must be unique; set merge_duplicate_ids: true if the rows are parts of one area")
                    continue
                }
                byID[id] = raw.count
                raw.append(RawArea(id: id, name: name, nameEnglish: nameEnglish, level: layerSpec.level, layer: layerSpec.name, parent: parent,
                                   geometry: geometry, crs: layer.crs, file: file, feature: index))
            }
            for (rule, count) in dropped.sorted(by: { $0.key < $1.key }) {
                d.note(file, "", "dropped \(count) feature\(count == 1 ? "" : "s") with \(rule)")
            }
        }
        // The same id at the same level from two layers is a duplicate too.
        var seen: [String: RawArea] = [:]
        for a in raw {
            let key = "\(a.level.rawValue)/\(a.id)"
            if let first = seen[key], first.layer != a.layer {
                d.error(a.file, "feature \(a.feature)", "id \(a.id) also appears in \(first.file) feature \(first.feature)",
                        fix: "each area must appear in one layer only")
            } else {
                seen[key] = a
            }
        }
    }

    /// One diagnostic per problem of a GeoJSON file, each with its feature and JSON path.
    mutating func reportGeoJSONError(_ error: Error, file: String, url: URL) {
        guard let e = error as? GeoJSONError else {
            d.error(file, "", "cannot be read as GeoJSON: \(String(describing: error).replacingOccurrences(of: url.path, with: file))")
            return
        }
        for p in e.problems {
            var location: [String] = []
            if let f = p.featureIndex { location.append("feature \(f)") }
            if let line = p.line, let column = p.column { location.append("line \(line), column \(column)") }
            d.error(file, location.joined(separator: ", "), "\(p.path): \(p.message.replacingOccurrences(of: url.path, with: file))", fix: p.hint ?? "")
        }
    }

    /// A property value as text: strings trimmed, integral numbers without a decimal point.
    static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let s): return s.trimmingCharacters(in: .whitespaces)
        case .number(let n):
            if n == n.rounded(), abs(n) < 1e15 { return String(Int64(n)) }
            return String(n)
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }

    mutating func chooseCRS() {
        if let fixed = spec.crs {
            crs = fixed
            crsReason = "set in the study file"
            return
        }
        var extent: Envelope? = nil
        for group in Dictionary(grouping: raw.indices, by: { raw[$0].crs }) {
            var box: Envelope? = nil
            for i in group.value { if let b = raw[i].geometry.boundingBox { box = box.map { var e = $0; e.expand(toInclude: b); return e } ?? b } }
            guard var b = box else { continue }
            if !Self.isGeographic(group.key) {
                guard let t = try? CoordinateTransform(from: group.key, to: .wgs84),
                    let corners = try? [Coordinate(x: b.minX, y: b.minY), Coordinate(x: b.maxX, y: b.maxY)].map(t.transform)
                else { continue }
                b = Envelope(corners[0]); b.expand(toInclude: corners[1])
            }
            extent = extent.map { var e = $0; e.expand(toInclude: b); return e } ?? b
        }
        // A study that reaches far islands (Tokyo's 小笠原) is still centred where most areas are:
        // use the median point of the areas for the choice.
        let choice = MetricCRS.choose(forLonLatExtent: medianExtent() ?? extent ?? Envelope(Coordinate(x: 0, y: 0)))
        crs = choice.crs
        crsReason = choice.reason
    }

    /// A tiny envelope at the median of the areas' bounding-box centres in lon/lat.
    private func medianExtent() -> Envelope? {
        var centres: [Coordinate] = []
        for group in Dictionary(grouping: raw.indices, by: { raw[$0].crs }) {
            var points = group.value.compactMap { raw[$0].geometry.boundingBox?.center }
            if !Self.isGeographic(group.key) {
                guard let t = try? CoordinateTransform(from: group.key, to: .wgs84), (try? t.transform(&points)) != nil else { continue }
            }
            centres += points
        }
        guard !centres.isEmpty else { return nil }
        let xs = centres.map(\.x).sorted(), ys = centres.map(\.y).sorted()
        return Envelope(Coordinate(x: xs[xs.count / 2], y: ys[ys.count / 2]))
    }

    static func isGeographic(_ crs: CRS) -> Bool {
        crs.isKnownGeographic || ((try? CRSInfo(crs))?.isGeographic ?? false)
    }

    mutating func projectAreas() {
        var transforms: [CRS: CoordinateTransform] = [:]
        var byLevel: [AreaLevel: [Area]] = [:]
        var counter = ProgressCounter("projecting areas: feature", total: raw.count, minimumTotal: 1000, report: progress)
        for (k, a) in raw.enumerated() {
            counter.advance(to: k)
            do {
                let geometry: Geometry
                if a.crs == crs {
                    geometry = a.geometry
                } else {
                    let t = try transforms[a.crs] ?? CoordinateTransform(from: a.crs, to: crs)
                    transforms[a.crs] = t
                    geometry = try t.transform(a.geometry)
                }
                guard let inside = try geometry.pointOnSurface() else {
                    d.error(a.file, "feature \(a.feature)", "area \(a.id) has an empty geometry")
                    continue
                }
                let area = Area(
                    id: a.id, name: a.name, nameEnglish: a.nameEnglish, level: a.level, layer: a.layer, geometry: geometry,
                    areaKm2: try geometry.area() / 1e6, pointOnSurface: inside.coordinate,
                    weightedCentroid: inside.coordinate, population: [:], patients: nil, patientBreakdown: [:],
                    parentID: a.parent, groups: [:], institutionIndices: [])
                byLevel[a.level, default: []].append(area)
            } catch let error as GeometryError where error.isLibraryLoadFailure {
                noteLibraryFailure(a.file, "areas cannot be projected", error)
            } catch {
                d.error(a.file, "feature \(a.feature)", "area \(a.id) cannot be projected to \(crs): \(error)")
            }
        }
        for level in byLevel.keys { byLevel[level]?.sort { $0.id < $1.id } }
        areas = byLevel
    }
}
