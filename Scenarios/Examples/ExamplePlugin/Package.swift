// swift-tools-version:6.0
//
// An example LeakLab scenario plugin written the way a third party would: its own package, depending
// only on LeakLabKit (the plugin API), built as a dynamic library the lab loads with
// `leaklab --plugins DIR`. docs/writing-a-plugin.md walks through it.
//
// The lab's root Package.swift does not build this folder: its scenario targets name their paths
// (`Scenarios/<Name>`) explicitly, and Examples is not one of them.
import PackageDescription

let package = Package(
    name: "LeakLabExample",
    products: [
        // Dynamic, so the lab can dlopen it; the file is libLeakLabExample.so.
        .library(name: "LeakLabExample", type: .dynamic, targets: ["ExamplePlugin"])
    ],
    dependencies: [
        // Outside this repository, depend on LeakLabKit by URL or by a path to a checkout.
        .package(path: "../../../LeakLabKit")
    ],
    targets: [
        .target(name: "ExamplePlugin", dependencies: [.product(name: "LeakLabKit", package: "LeakLabKit")])
    ],
    swiftLanguageModes: [.v6]
)
