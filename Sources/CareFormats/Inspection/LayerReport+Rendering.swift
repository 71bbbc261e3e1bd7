import CareGeometry

extension LayerReport {
    /// How many invalid geometries ``renderText()`` lists before summarising the rest.
    public static let listedInvalidGeometries = 20

    /// A human-readable report for a terminal; columns are aligned by display width (a Japanese
    /// character takes two columns), text is shown as it is (no `\u` escapes). Every line, the last
    /// one included, ends with a newline, so that reports of several layers can be joined with "\n"
    /// into blocks separated by a blank line.
    ///
    ///     layer             tokyo
    ///     crs               EPSG:4326
    ///     features          63
    ///     without geometry  0
    ///     geometry types    Polygon 53, MultiPolygon 10
    ///     extent            x 138.9434 … 153.9866, y 24.2245 … 35.8981
    ///     validity          not checked
    ///     properties        5
    ///
    ///     property  type    nulls  missing  samples
    ///     N03_001   string      0        0  "東京都"
    ///
    /// Extent values are rounded to 7 decimals; samples longer than 32 columns are cut with `…`; at
    /// most ``listedInvalidGeometries`` invalid geometries are listed (``renderJSON()`` lists all).
    public func renderText() -> String {
        var header: [(String, String)] = [
            ("layer", name),
            ("crs", crs.identifier),
            ("features", String(featureCount)),
            ("without geometry", String(nullGeometryCount)),
            (
                "geometry types",
                orderedGeometryTypeCounts.isEmpty
                    ? "none" : orderedGeometryTypeCounts.map { "\($0.type) \($0.count)" }.joined(separator: ", ")
            ),
            (
                "extent",
                boundingBox.map {
                    "x \(fixed($0.minX)) … \(fixed($0.maxX)), y \(fixed($0.minY)) … \(fixed($0.maxY))"
                } ?? "none (no positions)"
            ),
        ]
        let geometryCount = featureCount - nullGeometryCount
        switch invalidGeometries {
        case nil:
            header.append(("validity", "not checked"))
        case let invalid? where invalid.isEmpty:
            header.append(("validity", "all \(geometryCount) geometries valid"))
        case let invalid?:
            header.append(("validity", "\(invalid.count) of \(geometryCount) geometries invalid"))
            for (k, item) in invalid.prefix(LayerReport.listedInvalidGeometries).enumerated() {
                let id = item.featureID.map { " (id \($0))" } ?? ""
                header.append((k == 0 ? "invalid" : "", "feature \(item.featureIndex)\(id): \(item.reason)"))
            }
            if invalid.count > LayerReport.listedInvalidGeometries {
                header.append(("", "… and \(invalid.count - LayerReport.listedInvalidGeometries) more (see the JSON report)"))
            }
        }
        header.append(("properties", String(properties.count)))

        var lines = alignedRows(header.map { [$0.0, $0.1] }, rightAligned: [], gap: 2)
        if !properties.isEmpty {
            lines.append("")
            var rows = [["property", "type", "nulls", "missing", "samples"]]
            for p in properties {
                let type =
                    p.type == .mixed
                    ? "mixed (" + p.valueTypes.map(\.rawValue).joined(separator: ", ") + ")" : p.type.rawValue
                rows.append([
                    p.name, type, String(p.nullCount), String(p.missingCount),
                    p.samples.map(LayerReport.sampleText).joined(separator: ", "),
                ])
            }
            lines += alignedRows(rows, rightAligned: [2, 3], gap: 2)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report as compact JSON with sorted keys (no trailing newline):
    ///
    ///     {"bounding_box":[minX,minY,maxX,maxY],"crs":"EPSG:4326","feature_count":63,
    ///      "geometry_types":{"MultiPolygon":10,"Polygon":53},"invalid_geometries":null,"name":"tokyo",
    ///      "null_geometry_count":0,"properties":[{"missing":0,"name":"N03_001","nulls":0,
    ///      "samples":["東京都"],"type":"string","value_types":["string"]},…]}
    ///
    /// `boundingBox` is null when there is no position; `invalidGeometries` is null when validity was
    /// not checked, otherwise a list of `{"feature":12,"id":…,"reason":"…"}` (`id` only when the
    /// feature has one). Properties stay in order of first appearance. Numbers are written in full.
    public func renderJSON() -> String {
        var object: JSONObject = [
            "name": .string(name),
            "crs": .string(crs.identifier),
            "feature_count": .number(Double(featureCount)),
            "null_geometry_count": .number(Double(nullGeometryCount)),
            "geometry_types": .object(
                JSONObject(uniqueKeysWithValues: orderedGeometryTypeCounts.map { ($0.type, .number(Double($0.count))) })),
            "bounding_box": boundingBox.map {
                .array([.number($0.minX), .number($0.minY), .number($0.maxX), .number($0.maxY)])
            } ?? .null,
        ]
        object["invalid_geometries"] =
            invalidGeometries.map { list in
                .array(
                    list.map { item in
                        var entry: JSONObject = [
                            "feature": .number(Double(item.featureIndex)), "reason": .string(item.reason),
                        ]
                        if let id = item.featureID { entry["id"] = id }
                        return .object(entry)
                    })
            } ?? .null
        object["properties"] = .array(
            properties.map { p in
                [
                    "name": .string(p.name),
                    "type": .string(p.type.rawValue),
                    "value_types": .array(p.valueTypes.map { .string($0.rawValue) }),
                    "nulls": .number(Double(p.nullCount)),
                    "missing": .number(Double(p.missingCount)),
                    "samples": .array(p.samples),
                ]
            })
        let value = JSONValue.object(object)
        // Every number here is finite (counts, and coordinates that geometries guarantee finite),
        // so the fallback, which would show NaN as a token, is never taken.
        return (try? value.jsonString()) ?? value.description
    }

    /// A sample as JSON text, cut to 32 display columns.
    static func sampleText(_ value: JSONValue) -> String {
        let text = value.description
        let limit = 32
        guard displayWidth(text) > limit else { return text }
        var out = ""
        var width = 0
        for character in text {
            let w = displayWidth(String(character))
            if width + w > limit - 1 { break }
            out.append(character)
            width += w
        }
        return out + "…"
    }

    private func fixed(_ value: Double) -> String {
        var bytes: [UInt8] = []
        JSONWriter.appendFixed(value, decimals: 7, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Rows padded into columns (by display width) separated by `gap` spaces; the last column is not
/// padded and trailing spaces are removed.
func alignedRows(_ rows: [[String]], rightAligned: Set<Int>, gap: Int) -> [String] {
    let columns = rows.map(\.count).max() ?? 0
    var widths = [Int](repeating: 0, count: columns)
    for row in rows {
        for (c, cell) in row.enumerated() where c < columns - 1 {
            widths[c] = max(widths[c], displayWidth(cell))
        }
    }
    return rows.map { row in
        var line = ""
        for (c, cell) in row.enumerated() {
            if c == columns - 1 {
                line += cell
                break
            }
            let padding = String(repeating: " ", count: widths[c] - displayWidth(cell))
            line += rightAligned.contains(c) ? padding + cell : cell + padding
            line += String(repeating: " ", count: gap)
        }
        while line.last == " " { line.removeLast() }
        return line
    }
}

/// Columns `text` takes on a terminal: East Asian wide and fullwidth characters (kanji, kana,
/// fullwidth forms, most emoji) count 2, combining marks and zero-width characters 0, others 1
/// (after Unicode Standard Annex #11, East Asian Width). Every aligned terminal table of the
/// project pads with it.
public func displayWidth(_ text: String) -> Int {
    var width = 0
    for scalar in text.unicodeScalars {
        let v = scalar.value
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format:
            continue
        default:
            break
        }
        if v < 0x20 || (0x7F..<0xA0).contains(v) { continue }
        let wide =
            (0x1100...0x115F).contains(v) || (0x2E80...0x303E).contains(v) || (0x3041...0x33FF).contains(v)
            || (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0xA000...0xA4CF).contains(v)
            || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v)
            || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v)
            || (0x1F900...0x1F9FF).contains(v) || (0x20000...0x3FFFD).contains(v)
        width += wide ? 2 : 1
    }
    return width
}
