/// The one form of every input problem's message:
/// `<file>, line <n>, column "<name>": <message>; <fix>`, with the parts that are not known left out.
public enum ProblemText {
    public static func format(source: String?, line: Int?, column: String? = nil, _ message: String, fix: String?) -> String {
        var location: [String] = []
        if let source { location.append(source) }
        if let line { location.append("line \(line)") }
        if let column { location.append("column \"\(column)\"") }
        var text = location.isEmpty ? message : location.joined(separator: ", ") + ": " + message
        if let fix, !fix.isEmpty { text += "; " + fix }
        return text
    }
}
