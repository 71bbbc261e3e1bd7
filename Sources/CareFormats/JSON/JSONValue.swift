/// A JSON value (RFC 8259).
///
/// Numbers are held as `Double`: integers beyond ±2^53 lose precision, as they do in JavaScript and
/// in most GeoJSON tools; identifiers that must stay exact (codes such as `13101001001`) belong in
/// strings. Objects keep their members in document order (``JSONObject``), but compare equal
/// regardless of order, as RFC 8259 §4 intends.
///
/// Parse with ``JSONParser``; write with ``jsonString()`` or ``jsonData()`` (compact, keys sorted).
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The JSON type name used in messages: `null`, `boolean`, `number`, `string`, `array`, `object`.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    public var isNull: Bool { self == .null }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var numberValue: Double? {
        if case .number(let d) = self { return d }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// The member named `key` when this is an object holding it.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }

    /// True for a number that is a whole number of magnitude below 2^53 (exactly representable).
    public var isInteger: Bool {
        guard case .number(let d) = self else { return false }
        return JSONWriter.isSafeInteger(d)
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }

    /// Keys must be distinct (a repeated key traps, as it does for `Dictionary`).
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(uniqueKeysWithValues: elements))
    }
}

extension JSONValue: CustomStringConvertible {
    /// Compact JSON with sorted keys; a non-finite number (which JSON cannot hold) shows as `NaN`,
    /// `Infinity` or `-Infinity`. Use ``jsonString()`` for output that must be valid JSON.
    public var description: String {
        var writer = JSONWriter(nonFinite: .debugToken)
        // With .debugToken the writer never throws.
        try? writer.write(self)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

/// A JSON object: members in insertion (document) order, keys unique.
///
/// Equality and hashing ignore member order: `{"a":1,"b":2}` equals `{"b":2,"a":1}`. Lookup by key
/// is a linear scan for small objects and a hash lookup for large ones.
public struct JSONObject: Hashable, Sendable, RandomAccessCollection, ExpressibleByDictionaryLiteral {
    public typealias Element = (key: String, value: JSONValue)

    /// The keys in insertion order.
    public private(set) var keys: [String]
    /// The values, in the order of ``keys``.
    public private(set) var values: [JSONValue]
    /// Key → position, kept only once the object is larger than ``indexThreshold``.
    private var index: [String: Int]?

    private static let indexThreshold = 16

    public init() {
        keys = []
        values = []
        index = nil
    }

    /// Builds an object from key–value pairs, in order. A repeated key traps (a programming error,
    /// as for `Dictionary(uniqueKeysWithValues:)`).
    public init<S: Sequence>(uniqueKeysWithValues members: S) where S.Element == (String, JSONValue) {
        self.init()
        for (key, value) in members {
            precondition(appendIfAbsent(key, value), "duplicate key \"\(key)\" in a JSON object")
        }
    }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(uniqueKeysWithValues: elements)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { keys.count }

    public subscript(position: Int) -> Element {
        (keys[position], values[position])
    }

    /// The value for `key`; setting `nil` removes the member, setting a new key appends it.
    public subscript(key: String) -> JSONValue? {
        get {
            guard let i = position(of: key) else { return nil }
            return values[i]
        }
        set {
            if let i = position(of: key) {
                if let newValue {
                    values[i] = newValue
                } else {
                    keys.remove(at: i)
                    values.remove(at: i)
                    if index != nil { rebuildIndex() }
                }
            } else if let newValue {
                _ = appendIfAbsent(key, newValue)
            }
        }
    }

    /// The position of `key` in ``keys``, or nil.
    public func position(of key: String) -> Int? {
        if let index { return index[key] }
        return keys.firstIndex(of: key)
    }

    /// Appends a member unless the key is present; returns false (and changes nothing) when it is.
    mutating func appendIfAbsent(_ key: String, _ value: JSONValue) -> Bool {
        if position(of: key) != nil { return false }
        keys.append(key)
        values.append(value)
        if index != nil {
            index![key] = keys.count - 1
        } else if keys.count > JSONObject.indexThreshold {
            rebuildIndex()
        }
        return true
    }

    private mutating func rebuildIndex() {
        guard keys.count > JSONObject.indexThreshold else {
            index = nil
            return
        }
        var d: [String: Int] = [:]
        d.reserveCapacity(keys.count)
        for (i, k) in keys.enumerated() { d[k] = i }
        index = d
    }

    /// The keys in UTF-8 byte order (the order in which the writer emits them).
    public var sortedKeys: [String] {
        keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    public static func == (a: JSONObject, b: JSONObject) -> Bool {
        guard a.keys.count == b.keys.count else { return false }
        for (i, key) in a.keys.enumerated() {
            guard let j = b.position(of: key), a.values[i] == b.values[j] else { return false }
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        // Order-independent: combine the members' own hashes commutatively.
        var sum = 0
        for i in keys.indices {
            var h = Hasher()
            h.combine(keys[i])
            h.combine(values[i])
            sum &+= h.finalize()
        }
        hasher.combine(keys.count)
        hasher.combine(sum)
    }
}
