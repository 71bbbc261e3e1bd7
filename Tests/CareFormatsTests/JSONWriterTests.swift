import Foundation
import Testing

@testable import CareFormats

@Suite("JSON writer")
struct JSONWriterTests {
    @Test func keysSortedByUTF8Bytes() throws {
        let value: JSONValue = ["b": 1, "a": 2, "B": 3, "é": 4, "z": 5, "aa": 6, "": 7]
        #expect(try value.jsonString() == #"{"":7,"B":3,"a":2,"aa":6,"b":1,"z":5,"é":4}"#)
        // UTF-8 order differs from UTF-16 order here: U+FF61 (EF BD A1) before U+1F600 (F0 9F 98 80),
        // whereas in UTF-16 the surrogate D83D sorts before FF61.
        let astral: JSONValue = ["😀": 2, "｡": 1]
        #expect(try astral.jsonString() == #"{"｡":1,"😀":2}"#)
        // Nested objects too; arrays keep their order.
        let nested: JSONValue = ["z": [["y": 1, "x": 2], 3], "a": nil]
        #expect(try nested.jsonString() == #"{"a":null,"z":[{"x":2,"y":1},3]}"#)
    }

    @Test(arguments: [
        (3.0, "3"), (-12.0, "-12"), (0.0, "0"), (-0.0, "0"), (1.5, "1.5"), (0.1, "0.1"), (-0.25, "-0.25"),
        (123456.789, "123456.789"), (139.77301487048007, "139.77301487048007"),
        (9007199254740991.0, "9007199254740991"), (-9007199254740991.0, "-9007199254740991"),
        (9007199254740992.0, "9007199254740992.0"), (9007199254740994.0, "9.007199254740994e+15"), (1e20, "1e+20"), (1e-7, "1e-07"), (.leastNonzeroMagnitude, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"), (0.30000000000000004, "0.30000000000000004"),
    ])
    func numbers(value: Double, expected: String) throws {
        #expect(try JSONValue.number(value).jsonString() == expected)
        // Every form reads back to the same Double.
        #expect(try JSONParser.parse(expected) == .number(value))
    }

    @Test func nonFiniteNumbersAreRejectedWithTheirPath() throws {
        let value: JSONValue = ["a": [1, .number(.nan)], "b": .number(.infinity)]
        let error = try #require(throws: JSONEncodingError.self) { try value.jsonString() }
        #expect(error.description
            == "$.a[1]: cannot write nan as JSON: JSON has no NaN or infinity; replace it with null or a finite number")
        #expect(throws: JSONEncodingError.self) { try JSONValue.number(-.infinity).jsonData() }
        // description never throws and shows the token.
        #expect(value.description == #"{"a":[1,NaN],"b":Infinity}"#)
    }

    @Test func stringEscapes() throws {
        let value = JSONValue.string("a\"b\\c\n\t\r\u{08}\u{0C}\u{01}\u{1F}/é東😀\u{7F}\u{2028}")
        #expect(try value.jsonString() == "\"a\\\"b\\\\c\\n\\t\\r\\b\\f\\u0001\\u001f/é東😀\u{7F}\u{2028}\"")
    }

    @Test func literalsAndEmptyContainers() throws {
        let value: JSONValue = [nil, true, false, [], [:], ""]
        #expect(try value.jsonString() == #"[null,true,false,[],{},""]"#)
    }

    @Test func roundTrip() throws {
        let text = #"{"features":[{"geometry":null,"id":"x","properties":{"n":-1.25e-5,"s":"東京\n\"q\"","t":[true,null]}}],"type":"FeatureCollection"}"#
        let value = try JSONParser.parse(text)
        #expect(try value.jsonString() == #"{"features":[{"geometry":null,"id":"x","properties":{"n":-1.25e-05,"s":"東京\n\"q\"","t":[true,null]}}],"type":"FeatureCollection"}"#)
        #expect(try JSONParser.parse(value.jsonData()) == value)
        #expect(try value.jsonBytes() == Array(value.jsonString().utf8))
    }

    @Test(arguments: [
        (139.76360004, 7, "139.7636"), (35.68123456789, 7, "35.6812346"), (140.00000001, 7, "140"),
        (-35.00000004, 7, "-35"), (-0.00000001, 7, "0"), (0.12345678, 7, "0.1234568"), (-139.5, 0, "-140"),
        (139.5, 0, "140"), (0.05, 2, "0.05"), (0.000012, 7, "0.000012"), (-0.000012, 7, "-0.000012"),
        (1234.5678, 2, "1234.57"), (12.0, 15, "12"), (1e300, 7, "1e+300"),
    ])
    func fixedDecimals(value: Double, decimals: Int, expected: String) {
        var bytes: [UInt8] = []
        JSONWriter.appendFixed(value, decimals: decimals, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
    }
}

@Suite("JSON object")
struct JSONObjectTests {
    @Test func equalityIgnoresOrder() {
        let a: JSONObject = ["a": 1, "b": [1, 2]]
        let b: JSONObject = ["b": [1, 2], "a": 1]
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(a != ["a": 1, "b": [2, 1]])
        #expect(a != ["a": 1])
        #expect(a.keys == ["a", "b"])
        #expect(b.keys == ["b", "a"])
    }

    @Test func mutation() {
        var o: JSONObject = ["x": 1]
        o["y"] = "two"
        o["x"] = 3
        #expect(o.keys == ["x", "y"])
        #expect(o["x"] == 3)
        o["x"] = nil
        #expect(o.keys == ["y"])
        #expect(o["x"] == nil)
        // Large objects switch to an index and back.
        for k in 0..<30 { o["k\(k)"] = .number(Double(k)) }
        #expect(o["k29"] == 29)
        for k in 0..<30 { o["k\(k)"] = nil }
        #expect(o.keys == ["y"])
        #expect(o["y"] == "two")
        #expect(o.sortedKeys == ["y"])
    }

    @Test func accessors() {
        let v: JSONValue = ["s": "t", "n": 2.5, "b": true, "a": [1], "o": ["k": nil]]
        #expect(v["s"]?.stringValue == "t")
        #expect(v["n"]?.numberValue == 2.5)
        #expect(v["b"]?.boolValue == true)
        #expect(v["a"]?.arrayValue == [1])
        #expect(v["o"]?["k"]?.isNull == true)
        #expect(v["n"]?.isInteger == false)
        #expect(JSONValue.number(3).isInteger)
        #expect(v.typeName == "object")
        #expect(v["s"]?.numberValue == nil)
    }
}
