import Testing

@testable import Campaigns

@Suite("CSVFormatter")
struct CSVFormatterTests {
    @Test func plainCells() {
        #expect(CSVFormatter.cell(nil) == "")
        #expect(CSVFormatter.cell("") == "")
        #expect(CSVFormatter.cell("plain") == "plain")
        #expect(CSVFormatter.cell("1+1=2") == "1+1=2")
        #expect(CSVFormatter.cell("a-b") == "a-b")
        #expect(CSVFormatter.cell(" =not first") == " =not first")
    }

    @Test func formulaInjectionIsNeutralized() {
        #expect(CSVFormatter.cell("=SUM(A1:A2)") == "'=SUM(A1:A2)")
        #expect(CSVFormatter.cell("+447911123456") == "'+447911123456")
        #expect(CSVFormatter.cell("-5") == "'-5")
        #expect(CSVFormatter.cell("@cmd") == "'@cmd")
        #expect(CSVFormatter.cell("\tx") == "'\tx")
        #expect(CSVFormatter.cell("\rx") == "\"'\rx\"")
        #expect(CSVFormatter.cell("\r\nx") == "\"'\r\nx\"")
        #expect(CSVFormatter.cell("=HYPERLINK(\"http://x\",\"y\")") == "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"")
    }

    @Test func quoting() {
        #expect(CSVFormatter.cell("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVFormatter.cell("\"") == "\"\"\"\"")
        #expect(CSVFormatter.cell("a,b") == "\"a,b\"")
        #expect(CSVFormatter.cell("line1\nline2") == "\"line1\nline2\"")
        #expect(CSVFormatter.cell("line1\r\nline2") == "\"line1\r\nline2\"")
        #expect(CSVFormatter.cell("a\rb") == "\"a\rb\"")
        #expect(CSVFormatter.cell("=1,2") == "\"'=1,2\"")
    }

    /// DESIGN §13: `;` and `|` are list separators too, and a spreadsheet using one of them
    /// starts a field after it even inside quotes, so what follows is neutralized as well.
    @Test func otherListSeparatorsAreQuotedAndCannotStartAFormula() {
        #expect(CSVFormatter.cell("a;b") == "\"a;b\"")
        #expect(CSVFormatter.cell("a|b") == "\"a|b\"")
        #expect(CSVFormatter.cell("Ann;=1+1") == "\"Ann;'=1+1\"")
        #expect(CSVFormatter.cell("x|@SUM(A1)") == "\"x|'@SUM(A1)\"")
        #expect(CSVFormatter.cell("a,-1") == "\"a,'-1\"")
        #expect(CSVFormatter.cell("a\n+1") == "\"a\n'+1\"")
        #expect(CSVFormatter.cell("a;\"=1") == "\"a;\"\"'=1\"", "quotes in between do not hide a formula")
        #expect(CSVFormatter.cell("a\t=1") == "a\t'=1")
        #expect(CSVFormatter.cell("a; =1") == "\"a; =1\"", "a space starts no formula")
        #expect(CSVFormatter.cell("2026-12-01T10:00:00Z") == "2026-12-01T10:00:00Z")
    }

    @Test func nonASCIIIsUntouched() {
        #expect(CSVFormatter.cell("Grüße 😀 Привет") == "Grüße 😀 Привет")
        #expect(CSVFormatter.cell("Ünïcödé, ja") == "\"Ünïcödé, ja\"")
    }

    @Test func rows() {
        #expect(CSVFormatter.row(["a", nil, "b,c", "=x", "q\""]) == "a,,\"b,c\",'=x,\"q\"\"\"\r\n")
        #expect(CSVFormatter.row(["id", "phone"]) == "id,phone\r\n")
        #expect(CSVFormatter.row([nil]) == "\r\n")
        #expect(CSVFormatter.row([]) == "\r\n")
    }

    @Test func byteOrderMark() {
        #expect(Array(CSVFormatter.byteOrderMark.utf8) == [0xEF, 0xBB, 0xBF])
    }
}
