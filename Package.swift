// swift-tools-version:6.0
import PackageDescription

/// Scenario plugins: each folder under Scenarios/ is one target, built as its own dynamic library
/// `libLeakLab<Name>.so` that the lab finds in the products directory (FieldReportsSupport, below,
/// is the one folder that is not a plugin).
/// Scenarios that need Foundation live in plugins of their own (FieldReportsFoundation,
/// ObserverRegistration): a child links only the plugin it runs, and Foundation costs ~10 ms of it.
let scenarioPlugins = [
    "BlockedTasks", "ClosureCapture", "UnboundedCache", "UnclosedHandles", "PoolRetention", "Others",
    "ObserverRegistration", "FieldReports", "FieldReportsFoundation",
]

/// Code the two field-report plugins share (a live-instance count, the Dispatch cache fill, their
/// patterns), linked statically into each; not a plugin itself.
let scenarioSupport: [String: [String]] = ["FieldReports": ["FieldReportsSupport"], "FieldReportsFoundation": ["FieldReportsSupport"]]

let package = Package(
    name: "LeakLab",
    products: [
        .executable(name: "leaklab", targets: ["leaklab"]),
        .executable(name: "leaklab-host", targets: ["leaklab-host"]),
        .executable(name: "leaklab-bench-probe", targets: ["leaklab-bench-probe"]),
    ] + scenarioPlugins.map { .library(name: "LeakLab\($0)", type: .dynamic, targets: [$0]) },
    dependencies: [
        .package(path: "LeakLabKit"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    ],
    targets: [
        // The data the runner, the child and the detectors share: samples, traces, messages.
        .target(name: "LeakLabModel", dependencies: ["CLeakLabShims", .product(name: "LeakLabKit", package: "LeakLabKit")]),
        // C shims for what Swift's Glibc module does not expose (mallinfo2).
        // DWARF 4: valgrind 3.19 (Debian 12) gives up on clang's default DWARF 5 location lists.
        .target(name: "CLeakLabShims", cSettings: [.unsafeFlags(["-gdwarf-4"])]),
        // Allocator and /proc probes, run inside the child.
        .target(name: "LeakLabProbes", dependencies: ["LeakLabModel", "CLeakLabShims"]),
        // The child: loads one plugin, runs one variant through its phases, streams samples.
        .target(
            name: "LeakLabHost",
            dependencies: [
                "LeakLabModel", "LeakLabProbes", "CLeakLabShims", .product(name: "LeakLabKit", package: "LeakLabKit"),
            ]),
        .executableTarget(name: "leaklab-host", dependencies: ["LeakLabHost"]),
        // Scripts/bench: the cost of one probe sample, measured inside a child like the host's.
        .executableTarget(name: "leaklab-bench-probe", dependencies: ["LeakLabProbes", "LeakLabModel", "LeakLabHost"]),
        // The parent: plugin discovery, spawning children under budgets, collecting traces.
        // swift-system (errors by name) is for the parent only: its C module is built with DWARF 5,
        // which valgrind 3.19 cannot read, so nothing the child links may depend on it.
        .target(
            name: "LeakLabRunner",
            dependencies: [
                "LeakLabModel", "CLeakLabShims", .product(name: "LeakLabKit", package: "LeakLabKit"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]),
        // Detectors (pure functions over a trace), scoring and baselines. swift-system for
        // `--detector-cmd`'s pipes: a parent-side module, which nothing the child links depends on.
        .target(
            name: "LeakLabDetectors",
            dependencies: ["LeakLabModel", .product(name: "SystemPackage", package: "swift-system")]),
        // What the commands compute and print: the JSON documents, comparisons and explanations,
        // the campaigns behind validate, audit, power and compare-allocators, and the renderers
        // (text, JSON, JUnit, HTML), one file per format. The CLI parses options and calls it.
        .target(
            name: "LeakLabReports",
            dependencies: [
                "LeakLabRunner", "LeakLabModel", "LeakLabDetectors", .product(name: "LeakLabKit", package: "LeakLabKit"),
            ]),
        .executableTarget(
            name: "leaklab",
            dependencies: [
                "LeakLabReports", "LeakLabRunner", "LeakLabModel", "LeakLabDetectors", .product(name: "LeakLabKit", package: "LeakLabKit"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(name: "LeakLabKitTests", dependencies: [.product(name: "LeakLabKit", package: "LeakLabKit")]),
        .testTarget(name: "LeakLabModelTests", dependencies: ["LeakLabModel"]),
        .testTarget(name: "LeakLabHostTests", dependencies: ["LeakLabHost", "LeakLabModel"]),
        // Runs made up for the tests that score, gate, shard or render them.
        .target(
            name: "LeakLabTestFixtures", dependencies: ["LeakLabModel", .product(name: "LeakLabKit", package: "LeakLabKit")],
            path: "Tests/LeakLabTestFixtures"),
        .testTarget(name: "LeakLabDetectorsTests", dependencies: ["LeakLabDetectors", "LeakLabModel", "LeakLabTestFixtures"]),
        .testTarget(
            name: "LeakLabReportsTests", dependencies: ["LeakLabReports", "LeakLabDetectors", "LeakLabModel", "LeakLabRunner", "LeakLabTestFixtures"]),
        .testTarget(name: "LeakLabCLITests", dependencies: ["LeakLabRunner", .product(name: "LeakLabKit", package: "LeakLabKit")]),
        .testTarget(
            name: "LeakLabRunnerTests",
            dependencies: [
                "LeakLabRunner", "LeakLabModel", .product(name: "SystemPackage", package: "swift-system"),
            ]),
    ]
        + scenarioPlugins.map { plugin in
            .target(
                name: plugin,
                dependencies: [.product(name: "LeakLabKit", package: "LeakLabKit")]
                    + (scenarioSupport[plugin] ?? []).map { .target(name: $0) },
                path: "Scenarios/\(plugin)")
        }
        + [
            .target(
                name: "FieldReportsSupport", dependencies: [.product(name: "LeakLabKit", package: "LeakLabKit")],
                path: "Scenarios/FieldReportsSupport")
        ],
    swiftLanguageModes: [.v6]
)
