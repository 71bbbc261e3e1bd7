import CareAtlas
import CareExport
import Foundation
import Testing

@Suite struct TableTests {
    @Test func csvQuotesAndExcelVariant() {
        let t = Table(title: "t", header: ["area_name", "patients"], rows: [["桜区, 北", "12"], ["say \"hi\"", "3"]])
        #expect(String(decoding: t.csv(), as: UTF8.self) == "area_name,patients\n\"桜区, 北\",12\n\"say \"\"hi\"\"\",3\n")
        let excel = t.csv(excel: true)
        #expect(Array(excel.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(String(decoding: excel.dropFirst(3), as: UTF8.self).hasSuffix(",3\r\n"))
    }

    @Test func markdownAlignsNumbersRight() {
        let t = Table(title: "Wards", header: ["name", "patients"], rows: [["a|b", "<10"], ["c", "12"]])
        #expect(t.markdown() == "### Wards\n\n| name | patients |\n| --- | ---: |\n| a\\|b | <10 |\n| c | 12 |\n")
    }

    @Test func fixedFormatting() {
        #expect(Format.number(-0.0001, decimals: 2) == "0.00")
        #expect(Format.count(46000) == "46000")
        #expect(Format.count(nil) == "")
        #expect(Format.percent(0.109375) == "10.94")
    }

    @Test func suppressionHidesSmallAndOneMoreCell() {
        // One small cell (4) with the total shown: the smallest other non-zero cell (12) goes too,
        // labelled "x" (it is not small itself).
        var t = Table(title: "", header: ["area", "patients", "share"], rows: [["a", "40", "50"], ["b", "12", "15"], ["c", "4", "5"], ["d", "0", "0"], ["e", "24", "30"]])
        suppress(&t, counts: [40, 12, 4, 0, 24], countColumn: 1, dependentColumns: [2], policy: SmallCellPolicy(minCell: 10))
        #expect(t.rows.map { $0[1] } == ["40", "x", "<10", "0", "24"])
        #expect(t.rows.map { $0[2] } == ["50", "", "", "0", "30"])
        var u = t
        suppress(&u, counts: [40, 12, 4, 0, 24], countColumn: 1, dependentColumns: [2], policy: .none)
        #expect(u == t)
    }
}

@Suite struct OutputFolderTests {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-out-\(getpid())-\(UUID().uuidString)")

    @Test func refusesAnInputFolderOrOneInsideIt() throws {
        let input = base.appendingPathComponent("inputs/study.yaml")
        try FileManager.default.createDirectory(at: input.deletingLastPathComponent(), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: base) }
        // The input's own folder and a folder above it are refused; a folder inside it is allowed
        // (issue 14: a new out/ beside the study file).
        for out in ["inputs", ""] {
            #expect(throws: ExportError.self) { try OutputFolder(base.appendingPathComponent(out), inputs: [input]) }
        }
        var folder = try OutputFolder(base.appendingPathComponent("results"), inputs: [input])
        try folder.write("a.csv", text: "x\n")
        try folder.write("a.csv", text: "y\n")  // replaced atomically
        try folder.commit()
        #expect(try String(contentsOf: base.appendingPathComponent("results/a.csv"), encoding: .utf8) == "y\n")
        #expect(folder.written == ["a.csv", "a.csv"])
    }

    @Test func refusesAFile() throws {
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: base) }
        let file = base.appendingPathComponent("plain")
        try Data().write(to: file)
        #expect(throws: ExportError.self) { try OutputFolder(file, inputs: []) }
    }
}
