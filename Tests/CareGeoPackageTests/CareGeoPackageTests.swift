import XCTest
@testable import CareGeoPackage
