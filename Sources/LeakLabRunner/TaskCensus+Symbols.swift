import CLeakLabShims
import Foundation
import LeakLabModel

extension TaskCensus {
    /// Names every frame from its module's symbol table (demangled with the Swift runtime's
    /// `swift_demangle`), then each group's ``Group/waitsIn`` and ``Group/creator``. Frames whose
    /// module cannot be read or holds no symbol there stay unnamed.
    public func symbolized() -> TaskCensus {
        var tables: [Int: ELFSymbolTable?] = [:]
        var named = self
        for groupIndex in named.groups.indices {
            for frameIndex in named.groups[groupIndex].frames.indices {
                let frame = named.groups[groupIndex].frames[frameIndex]
                guard frame.module >= 0, frame.module < modules.count else { continue }
                if tables[frame.module] == nil { tables[frame.module] = ELFSymbolTable.cached(path: modules[frame.module]) }
                guard let table = tables[frame.module] ?? nil,
                    let fileOffset = UInt64(exactly: frame.offset),  // a child's figure: never trust its sign
                    let address = table.address(ofFileOffset: fileOffset),
                    let symbol = table.symbol(at: address)
                else { continue }
                named.groups[groupIndex].frames[frameIndex].function = Self.demangle(symbol.name)
            }
            let group = named.groups[groupIndex]
            named.groups[groupIndex].waitsIn =
                group.frames.first { frame in
                    frame.function != nil && !isRuntime(frame.module)
                }?.function ?? group.frames.first?.function
            named.groups[groupIndex].creator =
                group.frames.reversed().lazy
                .compactMap { $0.function.flatMap(Self.creator(of:)) }.first
        }
        return named
    }

    /// Whether a module is the Swift runtime or a toolchain library (its frames are the
    /// machinery of waiting, not the place in the program that waits).
    public func isRuntime(_ module: Int) -> Bool {
        guard module >= 0, module < modules.count else { return true }
        let path = modules[module]
        let name = (path as NSString).lastPathComponent
        return path.contains("/lib/swift/") || name.hasPrefix("libswift") || name.hasPrefix("libdispatch")
            || name.hasPrefix("libFoundation") || name.hasPrefix("libc.so") || name.hasPrefix("libstdc++")
    }

    /// The demangled name, without the resume-point prefix: `(1) suspend resume partial function
    /// for closure #1 … in F` becomes `closure #1 … in F`. Not a Swift symbol: the name as is.
    static func demangle(_ mangled: String) -> String {
        var output = [CChar](repeating: 0, count: 4096)
        guard leaklab_swift_demangle(mangled, &output, output.count) == 0 else { return mangled }
        var name = String(cString: output)
        for marker in ["resume partial function for ", "partial apply forwarder for "] {
            if let range = name.range(of: marker) { name = String(name[range.upperBound...]) }
        }
        return name
    }

    /// `closure #1 () async -> () in M.T.f(_:)` → `M.T.f(_:)`; `nil` when not a closure.
    static func creator(of function: String) -> String? {
        guard function.hasPrefix("closure #") || function.hasPrefix("implicit closure #"),
            let range = function.range(of: " in ")
        else { return nil }
        return String(function[range.upperBound...])
    }
}
