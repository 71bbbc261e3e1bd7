import CareFormats
import CareGDAL
import Foundation

/// What an institution has filed with the 地方厚生局, as flags for palliative and home care.
public struct CareRoles: Hashable, Sendable, Comparable {
    /// 在宅療養支援診療所: 1 (機能強化型・単独), 2 (機能強化型・連携) or 3 (従来型); nil when not filed.
    public var homeCareClinic: Int?
    /// 在宅療養支援病院: 1, 2 or 3 as for clinics; nil when not filed.
    public var homeCareHospital: Int?
    /// 緩和ケア病棟入院料 (a palliative care unit).
    public var palliativeCareUnit = false
    /// 在宅緩和ケア充実診療所・病院加算.
    public var homePalliativeEnhanced = false
    /// 緩和ケア診療加算 (a palliative care team on the wards).
    public var palliativeCareTeam = false
    /// 外来緩和ケア管理料.
    public var outpatientPalliative = false
    /// 在宅がん医療総合診療料.
    public var homeCancerCare = false

    public init() {}

    /// The Japanese labels of the roles held, in a fixed order (`在宅療養支援診療所3`, `緩和ケア病棟` …).
    public var labels: [String] {
        var out: [String] = []
        if let k = homeCareClinic { out.append("在宅療養支援診療所\(k)") }
        if let k = homeCareHospital { out.append("在宅療養支援病院\(k)") }
        if palliativeCareUnit { out.append("緩和ケア病棟") }
        if homePalliativeEnhanced { out.append("在宅緩和ケア充実加算") }
        if palliativeCareTeam { out.append("緩和ケア診療加算") }
        if outpatientPalliative { out.append("外来緩和ケア管理料") }
        if homeCancerCare { out.append("在宅がん医療総合診療料") }
        return out
    }

    public static func < (a: CareRoles, b: CareRoles) -> Bool { a.labels.lexicographicallyPrecedes(b.labels) }

    /// Records one filed standard (受理届出名称); returns whether it was a role of interest. The
    /// stronger kind (the lower number) wins when an institution filed two.
    @discardableResult
    public mutating func record(_ name: String) -> Bool {
        func kind() -> Int? {
            // 別添１の「第９」の１の(２)に規定する… : the number in brackets after 「…」の１の.
            guard let r = name.range(of: "の１の(") else { return nil }
            // The digit is full-width in the published files (`(３)`).
            return name[r.upperBound...].first.flatMap { Int(AreaCodes.normalizedText(String($0))) }
        }
        // Byte searches: the 名簿 has one row per filed standard, tens of thousands per file.
        if Self.contains(name, "歯科") { return false }
        if name.hasSuffix("在宅療養支援診療所") {
            let k = kind() ?? 3
            homeCareClinic = min(homeCareClinic ?? k, k)
        } else if name.hasSuffix("在宅療養支援病院") {
            let k = kind() ?? 3
            homeCareHospital = min(homeCareHospital ?? k, k)
        } else if name.hasPrefix("緩和ケア病棟入院料") {
            palliativeCareUnit = true
        } else if Self.contains(name, "在宅緩和ケア充実診療所・病院加算") {
            homePalliativeEnhanced = true
        } else if name == "緩和ケア診療加算" {
            palliativeCareTeam = true
        } else if name == "外来緩和ケア管理料" {
            outpatientPalliative = true
        } else if name == "在宅がん医療総合診療料" {
            homeCancerCare = true
        } else {
            return false
        }
        return true
    }

    /// Whether `text` contains `needle`, byte for byte (both UTF-8; no normalisation).
    private static func contains(_ text: String, _ needle: StaticString) -> Bool {
        var text = text
        return text.withUTF8 { h in
            needle.withUTF8Buffer { n in
                guard !n.isEmpty else { return true }
                guard h.count >= n.count else { return false }
                for i in 0...(h.count - n.count) where h[i] == n[0] {
                    var k = 1
                    while k < n.count, h[i + k] == n[k] { k += 1 }
                    if k == n.count { return true }
                }
                return false
            }
        }
    }
}

/// One institution of a 厚生局 registry.
public struct RegisteredInstitution: Hashable, Sendable {
    /// 都道府県コード (2 digits) + 医療機関番号 (7 digits): the 9-digit 医療機関コード.
    public var code: String
    public var name: String
    /// Postal code as written (`336-0024` or `3360024`).
    public var postalCode: String
    /// Address without the prefecture, as written.
    public var address: String
    public var prefectureCode: String
    /// Beds as written in the 名簿 (text; empty when none).
    public var beds: String
    public var roles: CareRoles
    /// Role label → earliest 算定開始年月日 (ISO) among the rows that gave it.
    public var roleSince: [String: String]
    /// Every filed standard (受理届出名称), sorted.
    public var standards: [String]
    /// The first line (row) of the institution in its file.
    public var line: Int
}

/// 関東信越厚生局 files, as downloaded.
public enum Kouseikyoku {
    /// The total of a 名簿's 病床数, written per bed type: `一般  80/療養  37` → 117,
    /// `一般 一般 20/ 療養 174` → 194, `一般  361/一般(感染)  2` → 363 (the last number of each
    /// `/`-separated part); nil when it holds no number (a clinic without beds: no data, not 0).
    public static func totalBeds(_ text: String) -> Int? {
        var total = 0, any = false
        for part in AreaCodes.normalizedText(text).split(separator: "/") {
            let numbers = part.split(whereSeparator: { !$0.isASCII || !$0.isNumber }).compactMap { Int($0) }
            if let last = numbers.last { total += last; any = true }
        }
        return any ? total : nil
    }

    /// The 届出受理医療機関名簿（医科） workbook: header on row 4, one row per institution and filed
    /// standard. Gives one institution per 医療機関番号 with its ``CareRoles`` and the date from
    /// which each role was filed (era dates → ISO).
    ///
    /// - Throws: ``GDALError`` when the workbook cannot be read, ``TabularError`` when a column is missing.
    public static func readTodokede(contentsOf url: URL, sheet: String? = nil, headerRow: Int = 4) throws
        -> (institutions: [RegisteredInstitution], report: SourceReport)
    {
        let table = try SpreadsheetFile.read(contentsOf: url, sheet: sheet, headerRow: headerRow)
        let c = try table.columns(["都道府県コード", "医療機関番号", "医療機関名称", "医療機関所在地（郵便番号）",
                                   "医療機関所在地（住所）", "病床数", "受理届出名称", "算定開始年月日"])
        var report = SourceReport(file: url.lastPathComponent, source: "kouseikyoku_todokede")
        var byCode: [String: RegisteredInstitution] = [:]
        var noNumber: [String] = [], badDate: [String] = []
        for row in table {
            report.rowsRead += 1
            let number = AreaCodes.normalizedText(row[c[1]])
            let pref = AreaCodes.normalizedText(row[c[0]])
            guard number.count == 7, pref.count == 2 else {
                noNumber.append("row \(row.lineNumber): \"\(row[c[1]])\"")
                continue
            }
            let code = pref + number
            var inst = byCode[code] ?? RegisteredInstitution(
                code: code, name: TextCleaning.trimmed(row[c[2]]), postalCode: row[c[3]],
                address: TextCleaning.trimmed(row[c[4]]), prefectureCode: pref, beds: row[c[5]],
                roles: CareRoles(), roleSince: [:], standards: [], line: row.lineNumber)
            let standard = TextCleaning.trimmed(row[c[6]])
            let before = inst.roles
            if inst.roles.record(standard) {
                let since = EraDate.iso(row[c[7]])
                if since == nil, !TextCleaning.trimmed(row[c[7]]).isEmpty {
                    badDate.append("row \(row.lineNumber): \"\(row[c[7]])\"")
                }
                for label in Set(inst.roles.labels).subtracting(before.labels) { inst.roleSince[label] = since ?? "" }
            }
            inst.standards.append(standard)
            byCode[code] = inst
        }
        report.drop("no 7-digit 医療機関番号 or 2-digit 都道府県コード", noNumber)
        if !badDate.isEmpty {
            report.notes.append("\(badDate.count) 算定開始年月日 not an era date (role kept, date empty), e.g. \(badDate.prefix(3).joined(separator: "; "))")
        }
        let list = byCode.values.sorted { $0.code < $1.code }.map { i -> RegisteredInstitution in
            var i = i
            i.standards = Array(Set(i.standards)).sorted()
            return i
        }
        report.kept = list.count
        return (list, report)
    }

    /// The コード内容別医療機関一覧表 compilation (`202508_all_med_inst_cd.zip` or its CSV): no header,
    /// five columns (9-digit code, 7-digit code, 名称, 郵便番号, 住所 without the prefecture), no
    /// coordinates. `prefectures` keeps only those prefecture codes (all when empty); the others are
    /// counted in the report.
    public static func readList(contentsOf url: URL, prefectures: Set<String> = []) throws
        -> (institutions: [RegisteredInstitution], report: SourceReport)
    {
        let (data, member) = try RegistryFiles.csvBytes(url)
        let text = try TextDecoding.decode(data, source: member)
        // No header row: give the five columns names, then read as CSV with the real line numbers.
        let table = try CSVTable(text: "code,code7,name,postal,address\n" + text.text, source: member)
        var report = SourceReport(file: url.lastPathComponent, source: "kouseikyoku_list")
        var out: [RegisteredInstitution] = []
        var bad: [String] = [], outside = 0, duplicate: [String] = []
        var seen = Set<String>()
        for row in table {
            report.rowsRead += 1
            let code = AreaCodes.normalizedText(row[0])
            guard code.count == 9, code.allSatisfy(\.isNumber) else {
                bad.append("line \(row.lineNumber - 1): \"\(row[0])\"")
                continue
            }
            let pref = String(code.prefix(2))
            if !prefectures.isEmpty, !prefectures.contains(pref) { outside += 1; continue }
            guard seen.insert(code).inserted else { duplicate.append("line \(row.lineNumber - 1): \(code)"); continue }
            out.append(RegisteredInstitution(
                code: code, name: TextCleaning.trimmed(row[2]), postalCode: row[3],
                address: TextCleaning.trimmed(row[4]), prefectureCode: pref, beds: "", roles: CareRoles(),
                roleSince: [:], standards: [], line: row.lineNumber - 1))
        }
        report.drop("code is not 9 digits", bad)
        report.drop("the same code listed again; the rows are merged into one institution", duplicate)
        if outside > 0 { report.notes.append("\(outside) rows of other prefectures than \(prefectures.sorted().joined(separator: ", ")) not read") }
        report.kept = out.count
        report.notes.append("no coordinates: \(out.count) institutions usable for lists only, left out of spatial analyses unless geocoded")
        return (out, report)
    }
}

enum RegistryFiles {
    /// The bytes of a CSV file, or of the single CSV member of a zip (ZipArchive), with the name for messages.
    static func csvBytes(_ url: URL) throws -> (Data, String) {
        guard url.pathExtension.lowercased() == "zip" else {
            do { return (try InputFile.read(url, kind: .csv), url.lastPathComponent) } catch {
                throw RegistryError(file: url.lastPathComponent, error.message, fix: error.fix)
            }
        }
        let zip = try ZipArchive(contentsOf: url)
        let members = zip.entries.filter { !$0.isDirectory && $0.name.lowercased().hasSuffix(".csv") }
        guard members.count == 1, let member = members.first else {
            throw RegistryError(
                file: url.lastPathComponent, "holds \(members.count) CSV files (\(members.map(\.name).joined(separator: ", "))), expected one",
                fix: "name the CSV file itself in the study")
        }
        return (try zip.data(of: member), "\(url.lastPathComponent): \(member.name)")
    }
}
