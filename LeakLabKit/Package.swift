// swift-tools-version:6.0
//
// LeakLabKit is the plugin API. It is its own package, built as a dynamic library, because a
// Swift library linked statically into both the host and a plugin gives each image its own copy
// of every type and global: casts across the plugin boundary then fail. The lab and every
// scenario plugin depend on the `LeakLabKit` product of this package.
import PackageDescription

let package = Package(
    name: "LeakLabKit",
    products: [
        .library(name: "LeakLabKit", type: .dynamic, targets: ["LeakLabKit"]),
    ],
    targets: [
        // libm: Double rounding in tolerances; a dynamic library must name it itself.
        .target(name: "LeakLabKit", linkerSettings: [.linkedLibrary("m")]),
    ]
)
