extension CSVTable.Row {
    /// The value in `column` parsed as a count (see ``NumberParsing/parseCount(_:)``); an error
    /// names the file, the line and the column: `patients.csv, line 12, column "patients": count
    /// must be a whole number ≥ 0, got -3`.
    public func parseCount(_ column: CSVTable.Column) throws(TabularError) -> ParsedNumber<Int> {
        do {
            return try NumberParsing.parseCount(self[column])
        } catch {
            throw error.located(source: table.source, line: lineNumber, column: column.name)
        }
    }

    /// The value in `column` parsed as a measure (see ``NumberParsing/parseMeasure(_:)``), errors
    /// placed in the file as for ``parseCount(_:)``.
    public func parseMeasure(_ column: CSVTable.Column) throws(TabularError) -> ParsedNumber<Double> {
        do {
            return try NumberParsing.parseMeasure(self[column])
        } catch {
            throw error.located(source: table.source, line: lineNumber, column: column.name)
        }
    }

    /// The value in `column` as a normalised area code (see ``AreaCode/normalize(_:kind:width:)``),
    /// errors placed in the file as for ``parseCount(_:)``.
    public func parseAreaCode(_ column: CSVTable.Column, kind: AreaCode.Kind = .municipality, width: Int? = nil)
        throws(TabularError) -> String
    {
        do {
            return try AreaCode.normalize(self[column], kind: kind, width: width)
        } catch {
            throw error.located(source: table.source, line: lineNumber, column: column.name)
        }
    }
}
