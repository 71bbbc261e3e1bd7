import CareFormats
import CareGeometry
import CareRegistries
import Foundation

/// An institution row as read, before projection.
private struct RawInstitution {
    var id, name, kind: String
    var position: Coordinate  // in the layer's CRS
    var capacity: [String: Double]
    var attributes: [String: String]
    var shared: Int?
    var claimedArea: String?
    var file: String
    var line: Int
}

extension ModelBuilder {
    mutating func readInstitutions() {
        var rows: [(RawInstitution, InstitutionLayerSpec)] = []
        for layer in spec.institutions {
            let ext = layer.file.pathExtension.lowercased()
            let read = ext == "geojson" || ext == "json" ? readInstitutionFeatures(layer) : readInstitutionTable(layer)
            rows += read.map { ($0, layer) }
        }
        rows = mergeRegistries(rows)
        // Duplicate ids across all layers.
        var firstSeen: [String: RawInstitution] = [:]
        var unique: [(RawInstitution, InstitutionLayerSpec)] = []
        for (r, layer) in rows {
            if let first = firstSeen[r.id] {
                d.error(r.file, "line \(r.line)", "duplicate institution id \(r.id) (first in \(first.file) line \(first.line))",
                        fix: "institution ids must be unique across all institution layers")
                continue
            }
            firstSeen[r.id] = r
            unique.append((r, layer))
        }
        let plausible = plausibleLonLatExtent()
        var toLonLat: [CRS: CoordinateTransform] = [:]
        var toMetric: [CRS: CoordinateTransform] = [:]
        var result: [Institution] = []
        for (r, layer) in unique {
            let location = "line \(r.line)"
            do {
                var lonLat = r.position
                if !Self.isGeographic(layer.crs) {
                    let t = try toLonLat[layer.crs] ?? CoordinateTransform(from: layer.crs, to: .wgs84)
                    toLonLat[layer.crs] = t
                    lonLat = try t.transform(r.position)
                } else {
                    guard (-180...180).contains(lonLat.x), (-90...90).contains(lonLat.y) else {
                        let swapped = (-180...180).contains(lonLat.y) && (-90...90).contains(lonLat.x)
                        d.error(r.file, location, "institution \(r.id) has lon \(lonLat.x), lat \(lonLat.y), not a valid position",
                                fix: swapped ? "longitude and latitude look swapped: exchange the lon and lat columns" : "check the coordinates")
                        continue
                    }
                }
                if let box = plausible, !box.contains(lonLat) {
                    let swapped = Coordinate(x: lonLat.y, y: lonLat.x)
                    if box.contains(swapped) {
                        d.error(r.file, location, "institution \(r.id) \(r.name) lies at lon \(lonLat.x), lat \(lonLat.y), far outside the study; swapped it would be inside",
                                fix: "longitude and latitude look swapped: exchange the lon and lat columns (or the study's lon:/lat: keys)")
                    } else {
                        d.error(r.file, location, "institution \(r.id) \(r.name) lies at lon \(lonLat.x), lat \(lonLat.y), more than 100 km outside the study areas",
                                fix: "check the coordinates and their CRS")
                    }
                    continue
                }
                let t = try toMetric[layer.crs] ?? CoordinateTransform.borrow(from: layer.crs, to: crs)
                toMetric[layer.crs] = t
                let position = try t.transform(r.position)
                result.append(Institution(
                    id: r.id, name: r.name, kind: r.kind, position: position, lonLat: lonLat, capacity: r.capacity,
                    attributes: r.attributes, sharedPatients: r.shared, source: r.file, line: r.line, areaIDs: [:]))
            } catch let error as GeometryError where error.isLibraryLoadFailure {
                noteLibraryFailure(r.file, "institutions cannot be projected", error)
            } catch {
                d.error(r.file, location, "institution \(r.id) cannot be projected: \(error)")
            }
        }
        for t in toMetric.values { CoordinateTransform.giveBack(t) }
        result.sort { $0.id < $1.id }
        institutions = result
        assignInstitutions(claims: Dictionary(unique.map { ($0.0.id, ($0.0.claimedArea, $0.0.file, $0.0.line)) }, uniquingKeysWith: { a, _ in a }))
    }

    /// The same institution named by two registry sources of the study is kept once: the row of
    /// the layer listed first, with the roles (and a `homecare_*` kind) of the other.
    ///
    /// - Two 厚生局 files (`kouseikyoku_list`, `kouseikyoku_todokede`): the same 9-digit 医療機関コード.
    /// - 医療情報ネット and a 厚生局 file (no shared code): the same name and municipality of the
    ///   address, both normalised (``RegistryMerge``); a name that occurs twice in one municipality on
    ///   either side is not merged and is reported as ambiguous.
    ///
    /// Each pair of files gets one note: how many were merged, why, and examples.
    private mutating func mergeRegistries(_ rows: [(RawInstitution, InstitutionLayerSpec)]) -> [(RawInstitution, InstitutionLayerSpec)] {
        func source(_ layer: InstitutionLayerSpec) -> String? {
            spec.fileOptions[layer.file]?.source.flatMap { StudySources.institutionSources.contains($0) ? $0 : nil }
        }
        let layers = spec.institutions.filter { source($0) != nil }
        guard layers.count > 1 else { return rows }
        func nameKey(_ r: RawInstitution) -> String? {
            guard let address = r.attributes["address"], !address.isEmpty else { return nil }
            return RegistryMerge.normalized(r.name) + "|" + RegistryMerge.municipality(address)
        }
        var result = rows
        var removed = Set<Int>()
        for (b, later) in layers.enumerated() where b > 0 {
            for earlier in layers[..<b] {
                let byCode = source(earlier) != "iryojoho" && source(later) != "iryojoho"
                let keyOf: (RawInstitution) -> String? = byCode ? { $0.id } : nameKey
                var firstIndex: [String: [Int]] = [:], secondIndex: [String: [Int]] = [:]
                for (k, (r, layer)) in result.enumerated() where !removed.contains(k) {
                    guard let key = keyOf(r) else { continue }
                    if layer.file == earlier.file { firstIndex[key, default: []].append(k) }
                    if layer.file == later.file { secondIndex[key, default: []].append(k) }
                }
                var merged: [String] = [], ambiguous: [String] = []
                for key in secondIndex.keys.sorted() {
                    guard let a = firstIndex[key] else { continue }
                    let bs = secondIndex[key]!
                    guard a.count == 1, bs.count == 1 else {
                        ambiguous.append(result[bs[0]].0.name)
                        continue
                    }
                    var keep = result[a[0]].0
                    let other = result[bs[0]].0
                    let roles = [keep.attributes["roles"], other.attributes["roles"]].compactMap { $0 }.filter { !$0.isEmpty }
                    if keep.attributes["roles"] != nil || other.attributes["roles"] != nil {
                        keep.attributes["roles"] = Array(Set(roles.flatMap { $0.split(separator: "・").map(String.init) })).sorted().joined(separator: "・")
                    }
                    if other.kind.hasPrefix("homecare_"), !keep.kind.hasPrefix("homecare_") { keep.kind = other.kind }
                    result[a[0]].0 = keep
                    removed.insert(bs[0])
                    merged.append("\(other.id) → \(keep.id) \(keep.name)")
                }
                guard !merged.isEmpty || !ambiguous.isEmpty else { continue }
                let why = byCode ? "the same 医療機関コード" : "the same name and municipality of the address"
                var note = "merged \(merged.count) institutions into \(display(earlier.file)) (\(why); the first file's row kept, with the roles of both)"
                if !merged.isEmpty { note += ", e.g. \(merged.prefix(3).joined(separator: "; "))" }
                if !ambiguous.isEmpty {
                    note += "; \(ambiguous.count) not merged because the name occurs twice in one municipality (e.g. \(ambiguous.prefix(3).joined(separator: "; ")))"
                }
                d.note(display(later.file), "", note)
            }
        }
        return result.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
    }

    /// The study's lon/lat extent grown by about 100 km (1°): positions beyond it are errors.
    private func plausibleLonLatExtent() -> Envelope? {
        guard let t = try? CoordinateTransform.borrow(from: crs, to: .wgs84) else { return nil }
        defer { CoordinateTransform.giveBack(t) }
        var box: Envelope? = nil
        for list in areas.values { for a in list { if let b = a.geometry.boundingBox { box = box.map { var e = $0; e.expand(toInclude: b); return e } ?? b } } }
        // All four corners: far from the zone's origin (Tokyo's 南鳥島) the projected box is not
        // aligned with meridians, and two corners would miss the highest latitude.
        guard let b = box, let c1 = try? t.transform(Coordinate(x: b.minX, y: b.minY)),
            let c2 = try? t.transform(Coordinate(x: b.maxX, y: b.maxY)),
            let c3 = try? t.transform(Coordinate(x: b.minX, y: b.maxY)),
            let c4 = try? t.transform(Coordinate(x: b.maxX, y: b.minY))
        else { return nil }
        var e = Envelope(c1)
        for c in [c2, c3, c4] { e.expand(toInclude: c) }
        return e.expanded(by: 1)
    }

    /// Distance within which a point outside every area (a coarse coastline, a simplified border)
    /// is given to the nearest area, in metres.
    static let snapToleranceMeters = 1000.0

    /// Assigns each institution to an area at every level.
    ///
    /// The address code (`area_code:` column), when given and known, decides the municipality: it
    /// comes from the address, while boundaries may be simplified. Other levels, and institutions
    /// without a code, are placed by position (GEOS covers on an STR-tree of the areas); a point
    /// outside every area within ``snapToleranceMeters`` of one goes to the nearest. Disagreements
    /// between code and position are reported.
    private mutating func assignInstitutions(claims: [String: (String?, String, Int)]) {
        // Coarse levels first, so that a finer area is only chosen inside the coarser one.
        for level in AreaLevel.allCases.reversed() {
            guard let list = areas[level] else { continue }
            guard let index = try? SpatialIndex(envelopes: list.map { $0.geometry.boundingBox! }) else { continue }
            var prepared: [Int: PreparedGeometry] = [:]
            let parentLevel = self.parentLevel(of: level)
            for (k, inst) in institutions.enumerated() {
                // The containing area one level up, when the institution has one: candidates must lie in it.
                let parent = parentLevel.flatMap { institutions[k].areaIDs[$0] }
                let allowed = { (j: Int) in parent == nil || list[j].parentID == parent }
                let (claimedRaw, file, line) = claims[inst.id] ?? (nil, inst.source, inst.line)
                let claimed = claimedRaw.map(AreaCodes.normalizeAreaID).flatMap { $0.isEmpty ? nil : $0 }
                let point = inst.position
                let covering = index.query(intersecting: Envelope(point)).filter(allowed).first { j in
                    let p = prepared[j] ?? (try? PreparedGeometry(list[j].geometry))
                    prepared[j] = p
                    return (try? p?.covers(point)) == true
                }
                var chosen = covering
                if let code = claimed, let j = areaIndex(code, level) {
                    if chosen != j {
                        let distance = (try? list[j].geometry.distance(to: Point(point))) ?? .infinity
                        let found = chosen.map { "\(list[$0].id) \(list[$0].name)" } ?? "no area"
                        let message = "institution \(inst.id) \(inst.name) is listed in \(code) \(list[j].name) but its position lies in \(found), \(Int(distance.rounded())) m from \(code); the listed area is used"
                        if distance <= Self.snapToleranceMeters {
                            d.note(file, "line \(line)", message)
                        } else {
                            d.warning(file, "line \(line)", message, fix: "check the address code or the coordinates")
                        }
                    }
                    chosen = j
                } else if let code = claimed, level == .municipality {
                    d.warning(file, "line \(line)", "institution \(inst.id) \(inst.name) is listed in area \(code), which is not a municipality of the study; placed by position")
                }
                if chosen == nil {
                    let near = index.query(within: Self.snapToleranceMeters, of: point).filter(allowed)
                        .map { j in (j, (try? list[j].geometry.distance(to: Point(point))) ?? .infinity) }
                        .filter { $0.1 <= Self.snapToleranceMeters }
                        .min { ($0.1, $0.0) < ($1.1, $1.0) }
                    if let (j, distance) = near {
                        chosen = j
                        d.note(inst.source, "line \(inst.line)", "institution \(inst.id) \(inst.name) lies \(Int(distance.rounded())) m outside every \(level.rawValue) area; given to the nearest, \(list[j].id) \(list[j].name)")
                    }
                }
                guard let j = chosen else { continue }
                institutions[k].areaIDs[level] = list[j].id
                updateArea(level, j) { $0.institutionIndices.append(k) }
            }
        }
        for inst in institutions where inst.areaIDs.isEmpty {
            d.warning(inst.source, "line \(inst.line)", "institution \(inst.id) \(inst.name) lies outside every area (lon \(String(format: "%.6f", inst.lonLat.x)), lat \(String(format: "%.6f", inst.lonLat.y)))",
                      fix: "check its coordinates, or add the boundary layer it lies in")
        }
    }

    private mutating func readInstitutionTable(_ layer: InstitutionLayerSpec) -> [RawInstitution] {
        let file = display(layer.file)
        let needed = [layer.idField, layer.nameField] + [layer.kindField, layer.xField, layer.yField, layer.sharedPatientsField, layer.areaCodeField].compactMap { $0 }
            + layer.capacity.values.sorted() + layer.attributes
        guard let table = openTable(layer.file, layer.encoding, columns: needed, what: "institutions") else { return [] }
        guard let checked = columns(table, needed, file: file) else { return [] }
        // Every name below is one of `needed`, resolved above.
        let byName = Dictionary(zip(needed, checked), uniquingKeysWith: { a, _ in a })
        let col = { (name: String) in byName[name] }
        func field(_ row: CSVTable.Row, _ column: CSVTable.Column?) -> String { column.map { row[$0] } ?? "" }
        var out: [RawInstitution] = []
        for row in table {
            let location = "line \(row.lineNumber)"
            let id = AreaCodes.normalizedText(field(row, col(layer.idField)))
            guard !id.isEmpty else {
                d.error(file, location, "empty \(layer.idField)", fix: "every institution needs an id")
                continue
            }
            guard let xf = layer.xField, let yf = layer.yField else { continue }
            guard case .value(let x) = AreaCodes.measure(field(row, col(xf))), case .value(let y) = AreaCodes.measure(field(row, col(yf))) else {
                d.error(file, location, "institution \(id) has no usable position (\(xf)=\"\(field(row, col(xf)))\", \(yf)=\"\(field(row, col(yf)))\")",
                        fix: "give the position as decimal numbers")
                continue
            }
            out.append(rawInstitution(
                layer: layer, file: file, line: row.lineNumber, id: id, position: Coordinate(x: x, y: y),
                value: { AreaCodes.normalizedText(field(row, col($0))) }))
        }
        return out
    }

    private mutating func readInstitutionFeatures(_ layer: InstitutionLayerSpec) -> [RawInstitution] {
        let file = display(layer.file)
        let features: FeatureLayer
        do { features = try GeoJSON.read(contentsOf: layer.file) } catch {
            reportGeoJSONError(error, file: file, url: layer.file)
            return []
        }
        var out: [RawInstitution] = []
        for (index, f) in features.features.enumerated() {
            let value = { (name: String) in f.properties[name].flatMap(Self.text) ?? "" }
            let id = value(layer.idField)
            guard !id.isEmpty else {
                d.error(file, "feature \(index)", "empty \(layer.idField)", fix: "every institution needs an id")
                continue
            }
            guard case .point(let p)? = f.geometry else {
                d.error(file, "feature \(index)", "institution \(id) is not a Point feature", fix: "institutions are points")
                continue
            }
            var spec = layer
            spec.crs = features.crs
            out.append(rawInstitution(layer: spec, file: file, line: index, id: id, position: p.coordinate, value: value))
        }
        return out
    }

    private mutating func rawInstitution(
        layer: InstitutionLayerSpec, file: String, line: Int, id: String, position: Coordinate, value: (String) -> String
    ) -> RawInstitution {
        var capacity: [String: Double] = [:]
        for (name, column) in layer.capacity {
            switch AreaCodes.measure(value(column)) {
            case .value(let v): capacity[name] = v
            case .missing: break
            case .invalid(let message): d.error(file, "line \(line)", "\(column) of \(id): \(message)", fix: "write a number or leave it empty")
            }
        }
        var shared: Int? = nil
        if let f = layer.sharedPatientsField {
            switch AreaCodes.boundedCount(value(f)) {
            case .value(let v): shared = v
            case .missing: break
            case .invalid(let message): d.error(file, "line \(line)", "\(f) of \(id): \(message)", fix: "counts are whole numbers from 0 to 1,000,000,000")
            }
        }
        var attributes: [String: String] = [:]
        for a in layer.attributes { attributes[a] = value(a) }
        let kind = layer.kindField.map(value) ?? layer.kindValue ?? ""
        return RawInstitution(
            id: id, name: value(layer.nameField), kind: kind.isEmpty ? "unknown" : kind, position: position,
            capacity: capacity, attributes: attributes, shared: shared, claimedArea: layer.areaCodeField.map(value),
            file: file, line: line)
    }
}
