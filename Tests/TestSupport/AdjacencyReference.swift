import CareAtlas
import CareGeometry

/// The study load's adjacency recomputed the way it was before the areas were converted to GEOS
/// once (``PairwiseContacts``): for every pair of areas of a level, the boundaries' intersection
/// length and the geometries' intersection area, each operand converted on its own; neighbours
/// when either is positive. `candidatesOnly` skips pairs whose bounding boxes do not meet (they
/// cannot share a point; the old load skipped them too), which keeps large layers affordable.
public enum AdjacencyReference {
    public static func neighbours(of model: StudyModel, candidatesOnly: Bool = false) throws -> [AreaLevel: [[Int]]] {
        var result: [AreaLevel: [[Int]]] = [:]
        for (level, list) in model.areas {
            var neighbours = [[Int]](repeating: [], count: list.count)
            let boundaries = try list.map { try $0.geometry.boundary() }
            let boxes = list.map { $0.geometry.boundingBox! }
            for i in list.indices {
                for j in list.indices where j > i {
                    if candidatesOnly, !boxes[i].intersects(boxes[j]) { continue }
                    let shared = try boundaries[i].intersection(boundaries[j]).length()
                    let overlap = try list[i].geometry.intersection(list[j].geometry).area()
                    if shared > 0 || overlap > 0 {
                        neighbours[i].append(j)
                        neighbours[j].append(i)
                    }
                }
            }
            result[level] = neighbours
        }
        return result
    }
}
