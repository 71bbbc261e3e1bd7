import CareFormats
import CareGDAL
import CareGeocoding
import CareRegistries
import Foundation

/// How one input file of a study is read beyond its extension: the GDAL layer of a vector file,
/// the sheet and header row of a workbook, or the official registry it is (`source:`).
public struct InputFileOptions: Sendable, Hashable {
    /// `layer:` — the layer of a GeoPackage (or any multi-layer vector file).
    public var layer: String?
    /// `sheet:` — the sheet of an `.xlsx`/`.ods` file (default: the first).
    public var sheet: String?
    /// `header_row:` — the 1-based row of the column names in a sheet (default 1).
    public var headerRow: Int?
    /// `source:` — an official file read by its own importer (`ssdse_a`, `iryojoho`).
    public var source: String?
    /// `prefectures:` — 2-digit codes a nationwide source is limited to.
    public var prefectures: [String] = []
    /// `allocate_with:` — the 2015 small-area attribute tables used to allocate designated cities to wards.
    public var allocateWith: [URL] = []
    /// `gazetteer:` of an institution source — the census small-area attribute tables its addresses
    /// are geocoded against (rows without coordinates; every row of a 厚生局 file).
    public var gazetteer: [URL] = []
    /// `postal_table:` of an institution source — Japan Post's table, to check and complete addresses.
    public var postalTable: URL?
    /// `roles_only: true` of a `kouseikyoku_todokede` source — keep only the institutions that filed
    /// one of the roles of ``CareRegistries/CareRoles`` (在宅療養支援診療所, 緩和ケア病棟 …).
    public var rolesOnly = false
}

extension ModelBuilder {
    /// Whether `url` is read by GDAL or a registry importer rather than the CSV reader.
    func isConvertedTable(_ url: URL) -> Bool {
        spec.fileOptions[url]?.source != nil || SpreadsheetFile.extensions.contains(url.pathExtension.lowercased())
    }

    /// Reads a workbook or registry file as a table, recording its import report as notes; nil
    /// (with an error naming the file) when it cannot be read. The table comes from
    /// ``convertedTables`` (read on other threads while the area layers load) when the load
    /// started them, else it is read here; the diagnostics are the same either way.
    mutating func openConvertedTable(_ url: URL) -> CSVTable? {
        let file = display(url)
        let outcome = convertedTables?.outcome(url) ?? ConvertedTables.read(url, options: spec.fileOptions[url] ?? InputFileOptions(), geocoder: nil)
        do {
            let (table, report) = try outcome.get()
            if let report {
                for line in report.lines { d.note(file, "", line) }
            }
            return table
        } catch let e as GDALError {
            d.error(file, e.place, e.message, fix: e.fix ?? "")
        } catch let e as GeocodingDataError {
            d.error(file, "", "cannot read the geocoder's reference tables: \(e)",
                    fix: "give the e-Stat small-area attribute tables (.dbf) and Japan Post's KEN_ALL.CSV as published")
        } catch let e as RegistryError {
            d.error(file, e.line.map { "line \($0)" } ?? "", e.message, fix: e.fix ?? "")
        } catch let e as TabularError {
            d.error(file, e.line.map { "line \($0)" } ?? "", e.unlocatedMessage.replacingOccurrences(of: url.path, with: file))
        } catch {
            d.error(file, "", "\(error)".replacingOccurrences(of: url.path, with: file))
        }
        return nil
    }

    /// Starts reading every converted table of the study (population and institution sources) on
    /// other threads; ``openConvertedTable(_:)`` takes the results.
    mutating func startConvertedTables() {
        let urls = spec.population.map(\.file).filter(isConvertedTable)
            + spec.institutions.map(\.file).filter { isConvertedTable($0) && !["geojson", "json"].contains($0.pathExtension.lowercased()) }
        guard !urls.isEmpty else { return }
        convertedTables = ConvertedTables(urls: urls, options: spec.fileOptions)
    }

    /// Reads an area layer: GeoJSON with the project's own reader, every other vector format through GDAL.
    mutating func readAreaFeatures(_ layerSpec: AreaLayerSpec) -> FeatureLayer? {
        let ext = layerSpec.file.pathExtension.lowercased()
        let file = display(layerSpec.file)
        guard ext != "geojson", ext != "json" else {
            do { return try GeoJSON.read(contentsOf: layerSpec.file) } catch {
                reportGeoJSONError(error, file: file, url: layerSpec.file)
                return nil
            }
        }
        do {
            return try VectorFile.read(
                contentsOf: layerSpec.file, layer: spec.fileOptions[layerSpec.file]?.layer,
                encoding: layerSpec.encoding == .auto ? nil : layerSpec.encoding.rawValue)
        } catch {
            d.error(file, error.place, error.message, fix: error.fix ?? "")
            return nil
        }
    }
}

/// The reference tables a geocoder is built from.
struct GeocoderTables: Hashable {
    let gazetteer: [URL]
    let postalTable: URL?
}

/// The converted tables of one load — registry importers and spreadsheets — read concurrently
/// while the loader reads the area layers (they depend on nothing the loader builds). Each census
/// attribute table (`.dbf`) named by a `gazetteer:` or an `allocate_with:` is read once and shared;
/// each geocoder (gazetteer + postal table) is built once, its two tables in parallel, and shared
/// by the sources that name the same tables; then the tables are read in parallel. A table's
/// result or error is kept for ``ModelBuilder/openConvertedTable(_:)``, which waits for it.
///
/// Thread safety: the results are written under a lock and read after the reading group is done.
final class ConvertedTables: @unchecked Sendable {
    typealias Outcome = Result<(table: CSVTable, report: SourceReport?), any Error>
    private let group = DispatchGroup()
    private let lock = NSLock()
    private var outcomes: [URL: Outcome] = [:]

    init(urls: [URL], options: [URL: InputFileOptions]) {
        DispatchQueue.global().async(group: group) { [self] in
            let optionsOf: @Sendable (URL) -> InputFileOptions = { options[$0] ?? InputFileOptions() }
            // 1. Each distinct census attribute table, once, in parallel.
            var dbfURLs: [URL] = []
            for url in urls {
                let o = optionsOf(url)
                for dbf in o.gazetteer + (o.source == "ssdse_a" ? o.allocateWith : []) where !dbfURLs.contains(dbf) { dbfURLs.append(dbf) }
            }
            let dbfList = dbfURLs
            let dbfSlots = ParallelSlots<Result<DBFTable, DBFError>>(count: dbfList.count)
            DispatchQueue.concurrentPerform(iterations: dbfList.count) { i in
                dbfSlots.set(i, Result { () throws(DBFError) in try DBFTable(contentsOf: dbfList[i]) })
            }
            let dbfs = Dictionary(uniqueKeysWithValues: zip(dbfList, dbfSlots.filled))
            @Sendable func tables(_ list: [URL]) throws -> [DBFTable] { try list.map { try dbfs[$0]!.get() } }
            // 2. Each distinct geocoder, its gazetteer and postal table built in parallel.
            var distinct: [GeocoderTables] = []
            for url in urls {
                let o = optionsOf(url)
                let key = GeocoderTables(gazetteer: o.gazetteer, postalTable: o.postalTable)
                if !o.gazetteer.isEmpty, !distinct.contains(key) { distinct.append(key) }
            }
            let keys = distinct
            let gazetteers = ParallelSlots<Result<Gazetteer, any Error>>(count: keys.count)
            let postalTables = ParallelSlots<Result<PostalTable?, any Error>>(count: keys.count)
            DispatchQueue.concurrentPerform(iterations: keys.count * 2) { i in
                let key = keys[i / 2]
                if i % 2 == 0 {
                    gazetteers.set(i / 2, Result { try Gazetteer(tables: tables(key.gazetteer)) })
                } else {
                    postalTables.set(i / 2, Result { try key.postalTable.map { try PostalTable(contentsOf: $0) } })
                }
            }
            let builtGazetteers = gazetteers.values, builtPostal = postalTables.values
            let geocoders = Dictionary(uniqueKeysWithValues: keys.indices.map { k in
                (keys[k], Result<InstitutionGeocoder, any Error> {
                    guard let gazetteer = try builtGazetteers[k]?.get() else { throw AnalysisError("the gazetteer was not read") }
                    return InstitutionGeocoder(Geocoder(gazetteer: gazetteer, postalTable: try builtPostal[k]?.get() ?? nil))
                })
            })
            // 3. The tables, in parallel.
            DispatchQueue.concurrentPerform(iterations: urls.count) { i in
                let url = urls[i], o = optionsOf(url)
                let outcome: Outcome
                if o.gazetteer.isEmpty {
                    let shared = o.source == "ssdse_a" && !o.allocateWith.isEmpty ? Result { try tables(o.allocateWith) } : nil
                    switch shared {
                    case .failure(let error)?: outcome = .failure(error)
                    case .success(let list)?: outcome = Self.read(url, options: o, geocoder: nil, allocationTables: list)
                    case nil: outcome = Self.read(url, options: o, geocoder: nil)
                    }
                } else {
                    switch geocoders[GeocoderTables(gazetteer: o.gazetteer, postalTable: o.postalTable)] {
                    case .success(let g)?: outcome = Self.read(url, options: o, geocoder: g)
                    case .failure(let error)?: outcome = .failure(error)
                    case nil: outcome = .failure(AnalysisError("no geocoder for \(url.lastPathComponent)"))
                    }
                }
                lock.lock(); outcomes[url] = outcome; lock.unlock()
            }
        }
    }

    /// The table read from `url` (waiting until the reading is done), or nil when it was not
    /// among the tables started.
    func outcome(_ url: URL) -> Outcome? {
        group.wait()
        lock.lock(); defer { lock.unlock() }
        return outcomes[url]
    }

    /// Reads one converted table (a registry source or a spreadsheet) with its options;
    /// `allocationTables` are the `allocate_with:` tables when already read.
    static func read(_ url: URL, options: InputFileOptions, geocoder: InstitutionGeocoder?,
                     allocationTables: [DBFTable]? = nil) -> Outcome {
        Result {
            let geocoder = try geocoder ?? (options.gazetteer.isEmpty ? nil : InstitutionGeocoder(Geocoder(
                gazetteer: try Gazetteer(dbfFiles: options.gazetteer),
                postalTable: try options.postalTable.map { try PostalTable(contentsOf: $0) })))
            let (table, report) = try StudySources.table(
                url, source: options.source, sheet: options.sheet, headerRow: options.headerRow,
                prefectures: Set(options.prefectures), allocateWith: options.allocateWith, allocationTables: allocationTables,
                geocoder: geocoder,
                rolesOnly: options.rolesOnly)
            return (table, report)
        }
    }
}

/// The offline ``Geocoder`` as the registries' ``AddressGeocoder``: an address without its
/// prefecture (the 厚生局 files) gets the prefecture of the row's code first, so that a name such
/// as 府中市 or 緑区 is looked up in the right prefecture. Every match level is accepted (the
/// level becomes the institution's `match_level`); an unmatched address fails with its reason.
///
/// Thread safety: immutable.
struct InstitutionGeocoder: AddressGeocoder {
    let geocoder: Geocoder
    /// 2-digit prefecture code → prefecture name, from the gazetteer.
    let prefectureNames: [String: String]

    init(_ geocoder: Geocoder) {
        self.geocoder = geocoder
        var names: [String: String] = [:]
        for m in geocoder.gazetteer.municipalities where names[String(m.code.prefix(2))] == nil {
            names[String(m.code.prefix(2))] = m.prefecture
        }
        prefectureNames = names
    }

    func locate(address: String, postalCode: String?, prefectureCode: String) -> Result<GeocodedPlace, GeocodingFailure> {
        var text = address
        if let prefecture = prefectureNames[prefectureCode],
           !AddressNormalizer.normalize(address).hasPrefix(AddressNormalizer.normalize(prefecture)) {
            text = prefecture + address
        }
        let r = geocoder.geocode(address: text, postalCode: postalCode)
        guard r.level != .unmatched, let lon = r.longitude, let lat = r.latitude, let m = r.municipalityCode else {
            return .failure(GeocodingFailure(reason: r.reasons.last?.rawValue ?? "not placed"))
        }
        if prefectureNames[prefectureCode] == nil, !prefectureCode.isEmpty {
            return .failure(GeocodingFailure(reason: MatchReason.prefectureNotCovered.rawValue))
        }
        return .success(GeocodedPlace(lon: lon, lat: lat, level: r.level.rawValue, municipalityCode: m))
    }
}
