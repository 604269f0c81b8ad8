// swift-tools-version:6.0
//
// A test-only LeakLab plugin whose variants have the shapes truth model v2 exists for: a leak
// with an onset, a leak that grows like log n, a bounded cache that fills late, memory from mmap,
// an fd leak at a random rate, valgrind's leak-test shapes (a half-lost tree, an interior pointer,
// a 20 B block served as 32 B, a one-off loss at set-up) and variants that crash, declared and
// not. Tests/LeakLabCLITests/TruthModelTests.swift builds it as a third party would and audits it.
//
// Not part of the root package, so it never appears in the default catalogue.
import PackageDescription

let package = Package(
    name: "LeakLabTruthShapes",
    products: [
        .library(name: "LeakLabTruthShapes", type: .dynamic, targets: ["TruthShapesPlugin"])
    ],
    dependencies: [
        .package(path: "../../../LeakLabKit")
    ],
    targets: [
        .target(name: "TruthShapesPlugin", dependencies: [.product(name: "LeakLabKit", package: "LeakLabKit")])
    ],
    swiftLanguageModes: [.v6]
)
