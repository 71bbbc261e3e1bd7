#if canImport(FoundationXML)
    import Foundation
    import FoundationXML

    enum FoundationXMLCheck {
        static func parse(_ text: String) -> Bool { XMLParser(data: Data(text.utf8)).parse() }
    }
#endif
