import CareAtlas
import CareGeometry
import Testing
import TestSupport

/// ``ExactContacts`` on the real layers of the 区中央部 case (four N03 prefecture layers,
/// simplified independently, and the e-Stat small areas of six wards): every pair whose boxes
/// meet is compared with GEOS's overlay (``PairwiseContacts``). A settled pair has no overlap in
/// GEOS and a shared length > 0 exactly when GEOS's is; the load's adjacency equals the pairwise
/// overlay of every candidate pair.
@Suite(.enabled(if: SharedData.root != nil, "\(SharedData.skipMessage)"))
struct KuchubuExactContactsTests {
    static let model = Result { try StudyLoader.load(repositoryRoot.appendingPathComponent("geodata/cases/kuchubu.yaml")) }

    @Test func settledPairsAgreeWithGEOS() throws {
        let m = try Self.model.get()
        var settledByLevel: [AreaLevel: (settled: Int, pairs: Int)] = [:]
        for (level, list) in m.areas {
            let geometries = list.map(\.geometry)
            let boxes = geometries.map { $0.boundingBox! }
            let exact = ExactContacts(geometries)
            let geos = try PairwiseContacts(geometries)
            var settled = 0, pairs = 0
            for i in list.indices {
                for j in list.indices where j > i && boxes[i].intersects(boxes[j]) {
                    pairs += 1
                    guard let s = exact.settle(i, j) else { continue }
                    settled += 1
                    let c = try geos.contact(i, j)
                    #expect(c.overlapArea == 0, "\(list[i].id) / \(list[j].id)")
                    #expect((c.sharedBoundaryLength > 0) == (s.sharedLength > 0), "\(list[i].id) / \(list[j].id)")
                    #expect(abs(c.sharedBoundaryLength - s.sharedLength) <= 1e-9 * c.sharedBoundaryLength, "\(list[i].id) / \(list[j].id)")
                }
            }
            settledByLevel[level] = (settled, pairs)
        }
        print("ExactContacts on 区中央部:", settledByLevel.sorted { $0.key < $1.key }.map { "\($0.key.rawValue) \($0.value.settled) of \($0.value.pairs)" })
        let small = try #require(settledByLevel[.smallArea]), municipal = try #require(settledByLevel[.municipality])
        #expect(small.settled > 0 && municipal.settled > 0)
        #expect(try AdjacencyReference.neighbours(of: m, candidatesOnly: true) == m.adjacency)
    }
}
