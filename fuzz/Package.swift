// swift-tools-version: 6.1
import PackageDescription

// libFuzzer targets for CareAtlas's input readers (issue 9). Built and run by fuzz/run.sh with
// `-sanitize=fuzzer,address`; each target defines LLVMFuzzerTestOneInput, and FuzzDriver's
// `<target>_main` (what SwiftPM links as `main`) hands it to libFuzzer's driver.
let package = Package(
    name: "CareAtlasFuzz",
    dependencies: [.package(name: "CareAtlas", path: "..")],
    targets: [
        .target(name: "FuzzDriver"),
        .executableTarget(
            name: "fuzz-geojson", dependencies: ["FuzzDriver", .product(name: "CareFormats", package: "CareAtlas")]),
        .executableTarget(
            name: "fuzz-csv", dependencies: ["FuzzDriver", .product(name: "CareFormats", package: "CareAtlas")]),
        .executableTarget(
            name: "fuzz-study",
            dependencies: ["FuzzDriver", .product(name: "CareAtlas", package: "CareAtlas"), .product(name: "CareExport", package: "CareAtlas")]),
        // A whole study (study file, CSV and GeoJSON inputs) through load and every analysis (issue 14).
        .executableTarget(
            name: "fuzz-whole",
            dependencies: ["FuzzDriver", .product(name: "CareAtlas", package: "CareAtlas"), .product(name: "CarePrivacy", package: "CareAtlas"),
                           .product(name: "CareExport", package: "CareAtlas"), .product(name: "CareFormats", package: "CareAtlas")]),
    ]
)
