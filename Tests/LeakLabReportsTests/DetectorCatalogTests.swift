import LeakLabDetectors
import LeakLabKit
import LeakLabModel
import LeakLabReports
import LeakLabRunner
import Testing

/// One catalogue for trace, command and tool detectors; "who sees what" derived from it.
@Suite struct DetectorCatalogTests {
    @Test func theCatalogueIsTheBuiltInsThenTheToolsEachNamedOnce() {
        let names = DetectorCatalog.all().map(\.name)
        #expect(names == DetectorRegistry.names + ExternalTool.names)
        #expect(Set(names).count == names.count)
        #expect(DetectorCatalog.all().filter { $0.kind == .tool }.map(\.name) == ExternalTool.names)
    }

    @Test func everyDetectorSeesSomethingAndEveryKindOfLeakIsSeenBySomeone() {
        let detectors = DetectorCatalog.all()
        for detector in detectors { #expect(!detector.sees.isEmpty, "\(detector.name)") }
        for kind in LeakKind.allCases {
            #expect(detectors.contains { $0.sees.contains(kind) }, "nobody sees \(kind)")
        }
    }

    @Test func toolsThatReportLostMemoryCannotSeeAReachableLeak() {
        for tool in [ExternalTool.memcheck, .lsan] {
            #expect(tool.sees.contains(.unreachableHeap) && !tool.sees.contains(.reachableHeap), "\(tool)")
        }
    }

    @Test func selectingSeparatesTraceDetectorsFromToolsAndRefusesUnknownNames() throws {
        let selection = try DetectorCatalog.select("trend, memcheck,rss", commands: [], commandTimeout: 1)
        #expect(selection.traceDetectors.map(\.name) == ["trend", "rss"])
        #expect(selection.tools.map(\.name) == ["memcheck"])
        #expect(try DetectorCatalog.select(nil, commands: [], commandTimeout: 1).traceDetectors.map(\.name) == DetectorRegistry.names)
        #expect { _ = try DetectorCatalog.select("psychic", commands: [], commandTimeout: 1) } throws: {
            "\($0)".contains("unknown detector 'psychic'") && "\($0)".contains("memcheck, lsan, heaptrack")
        }
    }

    @Test func anUnreachableLeakIsSeenByTheLeakCheckersFirstAndMissedByResourceCounters() {
        let visibility = ToolVisibility(.leak(.heap(.unreachable, bytes: 48, objects: 1)))
        #expect(Array(visibility.seenBy.prefix(2)) == ["memcheck", "lsan"])
        #expect(visibility.seenBy.contains("trend") && visibility.seenBy.contains("heaptrack"))
        #expect(visibility.missedBy.contains("resources") && visibility.missedBy.contains("task-leak"))
    }

    @Test func aReachableLeakIsMissedByMemcheckAndLeakSanitizer() {
        let visibility = ToolVisibility(.leak(.heap(.reachable, bytes: 1_000, objects: 2)))
        #expect(visibility.missedBy.contains("memcheck") && visibility.missedBy.contains("lsan"))
        #expect(visibility.seenBy.contains("trend") && visibility.seenBy.contains("heaptrack"))
    }

    @Test func memoryOutsideTheHeapIsSeenOnlyByWhatReadsResidentMemory() {
        let visibility = ToolVisibility(.leak(.nonHeapMemory(bytes: 4_096)))
        #expect(Set(visibility.seenBy) == Set(DetectorCatalog.all().filter { $0.sees.contains(.nonHeapMemory) }.map(\.name)))
        #expect(visibility.seenBy.contains("rss") && !visibility.seenBy.contains("trend"))
    }

    @Test func aNewDetectorIsPlacedByWhatItSeesNotByItsName() {
        struct FdCounter: Detecting {
            var name = "fd-counter"
            var kind = DetectorKind.trace
            var summary = "counts fds"
            var sees: Set<LeakKind> = [.fds]
        }
        let leak = ToolVisibility(.leak(.fds(1)), detectors: [FdCounter()])
        #expect(leak.seenBy == ["fd-counter"])
        let heap = ToolVisibility(.leak(.heap(.reachable, bytes: 64, objects: 1)), detectors: [FdCounter()])
        #expect(heap.missedBy == ["fd-counter"])
    }

    @Test func aBoundedLookAlikeMayFoolWhatComparesTwoMomentsAndNothingElse() {
        let visibility = ToolVisibility(.bounded())
        #expect(visibility.seenBy.isEmpty && visibility.missedBy.isEmpty)
        #expect(Set(visibility.mayFool) == Set(DetectorCatalog.all().filter(\.fooledByPlateaus).map(\.name)))
        #expect(visibility.mayFool.contains("rss") && !visibility.mayFool.contains("trend"))
    }

    @Test func aCleanVariantIsSeenByNobody() {
        let visibility = ToolVisibility(.clean())
        #expect(visibility.seenBy.isEmpty && visibility.missedBy.isEmpty && visibility.mayFool.isEmpty)
    }

    @Test func truthWithoutPartsIsReadByItsReachabilityFlag() {
        var truth = GroundTruth.leak(reachable: false, bytes: 100, objects: 1)
        truth.parts = []
        #expect(ToolVisibility.kinds(truth) == [.unreachableHeap])
    }
}
