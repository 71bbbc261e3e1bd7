/// How a road network is travelled: by car or on foot. Each mode has a speed table per OSM
/// `highway` class and rules for direction and access, all documented here.
///
/// **Car** (speeds in km/h, free-flow, close to the defaults of OSRM's car profile):
///
/// | highway | km/h | highway | km/h |
/// |---|---|---|---|
/// | motorway | 90 | motorway_link | 45 |
/// | trunk | 85 | trunk_link | 40 |
/// | primary | 65 | primary_link | 30 |
/// | secondary | 55 | secondary_link | 25 |
/// | tertiary | 40 | tertiary_link | 20 |
/// | unclassified | 25 | residential | 25 |
/// | living_street | 10 | service | 15 |
///
/// A parseable `maxspeed` replaces the table's speed (see ``TravelMode/parseMaxspeed(_:)``).
/// Direction: `oneway=yes|true|1` forward only, `oneway=-1|reverse` backward only, `oneway=no|false|0`
/// both ways; without a `oneway` tag, `junction=roundabout|circular`, `highway=motorway` and
/// `motorway_link` are one-way. `oneway=reversible|alternating` ways are not used (their direction
/// changes with the time of day). Access: the most specific of `motorcar`, `motor_vehicle`,
/// `vehicle`, `access` that is present decides; `no` and `private` exclude the way.
///
/// **Foot** (km/h): 5 on footway, path, pedestrian, living_street, residential, service,
/// unclassified, track, cycleway, bridleway, corridor, trunk, primary, secondary, tertiary and their
/// links; 3 on steps. Motorways are excluded. `maxspeed` and `oneway` do not apply on foot. Access: the
/// most specific of `foot`, `access` decides; `no` and `private` exclude the way. For both modes
/// `area=yes` ways are excluded (a pedestrian square's outline is not a street).
///
/// Not modelled (stated so that results are read correctly): turn restrictions and turn costs,
/// traffic signals, `maxspeed:forward/backward`, time-dependent access, ferries, congestion.
public enum TravelMode: String, Sendable, CaseIterable, Hashable {
    case car
    case foot

    /// The speed table, km/h by `highway` value.
    public var speedTableKmh: [String: Double] {
        switch self {
        case .car:
            return ["motorway": 90, "motorway_link": 45, "trunk": 85, "trunk_link": 40,
                    "primary": 65, "primary_link": 30, "secondary": 55, "secondary_link": 25,
                    "tertiary": 40, "tertiary_link": 20, "unclassified": 25, "residential": 25,
                    "living_street": 10, "service": 15]
        case .foot:
            var table: [String: Double] = [:]
            for key in ["footway", "path", "pedestrian", "living_street", "residential", "service",
                        "unclassified", "track", "cycleway", "bridleway", "corridor",
                        "trunk", "trunk_link", "primary", "primary_link", "secondary", "secondary_link",
                        "tertiary", "tertiary_link"] {
                table[key] = 5
            }
            table["steps"] = 3
            return table
        }
    }

    /// How a way may be travelled in this mode.
    public struct WayRule: Hashable, Sendable {
        /// Speed in km/h.
        public let speedKmh: Double
        /// Travel from the way's first node towards its last is allowed.
        public let forward: Bool
        /// Travel from the last node towards the first is allowed.
        public let backward: Bool
    }

    /// The rule for a way with these tags, or nil when the way is not usable in this mode.
    public func rule(tags: [String: String]) -> WayRule? {
        guard let highway = tags["highway"], let tableSpeed = speedTableKmh[highway] else { return nil }
        if tags["area"] == "yes" { return nil }
        let accessKeys: [String] = self == .car ? ["motorcar", "motor_vehicle", "vehicle", "access"] : ["foot", "access"]
        if let decisive = accessKeys.lazy.compactMap({ tags[$0] }).first, decisive == "no" || decisive == "private" {
            return nil
        }
        switch self {
        case .foot:
            return WayRule(speedKmh: tableSpeed, forward: true, backward: true)
        case .car:
            let speed = tags["maxspeed"].flatMap(Self.parseMaxspeed) ?? tableSpeed
            var forward = true, backward = true
            switch tags["oneway"] {
            case "yes", "true", "1": backward = false
            case "-1", "reverse": forward = false
            case "no", "false", "0": break
            case "reversible", "alternating": return nil
            default:
                let junction = tags["junction"]
                if junction == "roundabout" || junction == "circular" || highway == "motorway" || highway == "motorway_link" {
                    backward = false
                }
            }
            return WayRule(speedKmh: speed, forward: forward, backward: backward)
        }
    }

    /// Speed limits implied by zone values (`maxspeed=JP:urban`, `DE:rural`, …), km/h.
    ///
    /// Japan: the legal limit without signs is 60 km/h on ordinary roads (道路交通法施行令第11条)
    /// and 100 km/h on expressways (同第27条). Elsewhere the common European values: urban 50,
    /// rural 90 (DE 100, FI 80, FR 80), motorway 120 (DE 130 advisory), living_street 20, walk 6.
    public static let zoneSpeedsKmh: [String: Double] = [
        "urban": 50, "rural": 90, "motorway": 120, "trunk": 100, "living_street": 20, "walk": 6,
        "JP:urban": 60, "JP:rural": 60, "JP:nsl": 60, "JP:motorway": 100, "JP:expressway": 100,
        "DE:urban": 50, "DE:rural": 100, "DE:motorway": 130, "DE:living_street": 7,
        "FI:urban": 50, "FI:rural": 80, "FI:motorway": 120,
        "FR:urban": 50, "FR:rural": 80, "FR:motorway": 130,
        "GB:nsl_single": 96.56064, "GB:nsl_dual": 112.65408, "GB:motorway": 112.65408,
    ]

    /// Parses an OSM `maxspeed` value into km/h, or nil when it gives no usable number (then the
    /// speed table applies).
    ///
    /// Accepted: a number (`50`, `50.5`) in km/h; a number with a unit (`50 km/h`, `50kmh`, `30 mph`:
    /// 1 mph = 1.609344 km/h; `10 knots`: 1 kn = 1.852 km/h); a zone value from ``zoneSpeedsKmh``
    /// (`JP:urban`, `DE:rural`; an unknown country prefix falls back to the part after the colon, so
    /// `XX:urban` gives 50); several values separated by `;` give the smallest. `none`, `signals`,
    /// `variable`, `walk`-like words outside the table and non-positive numbers give nil.
    public static func parseMaxspeed(_ value: String) -> Double? {
        if value.contains(";") {
            let parts = value.split(separator: ";").compactMap { parseMaxspeed(String($0)) }
            return parts.min()
        }
        let text = value.trimmingCharacters(in: .whitespaces)
        if let zone = zoneSpeedsKmh[text] { return zone }
        if let colon = text.firstIndex(of: ":") {
            let suffix = String(text[text.index(after: colon)...])
            if let zone = zoneSpeedsKmh[suffix] { return zone }
            // `RU:urban:50`-like zone values with an explicit number are not standard; not guessed.
            return nil
        }
        var number = ""
        var rest = Substring(text)
        while let c = rest.first, c.isASCII, c.isNumber || c == "." {
            number.append(c)
            rest = rest.dropFirst()
        }
        guard let magnitude = Double(number), magnitude > 0, magnitude.isFinite else { return nil }
        let unit = rest.trimmingCharacters(in: .whitespaces).lowercased()
        switch unit {
        case "", "km/h", "kmh", "kph", "km/hr": return magnitude
        case "mph": return magnitude * 1.609344
        case "knots", "kn": return magnitude * 1.852
        default: return nil
        }
    }
}

import Foundation
