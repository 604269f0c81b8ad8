import Foundation
import LeakLabModel

/// BCC's `memleak` (Debian's bpfcc-tools) as a detector — where the machine can run it.
///
/// memleak attaches eBPF uprobes to malloc/free in a running process and needs, besides the tool
/// and root: the bpf(2) syscall, the kernel's uprobe event source, and the kernel's headers (BCC
/// compiles its probe against them at start: `/lib/modules/$(uname -r)/build`, or the in-kernel
/// `/sys/kernel/kheaders.tar.xz`). Each missing piece is named in a failed verdict, so `validate`
/// and `power` show the detector as skipped on such a machine, never as passing.
///
/// Not built yet: attaching to a run on a machine that has all of them. No machine of the kind the
/// lab runs on (Firecracker VMs without kernel headers) could run it to test that path, so the
/// detector stops at what it can check.
enum BCCMemleak {
    /// Why memleak cannot run here, first missing piece first; `nil` when everything is there.
    static func unavailableReason(
        tool: String? = ToolFiles.which("memleak-bpfcc") ?? ToolFiles.which("memleak"),
        kernelRelease: String = currentKernelRelease(),
        fileExists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }
    ) -> String? {
        guard tool != nil else {
            return "BCC's memleak is not installed (LEAKLAB_SETUP_EXTRAS=bpfcc-tools Scripts/setup installs it)"
        }
        guard fileExists("/sys/bus/event_source/devices/uprobe/type") else {
            return "the kernel has no uprobe event source (/sys/bus/event_source/devices/uprobe), which memleak attaches to malloc and free"
        }
        guard fileExists("/lib/modules/\(kernelRelease)/build") || fileExists("/sys/kernel/kheaders.tar.xz") else {
            return
                "no kernel headers for \(kernelRelease) (/lib/modules/\(kernelRelease)/build or /sys/kernel/kheaders.tar.xz): BCC compiles memleak's probe against them"
        }
        return nil
    }

    static func currentKernelRelease() -> String {
        var names = utsname()
        uname(&names)
        return withUnsafeBytes(of: &names.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    static func evaluate(plan: RunPlan, plain: RunRecord) -> DetectorVerdict {
        if let reason = unavailableReason() {
            return .toolFailed(.memleak, "skipped on this machine: \(reason)")
        }
        return .toolFailed(.memleak, "skipped: this machine has what memleak needs, but attaching it to a run is not built yet (docs/external-tools.md)")
    }
}
