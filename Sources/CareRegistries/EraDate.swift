import CareFormats
import Foundation

/// Japanese era dates as the 厚生局 lists write them (`平成22年 4月 1日`, `令和７年９月１日`,
/// `令和元年5月1日`), as ISO dates (`2010-04-01`). Eras: 令和 (2019–), 平成 (1989–2019), 昭和 (1926–1989).
public enum EraDate {
    static let eras: [(String, Int)] = [("令和", 2018), ("平成", 1988), ("昭和", 1925)]

    /// The ISO date, or nil when the text is not an era date (or names an impossible day).
    public static func iso(_ text: String) -> String? {
        var t = TextCleaning.asciiWidth(text)
            .replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\u{3000}", with: "")
        guard let era = eras.first(where: { t.hasPrefix($0.0) }) else { return nil }
        t.removeFirst(era.0.count)
        t = t.replacingOccurrences(of: "元年", with: "1年")
        let parts = t.split(whereSeparator: { "年月日".contains($0) }).map(String.init)
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
            y >= 1, (1...12).contains(m), (1...31).contains(d)
        else { return nil }
        let year = era.1 + y
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: DateComponents(year: year, month: m, day: d)),
            calendar.component(.day, from: date) == d
        else { return nil }
        return String(format: "%04d-%02d-%02d", year, m, d)
    }
}
