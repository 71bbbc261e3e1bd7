// swift-tools-version: 6.1
import PackageDescription

// Data flows one way: CareLibraries (the loader of the C libraries bound at first use) and the
// CGEOS/CPROJ shims → CareGeometry (the only module that imports them)
// → CareFormats (GeoJSON, CSV) → CarePoints (point engines: FCA of points, MCLP; no study) and
// CareSolver (the only module that imports CCBC) → CareAtlas (study → model → every analysis of a
// run, StudyAnalyses) → CarePrivacy (policy, Publication, the one Disclosure decision, its attacker;
// StudyRun: the analyses protected) → CareMaps (Cairo maps), CareGeoPackage (SQLite) → CareExport
// (tables, layers, report, terminal text and --json) → careatlas CLI (parse, validate, one run).
let package = Package(
    name: "CareAtlas",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "careatlas", targets: ["careatlas"]),
        .library(name: "CareAtlas", targets: ["CareAtlas"]),
        .library(name: "CarePrivacy", targets: ["CarePrivacy"]),  // used by fuzz/ (fuzz-whole)
        .library(name: "CareExport", targets: ["CareExport"]),    // used by fuzz/ (fuzz-whole)
        .library(name: "CareFormats", targets: ["CareFormats"]),  // used by fuzz/ (issue 9)
        .library(name: "CareNetwork", targets: ["CareNetwork"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        // Property-based tests of hostile input (issue 14); tests only.
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // Headers only, no pkgConfig (SwiftPM would link `pkg-config --libs geos`): CareGeometry
        // binds libgeos_c with dlopen at its first GEOS context, so commands that touch no geometry
        // never load it. Installed by libgeos-dev (apt) or geos (brew).
        .systemLibrary(name: "CGEOS"),
        // Headers only, no pkgConfig (SwiftPM would link `pkg-config --libs proj`): CareGeometry
        // binds libproj with dlopen at first use (SharedLibrary), so commands that transform no
        // coordinates never load it. Installed by libproj-dev (apt) or proj (brew).
        .systemLibrary(name: "CPROJ"),
        // Headers only, no pkgConfig (SwiftPM would link `pkg-config --libs cbc`): CareSolver binds
        // libCbcSolver with dlopen at first use, so commands that solve no integer or linear
        // program never load it (≈ 7 ms of start-up). Installed by coinor-libcbc-dev (apt) or cbc (brew).
        .systemLibrary(name: "CCBC"),
        // Headers only, no pkgConfig (SwiftPM would link `pkg-config --libs cairo`): CareMaps binds
        // libcairo with dlopen at the first drawing, so commands that draw nothing never load it.
        // Installed by libcairo2-dev (apt) or cairo (brew).
        .systemLibrary(name: "CCairo"),
        // Headers only, no pkgConfig (SwiftPM would link `pkg-config --libs sqlite3`): CareGeoPackage
        // binds libsqlite3 with dlopen at the first GeoPackage, so commands that write none never
        // load it. Installed by libsqlite3-dev (apt) or sqlite (brew).
        .systemLibrary(name: "CSQLite"),
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        // Headers only, no pkgConfig (SwiftPM would link `pkg-config --libs gdal`): CareGDAL binds
        // libgdal with dlopen at first use, so commands that read no GDAL format never load it
        // (47 ms of start-up). Installed by libgdal-dev (apt) or gdal (brew).
        .systemLibrary(name: "CGDAL"),
        // The loader of the C libraries bound at first use (SharedLibrary: dlopen + a shim's table).
        .target(name: "CareLibraries"),
        .target(name: "CareGeometry", dependencies: ["CGEOS", "CPROJ", "CareLibraries"]),
        .target(name: "CareFormats", dependencies: ["CareGeometry", "CZlib"], exclude: ["Tabular/generate_cp932_table.py"]),
        // The only module that imports CCBC: the integer-programming wrapper (region optimiser, MCLP).
        .target(name: "CareSolver", dependencies: ["CCBC", "CareLibraries"]),
        // Point engines that never touch a study: floating-catchment access of points, MCLP.
        .target(name: "CarePoints", dependencies: ["CareGeometry", "CareFormats"]),
        .target(name: "CareNetwork", dependencies: ["CareFormats", "CareGeometry"]),
        // The only module that imports GDAL: vector layers and spreadsheets into CareFormats' types.
        .target(name: "CareGDAL", dependencies: ["CGDAL", "CareLibraries", "CareGeometry", "CareFormats"]),
        // Official Japanese registries and population tables (医療情報ネット, 厚生局, SSDSE-A).
        .target(name: "CareRegistries", dependencies: ["CareGDAL", "CareFormats", "CareGeometry"]),
        .target(name: "CareGeocoding", dependencies: ["CareFormats"]),
        .target(
            name: "CareAtlas",
            dependencies: ["CareGeometry", "CareFormats", "CarePoints", "CareSolver", "CareGDAL", "CareRegistries", "CareGeocoding",
                           "CareNetwork", .product(name: "Yams", package: "Yams")]),
        // Privacy: the small-cell rules, every published count (Publication), the one disclosure
        // decision checked by an integer-programming attacker (CareSolver), and the protected run.
        .target(name: "CarePrivacy", dependencies: ["CareAtlas", "CareFormats", "CareGeometry", "CareSolver"]),
        .target(name: "CareMaps", dependencies: ["CCairo", "CareLibraries", "CareAtlas", "CarePrivacy", "CareFormats", "CareGeometry"]),
        .target(name: "CareGeoPackage", dependencies: ["CSQLite", "CareLibraries", "CareFormats", "CareGeometry"]),
        .target(name: "CareExport", dependencies: ["CareAtlas", "CarePrivacy", "CareFormats", "CareGeometry", "CareMaps", "CareGeoPackage", "CarePoints"]),
        .executableTarget(
            name: "careatlas",
            dependencies: [
                "CareAtlas", "CarePrivacy", "CareExport", "CareFormats", "CareGeometry", "CareMaps", "CarePoints",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "careatlas-bench",
            dependencies: [
                "CareAtlas", "CarePrivacy", "CareExport", "CareFormats", "CareGeometry", "CarePoints", "CareRegistries", "CareGeocoding", "TestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "benchmarks/Sources/careatlas-bench"),
        .executableTarget(
            name: "careatlas-network-bench", dependencies: ["CareNetwork", "CareGeometry", "CarePoints", "CareFormats"],
            path: "benchmarks/Sources/careatlas-network-bench"),
        .target(name: "TestSupport", dependencies: ["CareGeometry", "CareFormats", "CareAtlas", "CarePrivacy"], path: "Tests/TestSupport"),
        .testTarget(name: "CareGeometryTests", dependencies: ["CareGeometry", "CareLibraries", "TestSupport"]),
        .testTarget(name: "CareSolverTests", dependencies: ["CareSolver", "CareLibraries"]),
        .testTarget(name: "CarePointsTests", dependencies: ["CarePoints", "CareFormats", "CareGeometry", "TestSupport"], exclude: ["Fixtures", "Equity/inequality_reference.py"]),
        .testTarget(name: "CareNetworkTests", dependencies: ["CareNetwork", "CareGeometry", "TestSupport"], exclude: ["Reference"]),
        .testTarget(name: "CareGDALTests", dependencies: ["CareGDAL", "CareFormats", "CareGeometry", "CareGeoPackage", "TestSupport"]),
        .testTarget(name: "CareRegistriesTests", dependencies: ["CareRegistries", "CareGDAL", "CareFormats", "TestSupport"]),
        .testTarget(name: "CareGeocodingTests", dependencies: ["CareGeocoding", "CareFormats", "CareGeometry", "TestSupport"]),
        .testTarget(name: "CareFormatsTests", dependencies: ["CareFormats", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(
            name: "CareAtlasTests",
            // CarePrivacy and CareExport for the end-to-end checks: the bad-input corpus compares
            // validate's text, the property tests run every analysis through to its protected text.
            dependencies: ["CareAtlas", "CarePrivacy", "CareExport", "CareFormats", "CareGeometry", "CarePoints", "CareSolver", "TestSupport",
                           .product(name: "PropertyBased", package: "swift-property-based")],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "CarePrivacyTests",
            dependencies: ["CarePrivacy", "CareAtlas", "CareFormats", "CareGeometry", "CareSolver", "TestSupport",
                           .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(name: "CareExportTests", dependencies: ["CareExport", "CarePrivacy", "CareAtlas", "CareFormats", "CareGeoPackage", "CareMaps", "TestSupport"]),
        .testTarget(name: "CareMapsTests", dependencies: ["CareMaps", "CareLibraries", "CarePrivacy", "CareAtlas", "TestSupport"]),
        .testTarget(name: "CareGeoPackageTests", dependencies: ["CareGeoPackage", "CareLibraries", "CareAtlas", "CareFormats", "CareGeometry", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["careatlas", "CareFormats", "CareGeoPackage", "TestSupport"], exclude: ["Expected"]),
    ]
)
