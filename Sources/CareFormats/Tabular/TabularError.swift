/// Raised by the tabular input layer: text decoding, CSV reading, number parsing and area codes.
///
/// `description` is the whole message a user sees. It names the file and the physical line when
/// they are known (`patients.csv, line 7: …`), says what was expected and what was found, and ends
/// with the fix. `kind` lets code react to a class of problem without parsing the message.
public struct TabularError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The class of problem.
    public enum Kind: Hashable, Sendable {
        /// The file could not be read (absent, a directory, no permission).
        case unreadableFile
        /// The file is above a size or row limit (``InputLimits``).
        case tooLarge
        /// The bytes are not text: an Excel workbook, or NUL bytes.
        case notText
        /// The bytes are not valid in the chosen or detected encoding.
        case invalidEncoding
        /// A byte-order mark (U+FEFF) sits after the start of the file, usually because files were
        /// concatenated.
        case byteOrderMarkInside
        /// The file has no header row.
        case emptyFile
        /// A row has a different number of fields than the header.
        case raggedRow
        /// A quoted field is not closed before the end of the file.
        case unclosedQuote
        /// Text follows the closing quote of a quoted field.
        case textAfterClosingQuote
        /// A required column is not in the header.
        case missingColumn
        /// A column name appears more than once in the header.
        case ambiguousColumn
        /// A value is empty where one is required.
        case emptyValue
        /// The text is not a number.
        case invalidNumber
        /// The number is not a whole number ≥ 0.
        case invalidCount
        /// The text is not an area code of the requested kind.
        case invalidAreaCode
        /// A 6-digit municipality code whose check digit does not match; `expected` is the right one.
        case wrongCheckDigit(expected: Int)
    }

    /// The class of problem.
    public let kind: Kind
    /// The file the problem is in (its last path component), or nil for a value parsed on its own.
    public let source: String?
    /// The 1-based physical line in the file, when known.
    public let line: Int?
    /// The column the value came from, when the error is about one value of a table.
    public let column: String?
    /// What is wrong, without the file and line: `expected 5 fields, as in the header, but found 6`.
    public let detail: String
    /// What to do about it, when there is something to say: `a value that contains "," must be in
    /// double quotes`.
    public let fix: String?
    /// Whether `detail` names the file in its own words, so that `description` does not prefix it.
    private let detailNamesSource: Bool

    /// The whole message: `<file>, line <n>, column "<name>": <detail>; <fix>`, with the parts
    /// that are not known left out.
    public var description: String {
        detailNamesSource
            ? ProblemText.format(source: nil, line: nil, detail, fix: fix)
            : ProblemText.format(source: source, line: line, column: column, detail, fix: fix)
    }

    init(
        _ kind: Kind, source: String? = nil, line: Int? = nil, column: String? = nil, _ detail: String,
        fix: String? = nil, detailNamesSource: Bool = false
    ) {
        self.kind = kind
        self.source = source
        self.line = line
        self.column = column
        self.detail = detail
        self.fix = fix
        self.detailNamesSource = detailNamesSource
    }

    /// The same problem, placed in a file: `patients.csv, line 12, column "patients": <detail>; <fix>`.
    func located(source: String, line: Int, column: String) -> TabularError {
        TabularError(kind, source: source, line: line, column: column, detail, fix: fix)
    }
}
