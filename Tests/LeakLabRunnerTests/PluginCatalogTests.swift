import Foundation
import LeakLabKit
import LeakLabRunner
import Testing

@Suite struct PluginCatalogTests {
    @Test func loadsTheBlockedTasksPluginFromItsSharedLibrary() throws {
        let catalog = try Built.catalog()
        let plugin = try #require(catalog.plugins.first { $0.name == "blocked-tasks" })
        #expect(plugin.path.hasSuffix("/libLeakLabBlockedTasks.so"))
        #expect(plugin.apiVersion == leakLabPluginAPIVersion)
        let entry = try catalog.entry(for: "blocked-tasks")
        #expect(entry.scenario.variants.contains { $0.role == .leaky })
        #expect(entry.scenario.variants.contains { $0.role == .fixed })
        // LeakLabKit itself lives in the products directory and is quietly not a plugin there.
        #expect(!catalog.refused.contains { $0.path.hasSuffix("libLeakLabKit.so") })
    }

    @Test func refusesANonPluginAndAnotherAPIVersionButLoadsTheRest() throws {
        let directory = try TemporaryDirectory()
        _ = try directory.compileSharedLibrary(named: "libnotaplugin.so", source: "int answer(void) { return 42; }\n")
        _ = try directory.compileSharedLibrary(
            named: "libfutureplugin.so",
            source: """
                #include <stdint.h>
                void *leaklab_plugin_v1(uint32_t *version) { *version = 99; return (void *)0; }
                """)
        let catalog = try Built.catalog(extra: [directory.path])

        #expect(catalog.plugins.contains { $0.name == "blocked-tasks" })
        let notAPlugin = try #require(catalog.refused.first { $0.path.hasSuffix("libnotaplugin.so") })
        #expect(notAPlugin.kind == .notAPlugin)
        #expect(notAPlugin.reason.contains("leaklab_plugin_v1"))
        let future = try #require(catalog.refused.first { $0.path.hasSuffix("libfutureplugin.so") })
        #expect(future.kind == .wrongAPIVersion)
        #expect(future.reason.contains("99"))
        #expect(future.description.contains(directory.path))
    }

    @Test func aMissingPluginDirectoryIsAUsageError() throws {
        #expect(throws: RunnerError.self) {
            _ = try Built.catalog(extra: ["/nonexistent/leaklab-plugins"])
        }
    }

    @Test func aDuplicateScenarioIDNamesBothPlugins() throws {
        let directory = try TemporaryDirectory()
        let copy = "\(directory.path)/libLeakLabBlockedTasksCopy.so"
        try FileManager.default.copyItem(atPath: "\(Built.productsDirectory)/libLeakLabBlockedTasks.so", toPath: copy)
        do {
            _ = try Built.catalog(extra: [directory.path])
            Issue.record("two plugins with the same scenario ids were accepted")
        } catch let error as RunnerError {
            guard case .usage(let message) = error else {
                Issue.record("expected a usage error, got \(error)")
                return
            }
            #expect(message.contains("libLeakLabBlockedTasks.so"))
            #expect(message.contains("libLeakLabBlockedTasksCopy.so"))
            #expect(error.exitCode == 2)
        }
    }

    @Test func anUnknownScenarioListsTheKnownOnes() throws {
        let catalog = try Built.catalog()
        do {
            _ = try catalog.entry(for: "no-such-scenario")
            Issue.record("an unknown scenario was accepted")
        } catch {
            #expect(error.description.contains("no-such-scenario"))
            #expect(error.description.contains("blocked-tasks"))
        }
    }
}
