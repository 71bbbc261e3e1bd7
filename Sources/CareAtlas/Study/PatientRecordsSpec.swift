import Foundation

/// Patient records as hospitals keep them (`patients: records: FILE`): one row per patient or
/// episode with a postal code and/or an address, geocoded offline at load time and aggregated to
/// the study's areas. Documented with an example in `geodata/README.md`.
///
/// ```yaml
/// patients:
///   records: patient_records.csv     # CSV, UTF-8 or CP932 (spreadsheets: save as CSV for now)
///   postal_code: 郵便番号              # column, optional if address is given
///   address: 住所                      # column, optional if postal_code is given
///   breakdown: [service, age_band]     # optional columns counted per area (service, year, age band)
///   filter: {fiscal_year: "2025"}      # optional
///   gazetteer: [../shared/geodata/small_areas/census2015_attributes/13-tokyo-all.dbf]
///   postal_table: KEN_ALL.CSV          # Japan Post's table (KEN_ALL.CSV, utf_ken_all.csv); optional
/// ```
public struct PatientRecordsSpec: Sendable {
    /// The column with the postal code, if any.
    public var postalCodeField: String?
    /// The column with the address, if any.
    public var addressField: String?
    /// e-Stat census small-area attribute tables (`.dbf`), one per prefecture.
    public var gazetteer: [URL]
    /// Japan Post's postal table, if given.
    public var postalTable: URL?

    /// The reference files the geocoder reads.
    public var referenceFiles: [URL] { gazetteer + [postalTable].compactMap { $0 } }
}
