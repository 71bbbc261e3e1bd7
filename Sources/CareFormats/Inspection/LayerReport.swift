import CareGeometry

/// What a layer holds: counts, geometry types, extent, CRS, property types and samples, invalid
/// geometries. Built by ``LayerInspection/inspect(_:validity:)``; shown by ``renderText()`` and
/// ``renderJSON()``.
public struct LayerReport: Hashable, Sendable {
    /// The type of a property's values across all features.
    public enum PropertyType: String, Hashable, Sendable, CaseIterable, Comparable {
        case string
        /// Numbers that are all whole and below 2^53 in magnitude.
        case integer
        /// Numbers, at least one of them not whole.
        case number
        case boolean
        /// Every value is null.
        case null
        case array
        case object
        /// Values of more than one of the types above (nulls aside; integers with other numbers are
        /// `number`).
        case mixed

        public static func < (a: PropertyType, b: PropertyType) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    /// One property (key of `properties`) across the layer.
    public struct PropertySummary: Hashable, Sendable {
        public let name: String
        public let type: PropertyType
        /// The distinct types of the non-null values, in ``PropertyType`` order (more than one when
        /// ``type`` is ``PropertyType/mixed``; empty when every value is null).
        public let valueTypes: [PropertyType]
        /// Features where the value is `null`.
        public let nullCount: Int
        /// Features that lack the key altogether.
        public let missingCount: Int
        /// The first (up to) ``LayerInspection/sampleCount`` distinct non-null values, in feature order.
        public let samples: [JSONValue]

        public init(
            name: String, type: PropertyType, valueTypes: [PropertyType], nullCount: Int, missingCount: Int,
            samples: [JSONValue]
        ) {
            self.name = name
            self.type = type
            self.valueTypes = valueTypes
            self.nullCount = nullCount
            self.missingCount = missingCount
            self.samples = samples
        }
    }

    /// A geometry that failed the validity check.
    public struct InvalidGeometry: Hashable, Sendable {
        /// Index in ``FeatureLayer/features``.
        public let featureIndex: Int
        /// The feature's `id`, when it has one.
        public let featureID: JSONValue?
        /// Why it is invalid (GEOS's reason, such as `Self-intersection[139.7 35.6]`).
        public let reason: String

        public init(featureIndex: Int, featureID: JSONValue?, reason: String) {
            self.featureIndex = featureIndex
            self.featureID = featureID
            self.reason = reason
        }
    }

    public let name: String
    public let crs: CRS
    public let featureCount: Int
    /// Features whose geometry is nil.
    public let nullGeometryCount: Int
    /// Features per geometry type name (`"Polygon"`, `"MultiPolygon"`, …).
    public let geometryTypeCounts: [String: Int]
    /// The extent of all geometries, in the layer's CRS; nil when there is no position at all.
    public let boundingBox: Envelope?
    /// Properties in order of first appearance (the first feature's keys in file order, then keys
    /// first met in later features).
    public let properties: [PropertySummary]
    /// Invalid geometries in feature order; nil when validity was not checked.
    public let invalidGeometries: [InvalidGeometry]?

    public init(
        name: String, crs: CRS, featureCount: Int, nullGeometryCount: Int, geometryTypeCounts: [String: Int],
        boundingBox: Envelope?, properties: [PropertySummary], invalidGeometries: [InvalidGeometry]?
    ) {
        self.name = name
        self.crs = crs
        self.featureCount = featureCount
        self.nullGeometryCount = nullGeometryCount
        self.geometryTypeCounts = geometryTypeCounts
        self.boundingBox = boundingBox
        self.properties = properties
        self.invalidGeometries = invalidGeometries
    }

    /// Geometry type counts in the order of ``GeoJSON/geometryTypeNames``.
    public var orderedGeometryTypeCounts: [(type: String, count: Int)] {
        GeoJSON.geometryTypeNames.compactMap { name in geometryTypeCounts[name].map { (name, $0) } }
    }
}

/// Layer inspection for `careatlas inspect`: a pure function from a layer to a ``LayerReport``.
public enum LayerInspection {
    /// How many distinct sample values a property summary keeps.
    public static let sampleCount = 3

    /// The validity check by GEOS (`GEOSisValidReason`): nil when valid, GEOS's reason otherwise,
    /// such as `Self-intersection[139.7 35.6]`. A GEOS failure is reported as the reason.
    public static let geosValidity: @Sendable (Geometry) -> String? = { geometry in
        do {
            return try geometry.invalidityReason()
        } catch {
            return "validity check failed: \(error)"
        }
    }

    /// Summarises `layer`.
    ///
    /// - Parameter validity: checks one geometry; returns nil when it is valid and the reason
    ///   otherwise (GEOS's `isValidReason`). When nil, validity is not checked and
    ///   ``LayerReport/invalidGeometries`` is nil. Called once per non-nil geometry, in feature order.
    public static func inspect(_ layer: FeatureLayer, validity: ((Geometry) -> String?)? = nil) -> LayerReport {
        var typeCounts: [String: Int] = [:]
        var box: Envelope? = nil
        var invalid: [LayerReport.InvalidGeometry] = []
        var accumulators: [PropertyAccumulator] = []
        var position: [String: Int] = [:]

        for (k, feature) in layer.features.enumerated() {
            if let g = feature.geometry {
                typeCounts[g.typeName, default: 0] += 1
                if let b = g.boundingBox {
                    if box == nil { box = b } else { box!.expand(toInclude: b) }
                }
                if let validity, let reason = validity(g) {
                    invalid.append(.init(featureIndex: k, featureID: feature.id, reason: reason))
                }
            }
            for (key, value) in feature.properties {
                let p: Int
                if let existing = position[key] {
                    p = existing
                } else {
                    p = accumulators.count
                    position[key] = p
                    accumulators.append(PropertyAccumulator(name: key))
                }
                accumulators[p].add(value)
            }
        }
        let count = layer.features.count
        return LayerReport(
            name: layer.name, crs: layer.crs, featureCount: count, nullGeometryCount: layer.nullGeometryCount,
            geometryTypeCounts: typeCounts, boundingBox: box,
            properties: accumulators.map { $0.summary(featureCount: count) },
            invalidGeometries: validity == nil ? nil : invalid)
    }

    private struct PropertyAccumulator {
        let name: String
        var seen = 0
        var nulls = 0
        var types: Set<LayerReport.PropertyType> = []
        var samples: [JSONValue] = []

        init(name: String) {
            self.name = name
        }

        mutating func add(_ value: JSONValue) {
            seen += 1
            let type: LayerReport.PropertyType
            switch value {
            case .null:
                nulls += 1
                return
            case .string: type = .string
            case .number: type = value.isInteger ? .integer : .number
            case .bool: type = .boolean
            case .array: type = .array
            case .object: type = .object
            }
            types.insert(type)
            if samples.count < LayerInspection.sampleCount, !samples.contains(value) { samples.append(value) }
        }

        func summary(featureCount: Int) -> LayerReport.PropertySummary {
            var valueTypes = types
            if valueTypes.contains(.number) { valueTypes.remove(.integer) }  // 1 and 1.5 are both numbers
            let sortedTypes = valueTypes.sorted()
            let type: LayerReport.PropertyType =
                sortedTypes.isEmpty ? .null : sortedTypes.count == 1 ? sortedTypes[0] : .mixed
            return LayerReport.PropertySummary(
                name: name, type: type, valueTypes: sortedTypes, nullCount: nulls, missingCount: featureCount - seen,
                samples: samples)
        }
    }
}
