import CareAtlas
import CarePrivacy
import Testing

/// Direct tests of the publication, the decision's input: the line, totals over it, sequences.
@Suite struct PublicationTests {
    func line() -> Publication {
        Publication(level: .municipality, areaIDs: ["A", "B", "C"], counts: [40, 3, 12], outside: 20)
    }

    @Test func theLineEndsWithTheOutsideBucket() {
        let p = line()
        #expect(p.counts == [40, 3, 12, 20])
        #expect(p.outsideIndex == 3)
        #expect(p.grandTotal == 75)
        #expect(p.totals.isEmpty && p.sequences.isEmpty)
    }

    /// Sets of area ids become totals over cell indices; a set naming an area off the line, or
    /// without a published value, is counted in the family's size but left out of the totals.
    @Test func totalsBySetsOfAreas() {
        var p = line()
        p.add(.catchments, [(["C", "A"], 52), (["A", "Z"], 60), (["B"], nil), (["A", "B", "C"], 55)])
        #expect(p.familySizes[.catchments] == 4)
        #expect(p.totals.map(\.index) == [0, 3])
        #expect(p.totals.map(\.members) == [[0, 2], [0, 1, 2]])
        #expect(p.listing == "catchments 0: {A C} = 52\ncatchments 3: {A B C} = 55")
    }

    /// Totals over cell indices may include the outside bucket; the family's size follows the
    /// largest index.
    @Test func totalsByCellIndices() {
        var p = line()
        p.add(.groups, index: 1, members: [3, 1], value: 23)
        p.add(.groups, index: 0, members: [0, 2], value: 52)
        #expect(p.familySizes[.groups] == 2)
        #expect(p.totals.first?.members == [1, 3])
        #expect(p.listing == "groups 1: {B outside} = 23\ngroups 0: {A C} = 52")
        p.addSequence(.frontier, [30, nil, 70])
        #expect(p.familySizes[.frontier] == 3)
        #expect(p.sequences.map(\.values) == [[30, nil, 70]])
    }
}
