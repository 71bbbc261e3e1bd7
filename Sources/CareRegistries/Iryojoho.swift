import CareFormats
import Foundation

/// One hospital (or clinic) of the 医療情報ネット open data.
public struct IryojohoFacility: Hashable, Sendable {
    /// `ID` (13 digits, kept as text).
    public var id: String
    /// 正式名称.
    public var name: String
    /// 機関区分 as written (`1` hospital, `2` clinic …).
    public var kindCode: String
    /// 都道府県コード + 3-digit 市区町村コード: the 5-digit municipality code (`13105`).
    public var municipalityCode: String
    /// 所在地 as written (with the prefecture, full-width digits).
    public var address: String
    /// Longitude and latitude in degrees; nil when the file gives 0/0 (missing) or nothing.
    public var lon: Double?
    public var lat: Double?
    /// 合計病床数; nil when empty.
    public var beds: Int?
    /// How the position was found: nil for the file's own coordinates, else the geocoder's match
    /// level (`町丁`, `大字・町`, `市区町村`) for a row at 0/0 placed by its address.
    public var matchLevel: String? = nil
    /// The physical line in the CSV member.
    public var line: Int
}

/// Where an address was placed: the centroid of the matched unit and how precise it is.
public struct GeocodedPlace: Hashable, Sendable {
    public var lon: Double
    public var lat: Double
    /// The match level's Japanese label (`町丁`, `大字・町`, `市区町村`), kept as an attribute.
    public var level: String
    /// The 5-digit municipality code of the match.
    public var municipalityCode: String

    public init(lon: Double, lat: Double, level: String, municipalityCode: String) {
        self.lon = lon
        self.lat = lat
        self.level = level
        self.municipalityCode = municipalityCode
    }
}

/// Gives coordinates to an institution's address (CareAtlas plugs its offline ``Geocoder`` in
/// here, so this module does not depend on the geocoder). Either a place, or the reason the
/// address could not be placed (used in the source's report).
public protocol AddressGeocoder: Sendable {
    /// - Parameters:
    ///   - address: as written, with or without the prefecture;
    ///   - postalCode: as written, when the registry has one;
    ///   - prefectureCode: the 2-digit prefecture of the registry row (addresses of the 厚生局
    ///     files omit the prefecture).
    func locate(address: String, postalCode: String?, prefectureCode: String) -> Result<GeocodedPlace, GeocodingFailure>
}

/// Why an address could not be placed (the geocoder's reason, in English).
public struct GeocodingFailure: Error, Hashable, Sendable {
    public var reason: String
    public init(reason: String) { self.reason = reason }
}

/// 厚生労働省 医療情報ネット（ナビイ） open data, facility table (`01-1_hospital_facility_info_*.zip`
/// or the CSV inside): UTF-8 with BOM, 65 columns, 3-digit 市区町村コード joined with the 2-digit
/// 都道府県コード, and 0/0 written for missing coordinates.
public enum Iryojoho {
    /// Reads the table.
    ///
    /// - Parameters:
    ///   - prefectures: 2-digit codes to keep (all when empty); other rows are counted in the report.
    ///   - geocoder: places rows without coordinates by address; without one they are left out
    ///     of the result and listed in the report.
    /// - Throws: ``RegistryError`` or ``CareFormats/TabularError`` naming the file and line.
    public static func read(contentsOf url: URL, prefectures: Set<String> = [], geocoder: AddressGeocoder? = nil) throws
        -> (facilities: [IryojohoFacility], report: SourceReport)
    {
        let (data, member) = try RegistryFiles.csvBytes(url)
        let table = try CSVTable(data: data, source: member)
        let c = try table.columns(["ID", "正式名称", "機関区分", "都道府県コード", "市区町村コード", "所在地",
                                   "所在地座標（緯度）", "所在地座標（経度）", "合計病床数"])
        var report = SourceReport(file: url.lastPathComponent, source: "iryojoho")
        var out: [IryojohoFacility] = []
        var outside = 0
        var noCoordinates: [String] = [], badCode: [String] = []
        var geocoded: [String: [String]] = [:], notPlaced: [String: [String]] = [:]
        for row in table {
            report.rowsRead += 1
            let pref = AreaCodes.normalizedText(row[c[3]]), city = AreaCodes.normalizedText(row[c[4]])
            guard pref.count == 2, city.count == 3, (pref + city).allSatisfy(\.isNumber) else {
                badCode.append("line \(row.lineNumber): \(row[c[1]]) (\(row[c[3]])/\(row[c[4]]))")
                continue
            }
            if !prefectures.isEmpty, !prefectures.contains(pref) { outside += 1; continue }
            var facility = IryojohoFacility(
                id: TextCleaning.trimmed(row[c[0]]), name: TextCleaning.trimmed(row[c[1]]),
                kindCode: row[c[2]], municipalityCode: pref + city, address: row[c[5]],
                lon: Double(TextCleaning.trimmed(row[c[7]])),
                lat: Double(TextCleaning.trimmed(row[c[6]])),
                beds: officialCount(row[c[8]]), line: row.lineNumber)
            if facility.lon == 0 && facility.lat == 0 { facility.lon = nil; facility.lat = nil }
            if facility.lon == nil || facility.lat == nil {
                let example = "line \(row.lineNumber): \(facility.name)"
                guard let geocoder else { noCoordinates.append(example); continue }
                switch geocoder.locate(address: facility.address, postalCode: nil, prefectureCode: pref) {
                case .success(let place):
                    facility.lon = place.lon; facility.lat = place.lat; facility.matchLevel = place.level
                    geocoded[place.level, default: []].append(example)
                case .failure(let failure):
                    notPlaced[failure.reason, default: []].append(example)
                    continue
                }
            }
            out.append(facility)
        }
        report.drop("都道府県コード/市区町村コード not 2 + 3 digits", badCode)
        report.drop("no coordinates (0/0 in the file); no geocoder (add gazetteer: to place them by address)", noCoordinates)
        for (reason, examples) in notPlaced.sorted(by: { $0.key < $1.key }) {
            report.drop("no coordinates (0/0 in the file), address not placed: \(reason)", examples)
        }
        report.noteGeocoded(geocoded, what: "rows without coordinates (0/0)")
        if outside > 0 {
            report.notes.append("\(outside) rows of prefectures other than \(prefectures.sorted().joined(separator: ", ")) not read")
        }
        report.kept = out.count
        return (out, report)
    }
}
