/// Raised when a GeoJSON file cannot be read or written; lists every problem found, not only the first.
///
/// Each problem is one line of ``description``:
///
///     districts.geojson: feature 3 ($.features[3].geometry.coordinates[0]): a linear ring must be closed: first position (139.0, 35.0) differs from last (139.1, 35.0) — close the ring by repeating its first position
///     districts.geojson: line 7, column 12 ($.features[2].properties): invalid JSON: unexpected character '}' (expected a value)
///     districts.geojson: $.features: "features" must be an array, found an object — …
public struct GeoJSONError: Error, Hashable, Sendable, CustomStringConvertible {
    /// One problem, located by feature index and JSON path.
    public struct Problem: Hashable, Sendable, CustomStringConvertible {
        /// Index in `features` (0-based) when the problem is inside a feature.
        public let featureIndex: Int?
        /// Where the problem is.
        public let path: JSONPath
        /// Line and column, for JSON syntax errors only.
        public let line: Int?
        public let column: Int?
        /// What is wrong.
        public let message: String
        /// How to fix it, when there is something to say.
        public let hint: String?

        public init(
            featureIndex: Int? = nil, path: JSONPath, line: Int? = nil, column: Int? = nil, message: String,
            hint: String? = nil
        ) {
            self.featureIndex = featureIndex
            self.path = path
            self.line = line
            self.column = column
            self.message = message
            self.hint = hint
        }

        /// `feature 3 ($.features[3].geometry): message — hint`, or `$.features: message` outside features.
        public var description: String {
            var locator: [String] = []
            if let featureIndex { locator.append("feature \(featureIndex)") }
            if let line, let column { locator.append("line \(line), column \(column)") }
            var out = locator.isEmpty ? "\(path): " : locator.joined(separator: ", ") + " (\(path)): "
            out += message
            if let hint { out += " — " + hint }
            return out
        }
    }

    /// The file name (or the name given by the caller), nil when unknown.
    public let source: String?
    /// Every problem found, in document order; never empty.
    public let problems: [Problem]

    public init(source: String?, problems: [Problem]) {
        self.source = source
        self.problems = problems
    }

    /// At most this many problems are listed in ``description``; ``problems`` has them all.
    public static let describedProblemLimit = 50

    /// One line per problem, each prefixed with the file name.
    public var description: String {
        let prefix = source.map { $0 + ": " } ?? ""
        var lines = problems.prefix(GeoJSONError.describedProblemLimit).map { prefix + $0.description }
        if problems.count > GeoJSONError.describedProblemLimit {
            lines.append(prefix + "… and \(problems.count - GeoJSONError.describedProblemLimit) more problems")
        }
        return lines.joined(separator: "\n")
    }
}
