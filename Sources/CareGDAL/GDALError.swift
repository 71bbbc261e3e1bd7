import CareFormats

/// A problem reading a file through GDAL, placed as precisely as it is known: the file, then the
/// layer (or sheet), then the feature (or row). The message is GDAL's own (`CPLGetLastErrorMsg`)
/// where GDAL gave one, followed by what to do.
public struct GDALError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file name as shown to the user (last path component).
    public let file: String
    /// The layer or sheet, when the problem is inside one.
    public let layer: String?
    /// Where inside the layer: `feature 12` or `row 7`.
    public let location: String?
    /// What is wrong, in English.
    public let message: String
    /// What to do about it.
    public let fix: String?

    public init(file: String, layer: String? = nil, location: String? = nil, _ message: String, fix: String? = nil) {
        self.file = file
        self.layer = layer
        self.location = location
        self.message = message
        self.fix = fix
    }

    /// Where the problem is, without the file: `layer r2ka13101, feature 3`.
    public var place: String {
        [layer.map { "layer \($0)" }, location].compactMap { $0 }.joined(separator: ", ")
    }

    /// `file, layer L, feature N: message; fix`.
    public var description: String {
        let head = [file, place].filter { !$0.isEmpty }.joined(separator: ", ")
        return ProblemText.format(source: head, line: nil, message, fix: fix)
    }
}
