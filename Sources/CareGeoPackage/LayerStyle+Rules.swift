import CareFormats

extension LayerStyle {
    /// The colour of the hatch lines over hatched classes (the maps' `Palette.hatch`).
    public static let hatchColor = StyleColor(red: 140, green: 128, blue: 108)

    /// A condition on a feature's fields, written as a QGIS expression and as an OGC filter, so
    /// that the QML and the SLD of a rule say the same.
    public indirect enum Condition: Hashable, Sendable {
        case isNull(String)
        case isNotNull(String)
        /// The text field equals the text.
        case equalsText(String, String)
        /// The text field is not null and differs from the text.
        case notEqualsText(String, String)
        /// The text field equals one of the texts.
        case oneOf(String, [String])
        /// The numeric field equals the number.
        case equals(String, Double)
        /// field ≥ value (inclusive) or field > value.
        case above(String, Double, inclusive: Bool)
        /// field ≤ value.
        case atMost(String, Double)
        case all([Condition])

        /// A class of values `lower < v ≤ upper` (`lower ≤ v ≤ upper` for the first class), as the
        /// maps assign values to classes (``CareMaps/ClassBreaks/classIndex(of:)``).
        public static func range(_ field: String, lower: Double, upper: Double, first: Bool) -> Condition {
            .all([.above(field, lower, inclusive: first), .atMost(field, upper)])
        }

        /// The QGIS expression.
        public var expression: String {
            func f(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
            func text(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }
            switch self {
            case .isNull(let a): return "\(f(a)) IS NULL"
            case .isNotNull(let a): return "\(f(a)) IS NOT NULL"
            case .equalsText(let a, let v): return "\(f(a)) = \(text(v))"
            case .notEqualsText(let a, let v): return "\(f(a)) <> \(text(v))"
            case .oneOf(let a, let vs): return "\(f(a)) IN (\(vs.map(text).joined(separator: ", ")))"
            case .equals(let a, let v): return "\(f(a)) = \(StyleDocuments.number(v))"
            case .above(let a, let v, let inclusive): return "\(f(a)) \(inclusive ? ">=" : ">") \(StyleDocuments.number(v))"
            case .atMost(let a, let v): return "\(f(a)) <= \(StyleDocuments.number(v))"
            case .all(let cs): return cs.map(\.expression).joined(separator: " AND ")
            }
        }

        /// The OGC filter (Filter Encoding 1.1) without its `<ogc:Filter>` element.
        public var ogcFilter: String {
            func p(_ a: String) -> String { "<ogc:PropertyName>\(StyleDocuments.xml(a))</ogc:PropertyName>" }
            func l(_ v: String) -> String { "<ogc:Literal>\(StyleDocuments.xml(v))</ogc:Literal>" }
            switch self {
            case .isNull(let a): return "<ogc:PropertyIsNull>\(p(a))</ogc:PropertyIsNull>"
            case .isNotNull(let a): return "<ogc:Not><ogc:PropertyIsNull>\(p(a))</ogc:PropertyIsNull></ogc:Not>"
            case .equalsText(let a, let v): return "<ogc:PropertyIsEqualTo>\(p(a))\(l(v))</ogc:PropertyIsEqualTo>"
            case .notEqualsText(let a, let v): return "<ogc:PropertyIsNotEqualTo>\(p(a))\(l(v))</ogc:PropertyIsNotEqualTo>"
            case .oneOf(let a, let vs):
                let each = vs.map { "<ogc:PropertyIsEqualTo>\(p(a))\(l($0))</ogc:PropertyIsEqualTo>" }
                return each.count == 1 ? each[0] : "<ogc:Or>" + each.joined() + "</ogc:Or>"
            case .equals(let a, let v): return "<ogc:PropertyIsEqualTo>\(p(a))\(l(StyleDocuments.number(v)))</ogc:PropertyIsEqualTo>"
            case .above(let a, let v, let inclusive):
                let op = inclusive ? "PropertyIsGreaterThanOrEqualTo" : "PropertyIsGreaterThan"
                return "<ogc:\(op)>\(p(a))\(l(StyleDocuments.number(v)))</ogc:\(op)>"
            case .atMost(let a, let v): return "<ogc:PropertyIsLessThanOrEqualTo>\(p(a))\(l(StyleDocuments.number(v)))</ogc:PropertyIsLessThanOrEqualTo>"
            case .all(let cs): return cs.count == 1 ? cs[0].ogcFilter : "<ogc:And>" + cs.map(\.ogcFilter).joined() + "</ogc:And>"
            }
        }

        /// The fields it reads.
        var fields: Set<String> {
            switch self {
            case .isNull(let a), .isNotNull(let a), .equalsText(let a, _), .notEqualsText(let a, _), .oneOf(let a, _), .equals(let a, _), .above(let a, _, _), .atMost(let a, _):
                return [a]
            case .all(let cs): return cs.reduce(into: []) { $0.formUnion($1.fields) }
            }
        }

        /// Whether a feature's properties satisfy the condition, with SQL's null rule (a comparison
        /// with null is false), as QGIS evaluates the expression.
        public func matches(_ p: JSONObject) -> Bool {
            func number(_ a: String) -> Double? { p[a]?.numberValue }
            func text(_ a: String) -> String? { p[a]?.stringValue }
            switch self {
            case .isNull(let a): return p[a] == nil || p[a] == .null
            case .isNotNull(let a): return !(p[a] == nil || p[a] == .null)
            case .equalsText(let a, let v): return text(a) == v
            case .notEqualsText(let a, let v): return text(a).map { $0 != v } ?? false
            case .oneOf(let a, let vs): return text(a).map(vs.contains) ?? false
            case .equals(let a, let v): return number(a) == v
            case .above(let a, let v, let inclusive): return number(a).map { inclusive ? $0 >= v : $0 > v } ?? false
            case .atMost(let a, let v): return number(a).map { $0 <= v } ?? false
            case .all(let cs): return cs.allSatisfy { $0.matches(p) }
            }
        }
    }

    /// A point symbol of QGIS's simple marker.
    public struct Marker: Hashable, Sendable {
        /// QGIS's marker name: `circle`, `square`, `triangle`, `diamond`, `cross_fill`, `star`, …
        public var shape: String
        public var sizeMM: Double
        /// Rotation in degrees (an inverted triangle is a triangle at 180°).
        public var angle: Double
        public init(shape: String, sizeMM: Double, angle: Double = 0) {
            self.shape = shape
            self.sizeMM = sizeMM
            self.angle = angle
        }
    }

    /// One rule of a rule-based style.
    public struct Rule: Hashable, Sendable {
        public var label: String
        /// Nil: the ELSE rule.
        public var condition: Condition?
        /// Fill (polygons, markers) or line colour; nil: no fill.
        public var fill: StyleColor?
        public var hatched: Bool
        public var marker: Marker?
        /// Outline colour and width overriding the style's.
        public var stroke: StyleColor?
        public var strokeWidthMM: Double?
        public var dashed: Bool

        public init(label: String, condition: Condition?, fill: StyleColor?, hatched: Bool = false, marker: Marker? = nil,
                    stroke: StyleColor? = nil, strokeWidthMM: Double? = nil, dashed: Bool = false)
        {
            self.label = label
            self.condition = condition
            self.fill = fill
            self.hatched = hatched
            self.marker = marker
            self.stroke = stroke
            self.strokeWidthMM = strokeWidthMM
            self.dashed = dashed
        }
    }

    /// Labels from a text field.
    public struct Labels: Hashable, Sendable {
        public var field: String
        public var font: String
        public var sizePoints: Double
        public var color: StyleColor
        /// QGIS placement: 1 = over the inside point (polygons), 0 = around the point (points).
        public var placement: Int
        /// Only where the label fits inside the polygon.
        public var onlyWhereItFits: Bool

        public init(field: String, font: String = "Noto Sans CJK JP", sizePoints: Double = 9,
                    color: StyleColor = StyleColor(red: 34, green: 34, blue: 34), placement: Int = 1, onlyWhereItFits: Bool = true)
        {
            self.field = field
            self.font = font
            self.sizePoints = sizePoints
            self.color = color
            self.placement = placement
            self.onlyWhereItFits = onlyWhereItFits
        }
    }
}
