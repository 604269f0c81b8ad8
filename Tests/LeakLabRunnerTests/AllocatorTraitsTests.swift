import Foundation
import LeakLabModel
import LeakLabRunner
import Testing

/// Every allocator is one file of traits: the registry, the folder, Scripts/setup and the presets
/// agree.
@Suite struct AllocatorTraitsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func theRegistryListsExactlyTheTraitsFilesInTheFolder() throws {
        let folder = Self.root.appendingPathComponent("Sources/LeakLabModel/Allocators")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasPrefix("AllocatorTraits+") && $0.hasSuffix(".swift") }
            .map { $0.dropFirst("AllocatorTraits+".count).dropLast(".swift".count).lowercased() }
        #expect(Set(names) == Set(AllocatorName.allCases.map(\.rawValue)))
        #expect(names.count == AllocatorName.allCases.count)
        for allocator in AllocatorName.allCases {
            #expect(allocator.traits.name == allocator, "\(allocator)'s traits name \(allocator.traits.name)")
        }
    }

    @Test func scriptsSetupInstallsEveryPreloadedAllocator() throws {
        let setup = try String(contentsOf: Self.root.appendingPathComponent("Scripts/setup"), encoding: .utf8)
        for allocator in AllocatorName.allCases where !allocator.traits.libraryFileNames.isEmpty {
            let packages = allocator.traits.debianPackages
            #expect(!packages.isEmpty, "\(allocator) is preloaded but names no Debian package")
            #expect(packages.contains { setup.contains($0) }, "Scripts/setup installs none of \(packages) for \(allocator)")
        }
    }

    @Test func eachLibraryIsOwnedByItsAllocatorOnly() {
        for allocator in AllocatorName.allCases {
            for file in allocator.traits.libraryFileNames {
                #expect(AllocatorName(library: "/usr/lib/x86_64-linux-gnu/\(file)") == allocator, "\(file)")
            }
        }
        #expect(AllocatorName(library: "/lib/x86_64-linux-gnu/libc.so.6") == .glibc)
        #expect(AllocatorName(library: "/usr/lib/libpthread.so.0") == nil)
    }

    @Test func everyPresetIsItsAllocatorsAndItsOptionsAreValid() throws {
        for allocator in AllocatorName.allCases {
            let presets = allocator.traits.presets
            #expect(presets.first?.name == allocator.rawValue, "an allocator's first preset is its default row, named after it")
            for preset in presets {
                #expect(preset.allocator == allocator, "\(preset.name)")
                try AllocatorOptions(preset.options).validate(for: [allocator])
            }
        }
        #expect(Set(AllocatorConfiguration.presets.map(\.name)).count == AllocatorConfiguration.presets.count, "preset names are unique")
    }

    @Test func theKnownKeysOfEachAllocatorResolveToIt() {
        for allocator in AllocatorName.allCases {
            for key in allocator.traits.options.known.keys {
                let qualified = AllocatorOptions(["\(allocator).\(key)": "1"]).applying(to: allocator)
                #expect(qualified.count == 1, "\(allocator).\(key)")
            }
        }
    }
}
