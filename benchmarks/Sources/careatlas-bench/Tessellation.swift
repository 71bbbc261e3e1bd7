import ArgumentParser
import CareFormats
import Foundation
import TestSupport

/// `tessellation --columns 100 --rows 50 --points 1000000 --seed 1 --out DIR`: polygons.geojson,
/// an adjacent tessellation of the layout's square (a grid whose shared corners and edge midpoints
/// are jittered, so neighbours share their edges exactly: a coverage), and points.csv (id,x,y),
/// points drawn from the clustered layout and kept inside the square.
struct Tessellation: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a seeded adjacent polygon tessellation and points for the point-in-polygon and union benchmarks.")

    @Option(help: "Cells across.") var columns = 100
    @Option(help: "Cells down.") var rows = 50
    @Option(help: "Points to aggregate.") var points = 1_000_000
    @Option(help: "Seed of the generator.") var seed: UInt64 = 1
    @Option(help: "Folder to write polygons.geojson and points.csv into (created).") var out: String

    func validate() throws {
        guard columns > 0, rows > 0, points >= 0 else { throw ValidationError("--columns and --rows must be > 0, --points ≥ 0") }
    }

    func run() throws {
        let folder = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var random = SplitMix64(state: seed)
        let side = Layout.side
        let width = side / Double(columns), height = side / Double(rows)
        // Lattice at half-cell steps: corners (even, even) and edge midpoints; interior ones jittered.
        let nx = 2 * columns + 1, ny = 2 * rows + 1
        var lattice = [(x: Double, y: Double)](repeating: (0, 0), count: nx * ny)
        for b in 0..<ny {
            for a in 0..<nx {
                var x = -side / 2 + Double(a) * width / 2
                var y = -side / 2 + Double(b) * height / 2
                let interiorX = a > 0 && a < nx - 1, interiorY = b > 0 && b < ny - 1
                if interiorX && b % 2 == 0 { x += (random.uniform() - 0.5) * 0.3 * width }
                if interiorY && a % 2 == 0 { y += (random.uniform() - 0.5) * 0.3 * height }
                lattice[b * nx + a] = ((x * 100).rounded() / 100, (y * 100).rounded() / 100)
            }
        }
        var text = "{\"type\":\"FeatureCollection\",\"features\":[\n"
        for r in 0..<rows {
            for c in 0..<columns {
                // Counter-clockwise: bottom edge left to right, right edge up, top edge back, left edge down.
                let a0 = 2 * c, b0 = 2 * r
                let ring = [(a0, b0), (a0 + 1, b0), (a0 + 2, b0), (a0 + 2, b0 + 1), (a0 + 2, b0 + 2), (a0 + 1, b0 + 2),
                            (a0, b0 + 2), (a0, b0 + 1), (a0, b0)]
                let id = r * columns + c + 1
                text += "{\"type\":\"Feature\",\"properties\":{\"id\":\(id)},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[["
                for (k, (a, b)) in ring.enumerated() {
                    let p = lattice[b * nx + a]
                    text += k == 0 ? "[" : ",["
                    appendCentimetres(p.x, to: &text)
                    text += ","
                    appendCentimetres(p.y, to: &text)
                    text += "]"
                }
                text += "]]}}"
                text += id == rows * columns ? "\n" : ",\n"
            }
        }
        text += "]}\n"
        try AtomicFile.write(Data(text.utf8), to: folder.appendingPathComponent("polygons.geojson"))

        let layout = Layout(random: &random)
        text = "id,x,y\n"
        text.reserveCapacity(32 * (points + 1))
        var written = 0
        while written < points {
            let p = layout.point(&random)
            guard abs(p.x) < side / 2, abs(p.y) < side / 2 else { continue }
            written += 1
            text += "p\(written),"
            appendCentimetres(p.x, to: &text)
            text += ","
            appendCentimetres(p.y, to: &text)
            text += "\n"
        }
        try AtomicFile.write(Data(text.utf8), to: folder.appendingPathComponent("points.csv"))
        print("{\"polygons\":\(rows * columns),\"points\":\(points),\"seed\":\(seed)}")
    }
}
