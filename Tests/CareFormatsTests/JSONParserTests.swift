import Foundation
import Testing

@testable import CareFormats

/// The description of the error `text` raises, or nil when it parses.
private func parseError(_ bytes: [UInt8]) -> String? {
    do {
        _ = try JSONParser.parse(bytes)
        return nil
    } catch {
        return error.description
    }
}

private func parseError(_ text: String) -> String? { parseError(Array(text.utf8)) }

@Suite("JSON parser: valid documents")
struct JSONParserValidTests {
    @Test func scalarsAndContainers() throws {
        let value = try JSONParser.parse(
            #" { "s": "text", "n": -12.5e1, "t": true, "f": false, "z": null, "a": [1, [2, {}], []], "o": {"k": "v"} } "#)
        let expected: JSONValue = [
            "s": "text", "n": -125.0, "t": true, "f": false, "z": nil, "a": [1, [2, [:]], []], "o": ["k": "v"],
        ]
        #expect(value == expected)
    }

    @Test func objectKeepsKeyOrder() throws {
        let value = try JSONParser.parse(#"{"b":1,"a":2,"c":3}"#)
        #expect(value.objectValue?.keys == ["b", "a", "c"])
    }

    @Test func largeObjectLookupUsesIndex() throws {
        let members = (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        let value = try JSONParser.parse("{" + members + "}")
        #expect(value["k0"] == 0)
        #expect(value["k39"] == 39)
        #expect(value["k40"] == nil)
        #expect(value.objectValue?.count == 40)
        #expect(parseError("{" + members + ",\"k17\":1}")?.hasSuffix(#"duplicate key "k17" in an object: each key may appear only once"#) == true)
    }

    @Test(arguments: [
        ("0", 0.0), ("-0", -0.0), ("7", 7.0), ("-12", -12.0), ("1.5", 1.5), ("0.1", 0.1), ("1E-2", 0.01),
        ("1e+2", 100.0), ("2.5e-3", 0.0025), ("123456789012345678", 123456789012345678.0),
        ("139.77301487048007", 139.77301487048007), ("35.70489991516323", 35.70489991516323),
        ("1e308", 1e308), ("1.7976931348623157e308", 1.7976931348623157e308), ("5e-324", .leastNonzeroMagnitude),
        ("1e-400", 0.0), ("0.000000000000000000001", 1e-21),
    ])
    func numbers(text: String, expected: Double) throws {
        let value = try JSONParser.parse("[\(text)]")
        let d = try #require(value.arrayValue?.first?.numberValue)
        #expect(d == expected)
        #expect(d.sign == expected.sign)
    }

    /// The fast path (≤ 15 digits, no exponent) must agree with Swift's correctly rounded
    /// `Double(String)` on every input, ties and long fractions included.
    @Test func fastPathAgreesWithStandardLibrary() throws {
        var generator = SystemRandomNumberGenerator()
        var texts: [String] = []
        for _ in 0..<5000 {
            let d = Double.random(in: -1000...1000, using: &generator)
            texts.append(d.description)
            for decimals in [1, 3, 7, 12, 15] { texts.append(String(format: "%.\(decimals)f", d)) }
        }
        texts += ["0.3", "2.675", "1.005", "9007199254740.993", "0.000001", "999999999999999", "1000000000000000"]
        let value = try JSONParser.parse("[" + texts.joined(separator: ",") + "]")
        let parsed = try #require(value.arrayValue)
        for (text, v) in zip(texts, parsed) {
            #expect(v.numberValue == Double(text), "\(text)")
        }
    }

    @Test func stringEscapes() throws {
        let value = try JSONParser.parse(#"["a\"b\\c\/d\b\f\n\r\t\u0041\u00e9\u6771\ud83d\ude00", "東京 😀"]"#)
        #expect(value == ["a\"b\\c/d\u{08}\u{0C}\n\r\tAé東😀", "東京 😀"])
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let value = try JSONParser.parse([0xEF, 0xBB, 0xBF] + Array(#"{"a":1}"#.utf8))
        #expect(value == ["a": 1])
        // Columns do not count the BOM.
        #expect(parseError([0xEF, 0xBB, 0xBF] + Array(#"{"a":}"#.utf8))
            == "line 1, column 6 ($.a): unexpected character '}' (expected a value)")
    }

    @Test func dataInput() throws {
        let value = try JSONParser.parse(Data(#"{"名前":"値"}"#.utf8))
        #expect(value == ["名前": "値"])
    }

    @Test func nestingUpToTheLimit() throws {
        let depth = JSONParser.defaultMaximumDepth
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        var value = try JSONParser.parse(text)
        var levels = 0
        while case .array(let a) = value {
            levels += 1
            guard let first = a.first else { break }
            value = first
        }
        #expect(levels == depth)
    }
}

@Suite("JSON parser: errors with line, column and path")
struct JSONParserErrorTests {
    @Test(arguments: [
        // Empty and truncated input.
        ("", "line 1, column 1 ($): the document is empty: expected a JSON value"),
        ("  \n  ", "line 2, column 3 ($): the document is empty: expected a JSON value"),
        (
            #"{"features": [{"type": "Feature""#,
            "line 1, column 33 ($.features[0]): unexpected end of input (expected ',' or '}'): the document is truncated"
        ),
        (#"{"a": "#, "line 1, column 7 ($.a): unexpected end of input (expected a value): the document is truncated"),
        (#"{"a" "#, "line 1, column 6 ($): unexpected end of input (expected ':'): the document is truncated"),
        (
            #"["abc"#,
            #"line 1, column 6 ($[0]): unexpected end of input inside the string that starts at line 1, column 2: the document is truncated or a closing '"' is missing"#
        ),
        // Structure.
        (
            #"{"a": [1, 2,]}"#,
            "line 1, column 13 ($.a): unexpected character ']' (expected a value): trailing commas are not allowed"
        ),
        (
            #"{"a": 1,}"#,
            "line 1, column 9 ($): unexpected character '}' (expected a string key): trailing commas are not allowed"
        ),
        (
            "{\"features\": [\n  {\"geometry\": {\"coordinates\": [[1, 2], [3, ]]}}\n]}",
            "line 2, column 45 ($.features[0].geometry.coordinates[1]): unexpected character ']' (expected a value): trailing commas are not allowed"
        ),
        ("[\r\n1,\r\n]", "line 3, column 1 ($): unexpected character ']' (expected a value): trailing commas are not allowed"),
        (#"{"a":1 "b":2}"#, #"line 1, column 8 ($): unexpected character '"' (expected ',' or '}')"#),
        ("[1 2]", "line 1, column 4 ($): unexpected character '2' (expected ',' or ']')"),
        (
            "{'a': 1}",
            "line 1, column 2 ($): unexpected character ''' (expected a string key): object keys are strings in double quotes"
        ),
        ("['a']", "line 1, column 2 ($[0]): unexpected character ''' (expected a value): JSON strings use double quotes"),
        ("[1, // note\n2]", "line 1, column 5 ($[1]): unexpected character '/' (expected a value): JSON has no comments"),
        ("{} x", "line 1, column 4 ($): unexpected character 'x' after the end of the JSON value: a document holds exactly one value"),
        (#"{"a":1,"a":2}"#, #"line 1, column 8 ($): duplicate key "a" in an object: each key may appear only once"#),
        ("[\u{3000}1]", "line 1, column 2 ($[0]): unexpected character U+3000 (expected a value)"),
        // Literals.
        ("[1, NaN]", "line 1, column 5 ($[1]): invalid literal 'NaN': JSON has no NaN or Infinity; write null or a finite number"),
        ("[-Infinity]", "line 1, column 2 ($[0]): invalid literal '-Infinity': JSON has no NaN or Infinity; write null or a finite number"),
        ("[Infinity]", "line 1, column 2 ($[0]): invalid literal 'Infinity': JSON has no NaN or Infinity; write null or a finite number"),
        ("[True]", "line 1, column 2 ($[0]): invalid literal 'True': JSON literals are lower case (true, false, null)"),
        ("[tru]", "line 1, column 2 ($[0]): invalid literal 'tru': expected a value (a string needs double quotes)"),
        ("[nulls]", "line 1, column 2 ($[0]): invalid literal 'nulls': expected a value (a string needs double quotes)"),
        (
            #"{"名前": x}"#,
            #"line 1, column 8 ($["名前"]): invalid literal 'x': expected a value (a string needs double quotes)"#
        ),
        // Numbers.
        ("[01]", "line 1, column 2 ($[0]): invalid number '01': leading zeros are not allowed"),
        ("[1.]", "line 1, column 2 ($[0]): invalid number '1.': expected a digit after '.'"),
        ("[1e]", "line 1, column 2 ($[0]): invalid number '1e': expected a digit in the exponent"),
        ("[1e+]", "line 1, column 2 ($[0]): invalid number '1e+': expected a digit in the exponent"),
        ("[-]", "line 1, column 2 ($[0]): invalid number '-': expected a digit after '-'"),
        ("[.5]", "line 1, column 2 ($[0]): unexpected character '.' (expected a value)"),
        ("[+1]", "line 1, column 2 ($[0]): unexpected character '+' (expected a value)"),
        (
            "[1e400]",
            "line 1, column 2 ($[0]): number '1e400' is out of range: the largest magnitude a number may have is 1.7976931348623157e308"
        ),
        (
            #"{"x": -2e308}"#,
            "line 1, column 7 ($.x): number '-2e308' is out of range: the largest magnitude a number may have is 1.7976931348623157e308"
        ),
        // Strings.
        ("[\"a\nb\"]", #"line 1, column 4 ($[0]): control character U+000A in a string: write it as \n"#),
        ("[\"a\u{01}\"]", #"line 1, column 4 ($[0]): control character U+0001 in a string: write it as \u0001"#),
        (
            #"["\x"]"#,
            #"line 1, column 3 ($[0]): invalid escape '\x' in a string: the escapes are \" \\ \/ \b \f \n \r \t and \uXXXX"#
        ),
        (#"["\u12G4"]"#, #"line 1, column 3 ($[0]): invalid escape \u12G4 in a string: \u needs four hexadecimal digits"#),
        (
            #"["ok", "\ud83d"]"#,
            #"line 1, column 9 ($[1]): unpaired surrogate \ud83d in a string: a \uD800–\uDBFF escape must be followed by a \uDC00–\uDFFF escape"#
        ),
        (
            #"["\ud83d\u0041"]"#,
            #"line 1, column 3 ($[0]): unpaired surrogate \ud83d in a string: a \uD800–\uDBFF escape must be followed by a \uDC00–\uDFFF escape"#
        ),
        (
            #"["\ude00x"]"#,
            #"line 1, column 3 ($[0]): unpaired surrogate \ude00 in a string: a \uD800–\uDBFF escape must be followed by a \uDC00–\uDFFF escape"#
        ),
    ])
    func error(text: String, expected: String) {
        #expect(parseError(text) == expected)
    }

    @Test func invalidUTF8() {
        // A lone 0xFF.
        #expect(parseError(Array(#"["a"#.utf8) + [0xFF] + Array(#""]"#.utf8))
            == "line 1, column 4 ($[0]): invalid UTF-8 byte 0xFF in a string: the file must be UTF-8 (convert Shift_JIS or other encodings to UTF-8)")
        // 東京 in Shift_JIS: 0x93 0x8C 0x8B 0x9E; the first byte is a UTF-8 continuation byte.
        #expect(parseError(Array(#"{"name": ""#.utf8) + [0x93, 0x8C, 0x8B, 0x9E] + Array(#""}"#.utf8))
            == "line 1, column 11 ($.name): invalid UTF-8 byte 0x93 in a string: the file must be UTF-8 (convert Shift_JIS or other encodings to UTF-8)")
        // An encoded surrogate (CESU-8) is not UTF-8; after an escape (slow path) too.
        #expect(parseError(Array(#"["\n"#.utf8) + [0xED, 0xA0, 0x80] + Array(#""]"#.utf8))
            == "line 1, column 5 ($[0]): invalid UTF-8 byte 0xED in a string: the file must be UTF-8 (convert Shift_JIS or other encodings to UTF-8)")
        // Truncated sequence at the end of a string: 0xE6 0x9D starts 東 (E6 9D B1).
        #expect(parseError(Array(#"["東"#.utf8) + [0xE6, 0x9D] + Array(#""]"#.utf8))
            == "line 1, column 4 ($[0]): invalid UTF-8 byte 0xE6 in a string: the file must be UTF-8 (convert Shift_JIS or other encodings to UTF-8)")
        // Outside a string.
        #expect(parseError([0x5B, 0xFF, 0x5D])
            == "line 1, column 2 ($[0]): invalid UTF-8 byte 0xFF: the file must be UTF-8 (convert Shift_JIS or other encodings to UTF-8)")
    }

    @Test func columnsCountScalarsNotBytes() {
        #expect(parseError("{\"東京都\": \"千代田区\",\n \"人口\": 66680,\n \"x\": }")
            == "line 3, column 7 ($.x): unexpected character '}' (expected a value)")
        #expect(parseError("{\"東京都\": \"千代田区\", \"x\": ]}")
            == "line 1, column 22 ($.x): unexpected character ']' (expected a value)")
    }

    @Test func nestingTooDeep() {
        let depth = JSONParser.defaultMaximumDepth + 1
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let path = "$" + String(repeating: "[0]", count: depth - 1)
        #expect(parseError(text)
            == "line 1, column \(depth) (\(path)): arrays and objects nest deeper than 512 levels: the document is too deeply nested")
        // Far deeper input fails the same way instead of overflowing the stack.
        #expect(parseError(String(repeating: "[{\"a\":", count: 100_000))?.hasSuffix("the document is too deeply nested") == true)
        // A smaller limit on request.
        #expect(throws: JSONParseError.self) { try JSONParser.parse("[[[1]]]", maximumDepth: 2) }
    }

    @Test func errorFields() throws {
        let error = try #require(throws: JSONParseError.self) { try JSONParser.parse("{\n \"a\": [1, 2,]\n}") }
        #expect(error.kind == .unexpectedCharacter)
        #expect(error.line == 2)
        #expect(error.column == 13)
        #expect(error.byteOffset == 14)
        #expect(error.path == JSONPath([.key("a")]))
    }

    @Test(arguments: [
        ("[1,", JSONParseError.Kind.unexpectedEnd), ("", .emptyDocument), ("[x]", .invalidLiteral),
        ("[01]", .invalidNumber), ("[1e999]", .numberOutOfRange), (#"["\q"]"#, .invalidEscape),
        ("[\"\t\"]", .controlCharacter), (#"{"a":1,"a":1}"#, .duplicateKey), ("1 2", .trailingContent),
        ("[}", .unexpectedCharacter),
    ])
    func kinds(text: String, kind: JSONParseError.Kind) throws {
        let error = try #require(throws: JSONParseError.self) { try JSONParser.parse(text) }
        #expect(error.kind == kind)
    }
}

@Suite("JSON path")
struct JSONPathTests {
    @Test func rendering() {
        #expect(JSONPath.root.description == "$")
        let path = JSONPath([.key("features"), .index(12), .key("geometry"), .key("coordinates"), .index(0), .index(3)])
        #expect(path.description == "$.features[12].geometry.coordinates[0][3]")
        #expect(JSONPath([.key("a b"), .key("人口"), .key("_x1"), .key("1x"), .key("q\"")]).description
            == #"$["a b"]["人口"]._x1["1x"]["q\""]"#)
        #expect(JSONPath.root.appending(key: "a").appending(index: 2).description == "$.a[2]")
    }
}
