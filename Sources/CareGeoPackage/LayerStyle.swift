import CareFormats

/// A colour in sRGB with 8-bit channels.
public struct StyleColor: Hashable, Sendable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8
    public var alpha: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8, alpha: UInt8 = 255) {
        self.red = red
        self.green = green
        self.blue = blue
        self.alpha = alpha
    }

    /// Parses `#RRGGBB` or `#RRGGBBAA` (the `#` optional); nil for anything else.
    public init?(hex: String) {
        let digits = hex.hasPrefix("#") ? String(hex.dropFirst()) : hex
        guard digits.count == 6 || digits.count == 8, let v = UInt32(digits, radix: 16) else { return nil }
        let full = digits.count == 6 ? (v << 8) | 0xFF : v
        self.init(red: UInt8(full >> 24), green: UInt8((full >> 16) & 0xFF), blue: UInt8((full >> 8) & 0xFF),
                  alpha: UInt8(full & 0xFF))
    }

    /// `#rrggbb`, as SLD writes colours.
    public var hex: String {
        "#" + [red, green, blue].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// `r,g,b,a`, as QGIS's QML writes colours.
    var qml: String { "\(red),\(green),\(blue),\(alpha)" }
}

/// How QGIS should draw a layer: stored in the GeoPackage's `layer_styles` table (QML and SLD) as
/// the layer's default style, which QGIS applies when the layer is opened.
///
/// The same class breaks and colours as the printed maps can be passed, so that the map in QGIS
/// and the map on the slide agree.
public struct LayerStyle: Hashable, Sendable {
    /// One class of a graduated renderer: features whose `field` value `v` satisfies
    /// `lower < v ≤ upper` (the first class also takes `v = lower`), as QGIS's graduated renderer
    /// assigns values to ranges.
    public struct GraduatedClass: Hashable, Sendable {
        public var lower: Double
        public var upper: Double
        public var color: StyleColor
        public var label: String

        public init(lower: Double, upper: Double, color: StyleColor, label: String) {
            self.lower = lower
            self.upper = upper
            self.color = color
            self.label = label
        }
    }

    /// One category of a categorized renderer: features whose text `field` equals `value`.
    public struct Category: Hashable, Sendable {
        public var value: String
        public var color: StyleColor
        public var label: String

        public init(value: String, color: StyleColor, label: String) {
            self.value = value
            self.color = color
            self.label = label
        }
    }

    /// How a graduated style draws features whose field is null: the suppressed counts of the
    /// layers (`patients` null, `patients_label` "<10"), shown like the maps' "<10" bin.
    public struct MissingClass: Hashable, Sendable {
        public var color: StyleColor
        public var label: String
        /// Diagonal hatching instead of a solid fill (polygons).
        public var hatched: Bool

        public init(color: StyleColor, label: String, hatched: Bool = false) {
            self.color = color
            self.label = label
            self.hatched = hatched
        }
    }

    public enum Renderer: Hashable, Sendable {
        /// Every feature alike: filled with `fill`, or outline only when `fill` is nil.
        case single(fill: StyleColor?)
        /// Colour classes on a numeric (INTEGER or REAL) field. Null values take `missing` when
        /// given (written as QGIS's rule-based renderer, one rule per class plus `IS NULL`);
        /// without it, and for values outside every class, features are not drawn.
        case graduated(field: String, classes: [GraduatedClass], missing: MissingClass? = nil)
        /// One colour per value of a text field; other values are not drawn.
        case categorized(field: String, categories: [Category])
        /// QGIS's rule-based renderer: one rule per class, each with its own condition and symbol;
        /// a rule without condition is QGIS's ELSE rule (every feature no other rule matches), so
        /// that no feature is left undrawn. Conditions must not overlap (the caller's classes).
        case rules([Rule])
    }

    /// The `styleName` QGIS shows in its style list.
    public var name: String
    public var renderer: Renderer
    /// Outline (polygons, markers) or line colour.
    public var stroke: StyleColor
    /// Outline or line width, millimetres on the map.
    public var strokeWidthMM: Double
    /// Diameter of point markers, millimetres.
    public var markerSizeMM: Double
    /// Free text stored in `layer_styles.description`.
    public var description: String
    /// Labels drawn from a field (nil: no labels).
    public var labels: Labels?

    public init(name: String, renderer: Renderer, stroke: StyleColor = StyleColor(red: 60, green: 60, blue: 60),
                strokeWidthMM: Double = 0.26, markerSizeMM: Double = 2.4, description: String = "", labels: Labels? = nil)
    {
        self.labels = labels
        self.name = name
        self.renderer = renderer
        self.stroke = stroke
        self.strokeWidthMM = strokeWidthMM
        self.markerSizeMM = markerSizeMM
        self.description = description
    }

    /// The field the renderer classifies on, if any.
    var field: String? {
        switch renderer {
        case .single, .rules: return nil
        case .graduated(let f, _, _), .categorized(let f, _): return f
        }
    }

    /// Every field the renderer and the labels read.
    var fields: Set<String> {
        var out = Set([field, labels?.field].compactMap { $0 })
        if case .rules(let rules) = renderer { for r in rules { out.formUnion(r.condition?.fields ?? []) } }
        return out
    }
}

/// The kind of symbol a layer needs, from its geometry type.
enum SymbolKind {
    case marker, line, fill

    init(geometryTypeName: String) {
        switch geometryTypeName {
        case "POINT", "MULTIPOINT": self = .marker
        case "LINESTRING", "MULTILINESTRING": self = .line
        default: self = .fill
        }
    }
}

/// QGIS QML and OGC SLD 1.1 documents for a ``LayerStyle``.
enum StyleDocuments {
    /// A QML document with the renderer (`styleCategories="Symbology"`) and the labels when the
    /// style has them (`Symbology|Labeling`).
    static func qml(_ style: LayerStyle, kind: SymbolKind) -> String {
        let categories = style.labels == nil ? "Symbology" : "Symbology|Labeling\" labelsEnabled=\"1"
        return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"3.28.0\" styleCategories=\"\(categories)\">\n"
            + renderer(style, kind: kind) + (style.labels.map(labeling) ?? "") + "</qgis>\n"
    }

    /// The `<renderer-v2>` element of a style (as in QML and in a QGIS project's `<maplayer>`).
    static func renderer(_ style: LayerStyle, kind: SymbolKind) -> String {
        var symbols: [String] = []
        var body = ""
        switch style.renderer {
        case .single(let fill):
            symbols.append(symbol(index: 0, fill: fill, style: style, kind: kind))
            body = "  <renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n"
        case .graduated(let field, let classes, let missing?):
            // Rule-based: QGIS's graduated renderer has no class for null values.
            body = "  <renderer-v2 type=\"RuleRenderer\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n    <rules key=\"root\">\n"
            let f = "&quot;" + xml(field.replacingOccurrences(of: "\"", with: "\"\"")) + "&quot;"
            for (i, c) in classes.enumerated() {
                let lower = i == 0 ? "&gt;=" : "&gt;"
                let filter = "\(f) \(lower) \(number(c.lower)) AND \(f) &lt;= \(number(c.upper))"
                body += "      <rule key=\"class\(i)\" symbol=\"\(i)\" label=\"\(xml(c.label))\" filter=\"\(filter)\"/>\n"
                symbols.append(symbol(index: i, fill: c.color, style: style, kind: kind))
            }
            body += "      <rule key=\"missing\" symbol=\"\(classes.count)\" label=\"\(xml(missing.label))\" filter=\"\(f) IS NULL\"/>\n    </rules>\n"
            symbols.append(symbol(index: classes.count, fill: missing.color, style: style, kind: kind, hatched: missing.hatched))
        case .graduated(let field, let classes, nil):
            body = "  <renderer-v2 type=\"graduatedSymbol\" attr=\"\(xml(field))\" graduatedMethod=\"GraduatedColor\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n    <ranges>\n"
            for (i, c) in classes.enumerated() {
                body += "      <range lower=\"\(number(c.lower))\" upper=\"\(number(c.upper))\" symbol=\"\(i)\" label=\"\(xml(c.label))\" render=\"true\"/>\n"
                symbols.append(symbol(index: i, fill: c.color, style: style, kind: kind))
            }
            body += "    </ranges>\n"
        case .categorized(let field, let categories):
            body = "  <renderer-v2 type=\"categorizedSymbol\" attr=\"\(xml(field))\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n    <categories>\n"
            for (i, c) in categories.enumerated() {
                body += "      <category value=\"\(xml(c.value))\" symbol=\"\(i)\" label=\"\(xml(c.label))\" render=\"true\"/>\n"
                symbols.append(symbol(index: i, fill: c.color, style: style, kind: kind))
            }
            body += "    </categories>\n"
        case .rules(let rules):
            body = "  <renderer-v2 type=\"RuleRenderer\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n    <rules key=\"root\">\n"
            for (i, r) in rules.enumerated() {
                body += "      <rule key=\"rule\(i)\" symbol=\"\(i)\" label=\"\(xml(r.label))\" filter=\"\(xml(r.condition?.expression ?? "ELSE"))\"/>\n"
                symbols.append(symbol(index: i, rule: r, style: style, kind: kind))
            }
            body += "    </rules>\n"
        }
        return body + "    <symbols>\n" + symbols.joined() + "    </symbols>\n  </renderer-v2>\n"
    }

    private static func symbol(index: Int, fill: StyleColor?, style: LayerStyle, kind: SymbolKind, hatched: Bool = false) -> String {
        symbol(index: index, rule: LayerStyle.Rule(label: "", condition: nil, fill: fill, hatched: hatched), style: style, kind: kind)
    }

    private static func symbol(index: Int, rule: LayerStyle.Rule, style: LayerStyle, kind: SymbolKind) -> String {
        let fill = rule.fill, hatched = rule.hatched
        let stroke = rule.stroke ?? style.stroke, strokeWidth = rule.strokeWidthMM ?? style.strokeWidthMM
        func option(_ name: String, _ value: String) -> String {
            "            <Option name=\"\(name)\" type=\"QString\" value=\"\(xml(value))\"/>\n"
        }
        let type: String, layerClass: String
        var options = ""
        switch kind {
        case .fill:
            (type, layerClass) = ("fill", "SimpleFill")
            options += option("color", (fill ?? StyleColor(red: 0, green: 0, blue: 0, alpha: 0)).qml)
            options += option("style", fill == nil ? "no" : "solid")
            options += option("outline_color", stroke.qml)
            options += option("outline_style", stroke.alpha == 0 ? "no" : rule.dashed ? "dash" : "solid")
            options += option("outline_width", number(strokeWidth))
            options += option("outline_width_unit", "MM")
        case .line:
            (type, layerClass) = ("line", "SimpleLine")
            options += option("line_color", (fill ?? stroke).qml)
            options += option("line_style", rule.dashed ? "dash" : "solid")
            options += option("line_width", number(strokeWidth))
            options += option("line_width_unit", "MM")
        case .marker:
            (type, layerClass) = ("marker", "SimpleMarker")
            options += option("name", rule.marker?.shape ?? "circle")
            options += option("angle", number(rule.marker?.angle ?? 0))
            options += option("color", (fill ?? stroke).qml)
            options += option("outline_color", stroke.qml)
            options += option("outline_width", number(strokeWidth / 2))
            options += option("size", number(rule.marker?.sizeMM ?? style.markerSizeMM))
            options += option("size_unit", "MM")
        }
        var layers = "        <layer class=\"\(layerClass)\" enabled=\"1\" locked=\"0\" pass=\"0\">\n          <Option type=\"Map\">\n"
            + options + "          </Option>\n        </layer>\n"
        if kind == .fill, hatched, fill != nil {
            // The maps' hatching: diagonal lines over the class colour.
            layers += "        <layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" pass=\"0\">\n          <Option type=\"Map\">\n"
                + option("color", LayerStyle.hatchColor.qml) + option("style", "b_diagonal") + option("outline_style", "no")
                + "          </Option>\n        </layer>\n"
        }
        return "      <symbol type=\"\(type)\" name=\"\(index)\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n"
            + layers + "      </symbol>\n"
    }

    /// QGIS's simple labeling on a field: a white buffer, placed over the polygon's inside point,
    /// drawn only where the label fits inside the polygon.
    static func labeling(_ l: LayerStyle.Labels) -> String {
        "  <labeling type=\"simple\">\n    <settings calloutType=\"simple\">\n"
            + "      <text-style fieldName=\"\(xml(l.field))\" isExpression=\"0\" fontFamily=\"\(xml(l.font))\" namedStyle=\"Regular\" fontSize=\"\(number(l.sizePoints))\" fontSizeUnit=\"Point\" fontWeight=\"50\" fontItalic=\"0\" textColor=\"\(l.color.qml)\" textOpacity=\"1\" multilineHeight=\"1\" blendMode=\"0\" previewBkgrdColor=\"255,255,255,255\">\n"
            + "        <text-buffer bufferDraw=\"1\" bufferSize=\"0.8\" bufferSizeUnits=\"MM\" bufferColor=\"255,255,255,255\" bufferOpacity=\"0.9\" bufferNoFill=\"1\" bufferJoinStyle=\"128\" bufferBlendMode=\"0\"/>\n"
            + "      </text-style>\n"
            + "      <text-format wrapChar=\"\" multilineAlign=\"1\" autoWrapLength=\"0\" useMaxLineLengthForAutoWrap=\"1\" addDirectionSymbol=\"0\" formatNumbers=\"0\" decimals=\"0\" plussign=\"0\"/>\n"
            + "      <placement placement=\"\(l.placement)\" centroidInside=\"1\" centroidWhole=\"0\" fitInPolygonOnly=\"\(l.onlyWhereItFits ? 1 : 0)\" dist=\"0\" distUnits=\"MM\" priority=\"5\" offsetType=\"0\" quadOffset=\"4\" xOffset=\"0\" yOffset=\"0\" offsetUnits=\"MM\" overrunDistance=\"0\" overrunDistanceUnit=\"MM\"/>\n"
            + "      <rendering obstacle=\"1\" obstacleFactor=\"1\" obstacleType=\"1\" displayAll=\"0\" upsidedownLabels=\"0\" labelPerPart=\"0\" mergeLines=\"0\" minFeatureSize=\"0\" limitNumLabels=\"0\" maxNumLabels=\"2000\" scaleVisibility=\"0\" fontLimitPixelSize=\"0\" drawLabels=\"1\" zIndex=\"0\"/>\n"
            + "    </settings>\n  </labeling>\n"
    }

    /// An SLD 1.1 document with one rule per class or category (one rule for a single symbol).
    static func sld(_ style: LayerStyle, layerName: String, kind: SymbolKind) -> String {
        var rules: [String] = []
        switch style.renderer {
        case .single(let fill):
            rules.append(rule(name: style.name, filter: nil, fill: fill, style: style, kind: kind))
        case .graduated(let field, let classes, let missing):
            if let missing {
                let filter = "<ogc:Filter xmlns:ogc=\"http://www.opengis.net/ogc\"><ogc:PropertyIsNull><ogc:PropertyName>\(xml(field))</ogc:PropertyName></ogc:PropertyIsNull></ogc:Filter>"
                rules.append(rule(name: missing.label, filter: filter, fill: missing.color, style: style, kind: kind))
            }
            for (i, c) in classes.enumerated() {
                let lowerOp = i == 0 ? "PropertyIsGreaterThanOrEqualTo" : "PropertyIsGreaterThan"
                let filter = "<ogc:Filter xmlns:ogc=\"http://www.opengis.net/ogc\"><ogc:And>"
                    + "<ogc:\(lowerOp)><ogc:PropertyName>\(xml(field))</ogc:PropertyName><ogc:Literal>\(number(c.lower))</ogc:Literal></ogc:\(lowerOp)>"
                    + "<ogc:PropertyIsLessThanOrEqualTo><ogc:PropertyName>\(xml(field))</ogc:PropertyName><ogc:Literal>\(number(c.upper))</ogc:Literal></ogc:PropertyIsLessThanOrEqualTo>"
                    + "</ogc:And></ogc:Filter>"
                rules.append(rule(name: c.label, filter: filter, fill: c.color, style: style, kind: kind))
            }
        case .rules(let ruleList):
            for r in ruleList {
                let filter = r.condition.map { "<ogc:Filter xmlns:ogc=\"http://www.opengis.net/ogc\">\($0.ogcFilter)</ogc:Filter>" } ?? "<se:ElseFilter/>"
                rules.append(rule(name: r.label, filter: filter, fill: r.fill, style: style, kind: kind))
            }
        case .categorized(let field, let categories):
            for c in categories {
                let filter = "<ogc:Filter xmlns:ogc=\"http://www.opengis.net/ogc\"><ogc:PropertyIsEqualTo>"
                    + "<ogc:PropertyName>\(xml(field))</ogc:PropertyName><ogc:Literal>\(xml(c.value))</ogc:Literal>"
                    + "</ogc:PropertyIsEqualTo></ogc:Filter>"
                rules.append(rule(name: c.label, filter: filter, fill: c.color, style: style, kind: kind))
            }
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<StyledLayerDescriptor version=\"1.1.0\" xmlns=\"http://www.opengis.net/sld\" xmlns:se=\"http://www.opengis.net/se\">\n"
            + "  <NamedLayer><se:Name>\(xml(layerName))</se:Name><UserStyle><se:Name>\(xml(style.name))</se:Name><se:FeatureTypeStyle>\n"
            + rules.joined() + "  </se:FeatureTypeStyle></UserStyle></NamedLayer>\n</StyledLayerDescriptor>\n"
    }

    private static func rule(name: String, filter: String?, fill: StyleColor?, style: LayerStyle, kind: SymbolKind) -> String {
        let stroke = "<se:Stroke><se:SvgParameter name=\"stroke\">\(style.stroke.hex)</se:SvgParameter><se:SvgParameter name=\"stroke-width\">\(number(style.strokeWidthMM))</se:SvgParameter></se:Stroke>"
        let fillXML = fill.map { "<se:Fill><se:SvgParameter name=\"fill\">\($0.hex)</se:SvgParameter></se:Fill>" } ?? ""
        let symbolizer: String
        switch kind {
        case .fill: symbolizer = "<se:PolygonSymbolizer>\(fillXML)\(stroke)</se:PolygonSymbolizer>"
        case .line:
            let color = (fill ?? style.stroke).hex
            symbolizer = "<se:LineSymbolizer><se:Stroke><se:SvgParameter name=\"stroke\">\(color)</se:SvgParameter><se:SvgParameter name=\"stroke-width\">\(number(style.strokeWidthMM))</se:SvgParameter></se:Stroke></se:LineSymbolizer>"
        case .marker:
            symbolizer = "<se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName>\(fillXML)\(stroke)</se:Mark><se:Size>\(number(style.markerSizeMM))</se:Size></se:Graphic></se:PointSymbolizer>"
        }
        return "    <se:Rule><se:Name>\(xml(name))</se:Name>\(filter ?? "")\(symbolizer)</se:Rule>\n"
    }

    /// Shortest round-tripping decimal text (deterministic).
    static func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)"
    }

    static func xml(_ s: String) -> String { MarkupEscaping.escape(s) }
}
