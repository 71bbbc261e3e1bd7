/// A location inside a JSON document, written the JSONPath way: `$.features[12].geometry.coordinates[0]`.
///
/// Keys that are plain identifiers (`[A-Za-z_][A-Za-z0-9_]*`) are written after a dot; any other key
/// is written in brackets as a JSON string: `$.properties["人口"]`, `$["a b"]`.
public struct JSONPath: Hashable, Sendable, CustomStringConvertible {
    /// One step down into a container.
    public enum Component: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    public var components: [Component]

    /// The document root, `$`.
    public static let root = JSONPath([])

    public init(_ components: [Component]) {
        self.components = components
    }

    /// This path followed by an object key.
    public func appending(key: String) -> JSONPath {
        JSONPath(components + [.key(key)])
    }

    /// This path followed by an array index.
    public func appending(index: Int) -> JSONPath {
        JSONPath(components + [.index(index)])
    }

    public var description: String {
        var out = "$"
        for component in components {
            switch component {
            case .index(let i):
                out += "[\(i)]"
            case .key(let k) where JSONPath.isIdentifier(k):
                out += "." + k
            case .key(let k):
                var bytes: [UInt8] = []
                JSONWriter.appendQuoted(k, to: &bytes)
                out += "[" + String(decoding: bytes, as: UTF8.self) + "]"
            }
        }
        return out
    }

    static func isIdentifier(_ key: String) -> Bool {
        guard let first = key.utf8.first, first == UInt8(ascii: "_") || isASCIILetter(first) else {
            return false
        }
        return key.utf8.allSatisfy { $0 == UInt8(ascii: "_") || isASCIILetter($0) || isASCIIDigit($0) }
    }
}

@inline(__always) func isASCIIDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
@inline(__always) func isASCIILetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
