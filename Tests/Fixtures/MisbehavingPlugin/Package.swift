// swift-tools-version:6.0
//
// A test-only LeakLab plugin whose scenarios misbehave on purpose: they leak as fast as they can,
// spawn threads without bound, exhaust fds, segfault, abort, exit early, hang in tearDown and throw
// in setUp. Tests/LeakLabCLITests/ContainmentTests.swift builds it and runs it through
// `leaklab validate --plugins`; every run must end with the right outcome, inside its budgets.
//
// It is not part of the root package (the root's targets name their folders), so it never
// appears in the default catalogue.
import PackageDescription

let package = Package(
    name: "LeakLabMisbehaving",
    products: [
        .library(name: "LeakLabMisbehaving", type: .dynamic, targets: ["MisbehavingPlugin"])
    ],
    dependencies: [
        .package(path: "../../../LeakLabKit")
    ],
    targets: [
        .target(name: "MisbehavingPlugin", dependencies: [.product(name: "LeakLabKit", package: "LeakLabKit")])
    ],
    swiftLanguageModes: [.v6]
)
