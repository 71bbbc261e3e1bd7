/// An sRGB colour with 8-bit channels.
public struct RGBColor: Sendable, Hashable, CustomStringConvertible {
    public let r: UInt8
    public let g: UInt8
    public let b: UInt8

    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    /// "#rrggbb".
    public var description: String {
        "#" + [r, g, b].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// The colour a fraction `t` (0 … 1) of the way from `self` to `other`, channel by channel.
    func mixed(with other: RGBColor, _ t: Double) -> RGBColor {
        func mix(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) + (Double(b) - Double(a)) * t).rounded()) }
        return RGBColor(mix(r, other.r), mix(g, other.g), mix(b, other.b))
    }
}

/// A sequential colour ramp: light for low values, dark for high ones, defined by a few anchor
/// colours and interpolated piecewise linearly in sRGB.
///
/// The anchors follow the lightness progression of ColorBrewer's single- and multi-hue sequential
/// schemes (Brewer & Harrower, colorbrewer2.org) without reproducing their tables.
public struct ColorRamp: Sendable, Hashable {
    public let anchors: [RGBColor]

    public init(anchors: [RGBColor]) { self.anchors = anchors }

    /// Yellow → orange → dark red, for patient counts.
    public static let patients = ColorRamp(anchors: [RGBColor(255, 243, 176), RGBColor(250, 160, 70), RGBColor(214, 48, 32), RGBColor(122, 0, 30)])
    /// Pale → dark purple, for penetration rates.
    public static let penetration = ColorRamp(anchors: [RGBColor(242, 238, 247), RGBColor(163, 150, 204), RGBColor(74, 20, 134)])
    /// Pale → dark blue, for access scores.
    public static let access = ColorRamp(anchors: [RGBColor(236, 244, 251), RGBColor(110, 168, 214), RGBColor(10, 50, 120)])

    /// `n` colours evenly spaced along the ramp (the middle anchor for n = 1).
    public func colors(_ n: Int) -> [RGBColor] {
        guard n > 0 else { return [] }
        if n == 1 { return [color(at: 0.5)] }
        return (0..<n).map { color(at: Double($0) / Double(n - 1)) }
    }

    func color(at t: Double) -> RGBColor {
        let segments = Double(anchors.count - 1)
        let position = min(max(t, 0), 1) * segments
        let i = min(Int(position), anchors.count - 2)
        return anchors[i].mixed(with: anchors[i + 1], position - Double(i))
    }
}

/// Fixed colours of the maps.
public enum Palette {
    /// Suppressed bin ("<10"): a neutral beige, drawn hatched.
    public static let suppressed = RGBColor(224, 216, 198)
    /// The hatch lines over suppressed and hidden areas.
    public static let hatch = RGBColor(140, 128, 108)
    /// The explicit "0" class.
    public static let zero = RGBColor(250, 250, 246)
    /// No data.
    public static let noData = RGBColor(200, 200, 200)
    /// The "no data" (データなし) class: a light grey drawn hatched, so that it reads as missing
    /// rather than as the lowest class, and differs from the darker hatched "x".
    public static let noDataFill = RGBColor(238, 238, 238)
    /// Area boundaries.
    public static let boundary = RGBColor(120, 120, 120)
    /// One colour per stage of a plan (fills of the stage map, outlines on the other maps): strong,
    /// colour-blind-safe hues of Okabe & Ito that stand apart from the yellow–red patient ramp.
    public static let stages: [RGBColor] = [
        RGBColor(0, 114, 178), RGBColor(204, 121, 167), RGBColor(0, 158, 115), RGBColor(86, 60, 140), RGBColor(86, 180, 233), RGBColor(120, 120, 0),
    ]
    /// A colour-blind-safe categorical palette (the order of Okabe & Ito 2008, "Color universal
    /// design"): orange, sky blue, bluish green, vermilion, reddish purple, blue, yellow.
    public static let categorical: [RGBColor] = [
        RGBColor(230, 159, 0), RGBColor(86, 180, 233), RGBColor(0, 158, 115), RGBColor(213, 94, 0),
        RGBColor(204, 121, 167), RGBColor(0, 114, 178), RGBColor(240, 228, 66),
    ]
}
