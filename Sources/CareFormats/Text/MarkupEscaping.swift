/// Escaping of text for XML and HTML (element content and quoted attribute values).
public enum MarkupEscaping {
    /// `&`, `<`, `>`, `"` and `'` as entities; other characters unchanged.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }
}
