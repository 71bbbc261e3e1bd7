import CareFormats
import CareGDAL
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
}

extension ModelBuilder {
    /// Whether `url` is read by GDAL or a registry importer rather than the CSV reader.
    func isConvertedTable(_ url: URL) -> Bool {
        spec.fileOptions[url]?.source != nil || SpreadsheetFile.extensions.contains(url.pathExtension.lowercased())
    }

    /// Reads a workbook or registry file as a table, recording its import report as notes; nil
    /// (with an error naming the file) when it cannot be read.
    mutating func openConvertedTable(_ url: URL) -> CSVTable? {
        let file = display(url)
        let options = spec.fileOptions[url] ?? InputFileOptions()
        do {
            let (table, report) = try StudySources.table(
                url, source: options.source, sheet: options.sheet, headerRow: options.headerRow,
                prefectures: Set(options.prefectures), allocateWith: options.allocateWith)
            if let report {
                for line in report.lines { d.note(file, "", line) }
            }
            return table
        } catch let e as GDALError {
            d.error(file, e.place, e.message, fix: e.fix ?? "")
        } catch let e as RegistryError {
            d.error(file, e.line.map { "line \($0)" } ?? "", e.message, fix: e.fix ?? "")
        } catch let e as TabularError {
            d.error(file, e.line.map { "line \($0)" } ?? "", e.unlocatedMessage.replacingOccurrences(of: url.path, with: file))
        } catch {
            d.error(file, "", "\(error)".replacingOccurrences(of: url.path, with: file))
        }
        return nil
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
