import CareGeometry

/// The page of a map: A4 landscape for print, 1920 × 1080 for slides.
public enum MapPage: String, Sendable, Hashable, CaseIterable {
    /// A4 landscape, 297 × 210 mm (in PostScript points, 1/72 in); PNG at 150 dpi.
    case a4
    /// 1920 × 1080 pixels (one unit per pixel in every format).
    case slide

    /// Width and height in page units (points for A4, pixels for slides).
    public var size: (width: Double, height: Double) {
        switch self {
        case .a4: return (297 / 25.4 * 72, 210 / 25.4 * 72)
        case .slide: return (1920, 1080)
        }
    }

    /// Pixels per page unit of PNG output.
    public var pngScale: Double { self == .a4 ? 150.0 / 72.0 : 1 }
}

/// A symbol for points (institutions), each distinct in shape so kinds stay apart in grey print.
public enum PointSymbol: String, Sendable, Hashable, CaseIterable {
    case circle, square, triangle, diamond, cross, invertedTriangle, star
}

/// An area of a choropleth: its geometry (metric CRS, metres), class and optional label.
public struct MapArea: Sendable, Hashable {
    public let geometry: Geometry
    /// Index into ``ThematicMap/classes``.
    public let classIndex: Int
    /// The label drawn at `labelPoint`, or nil for none.
    public let label: String?
    public let labelPoint: Coordinate?
    /// Labels are placed in decreasing priority (then larger areas first); a label that would
    /// overlap one already placed is skipped.
    public let labelPriority: Double
    /// The label must be drawn (an area of the decision region): placed first, moved beside its
    /// point when that is taken, drawn even where nothing is free.
    public let labelRequired: Bool

    public init(geometry: Geometry, classIndex: Int, label: String? = nil, labelPoint: Coordinate? = nil, labelPriority: Double = 0,
                labelRequired: Bool = false) {
        self.geometry = geometry
        self.classIndex = classIndex
        self.label = label
        self.labelPoint = labelPoint
        self.labelPriority = labelPriority
        self.labelRequired = labelRequired
    }
}

/// Outlines drawn over the choropleth (catchments, stages), with their legend entry.
public struct OutlineLayer: Sendable, Hashable {
    public let name: String
    public let geometries: [Geometry]
    public let color: RGBColor
    /// Line width in page units at A4 (scaled with the page).
    public let width: Double
    /// Dash lengths (on, off…) in the same units; empty for a solid line.
    public let dash: [Double]

    public init(name: String, geometries: [Geometry], color: RGBColor, width: Double = 1.6, dash: [Double] = []) {
        self.name = name
        self.geometries = geometries
        self.color = color
        self.width = width
        self.dash = dash
    }
}

/// Points of one kind (institutions), with their legend entry.
public struct PointLayer: Sendable, Hashable {
    public let name: String
    public let positions: [Coordinate]
    public let symbol: PointSymbol
    public let color: RGBColor
    /// Symbol size (diameter) in page units at A4.
    public let size: Double
    /// Drawn last, larger, with a thick outline: the anchor hospital.
    public let emphasised: Bool
    /// Symbols closer than a grid cell (16 units at A4) are drawn as one, larger with the count.
    public var aggregated = true

    public init(name: String, positions: [Coordinate], symbol: PointSymbol, color: RGBColor, size: Double = 5, emphasised: Bool = false) {
        self.name = name
        self.positions = positions
        self.symbol = symbol
        self.color = color
        self.size = size
        self.emphasised = emphasised
    }
}

/// Everything one map shows, independent of the output format.
///
/// Geometry is in the study's metric CRS (metres): the scale bar is measured in it.
public struct ThematicMap: Sendable, Hashable {
    public var page: MapPage
    public var language: MapLanguage
    public var title: String
    /// E.g. the data period and classification.
    public var subtitle: String
    public var legendTitle: String
    public var classes: [MapClass]
    public var areas: [MapArea]
    public var outlines: [OutlineLayer]
    public var points: [PointLayer]
    /// Draw area labels (skipped where they would collide).
    public var showLabels: Bool
    /// Credit lines at the bottom of the page.
    public var credits: [String]
    /// Show the "internal — contains small counts" banner (suppression off).
    public var internalBanner: Bool
    /// The part of the plane to show; nil: the areas whose class is not "no data", else all areas.
    public var extent: Envelope?
    /// An overview inset of the whole study area (grey) with the region shown marked, when the
    /// extent is a part of it: the areas, and the region to highlight.
    public var overview: [Geometry] = []
    public var overviewHighlight: [Geometry] = []
    /// The part of the plane the inset shows (nil: all of ``overview``).
    public var overviewExtent: Envelope?
    /// A note under the legend (e.g. how symbols are aggregated).
    public var legendNote: String?

    public init(
        page: MapPage = .a4, language: MapLanguage = .ja, title: String, subtitle: String = "", legendTitle: String,
        classes: [MapClass], areas: [MapArea], outlines: [OutlineLayer] = [], points: [PointLayer] = [],
        showLabels: Bool = true, credits: [String] = [], internalBanner: Bool = false, extent: Envelope? = nil
    ) {
        self.page = page
        self.language = language
        self.title = title
        self.subtitle = subtitle
        self.legendTitle = legendTitle
        self.classes = classes
        self.areas = areas
        self.outlines = outlines
        self.points = points
        self.showLabels = showLabels
        self.credits = credits
        self.internalBanner = internalBanner
        self.extent = extent
    }

    /// The extent drawn: ``extent`` or the envelope of the areas with data.
    public var drawnExtent: Envelope? {
        if let extent { return extent }
        let withData = areas.filter { classes.indices.contains($0.classIndex) && classes[$0.classIndex].role != .noData }
        let chosen = withData.isEmpty ? areas : withData
        var env: Envelope?
        for a in chosen {
            guard let b = a.geometry.boundingBox else { continue }
            if var e = env { e.expand(toInclude: b); env = e } else { env = b }
        }
        return env
    }
}
