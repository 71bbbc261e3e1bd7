import XCTest
@testable import CareMaps
