import CareFormats

/// How the study loader reads cells: thin adapters over CareFormats' parsers that turn their
/// typed errors into diagnostics-friendly results.
enum AreaCodes {
    enum Parsed<Value> {
        case value(Value)
        case missing
        case invalid(String)
    }

    /// Trimmed text (ASCII and full-width spaces).
    static func normalizedText(_ s: String) -> String {
        TextCleaning.trimmed(s)
    }

    /// A whole count ≥ 0 ("1,234", full-width digits accepted); missing for empty cells and the
    /// marks of Japanese tables ("-", "…").
    static func count(_ s: String) -> Parsed<Int> {
        do {
            switch try NumberParsing.parseCount(s) {
            case .number(let n): return .value(n)
            case .missing: return .missing
            }
        } catch { return .invalid(error.unlocatedMessage) }
    }

    /// A decimal measure (population, capacity, coordinates).
    static func measure(_ s: String) -> Parsed<Double> {
        do {
            switch try NumberParsing.parseMeasure(s) {
            case .number(let n): return .value(n)
            case .missing: return .missing
            }
        } catch { return .invalid(error.unlocatedMessage) }
    }

    /// The canonical id of an area code (5-digit municipality code without check digit, 9/11-digit
    /// small-area code); ids that are not numeric codes are kept as written (trimmed).
    static func normalizeAreaID(_ s: String) -> String {
        let text = normalizedText(s)
        return (try? AreaCode.normalize(text, kind: .any)) ?? text
    }

    enum Resolution {
        case found(AreaLevel, Int)
        case notFound
        case invalid(String)
    }

    /// Finds the area a code names, finest level first. A 6-digit code whose first five digits are
    /// a known area is read as code + JIS check digit, and a wrong check digit is invalid (it is
    /// more likely a typo than another area). This works for any code the areas use, including
    /// fictional ones outside JIS X 0401's prefectures 01–47.
    static func resolve(_ raw: String, in builder: ModelBuilder) -> Resolution {
        let text = normalizedText(raw)
        var id = text
        do {
            id = try AreaCode.normalize(text, kind: .any)
        } catch {
            if case .wrongCheckDigit = error.kind { return .invalid(error.unlocatedMessage) }
        }
        if let found = find(id, builder) { return found }
        let digits = String(text.unicodeScalars.map { u -> Character in
            // Full-width digits ０–９ read as ASCII.
            (0xFF10...0xFF19).contains(u.value) ? Character(UnicodeScalar(UInt8(u.value - 0xFF10 + 0x30))) : Character(u)
        })
        if digits.count == 6, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) {
            let code = String(digits.prefix(5))
            if let found = find(code, builder), let expected = AreaCode.checkDigit(for: code) {
                guard String(expected) == String(digits.suffix(1)) else {
                    return .invalid("the check digit of \(code) is \(expected) (\(code)\(expected)), not \(digits.suffix(1)); check the code for a typo")
                }
                return found
            }
        }
        return .notFound
    }

    private static func find(_ id: String, _ builder: ModelBuilder) -> Resolution? {
        for level in AreaLevel.allCases {
            if let i = builder.areaIndex(id, level) { return .found(level, i) }
        }
        return nil
    }
}

extension TabularError {
    /// The message without the file and line (diagnostics add their own location): the detail,
    /// then the fix.
    var unlocatedMessage: String { fix.map { "\(detail); \($0)" } ?? detail }
}

extension TextDecoding.Encoding {
    init(_ e: InputEncoding) {
        switch e {
        case .auto: self = .auto
        case .utf8: self = .utf8
        case .cp932: self = .cp932
        }
    }
}
