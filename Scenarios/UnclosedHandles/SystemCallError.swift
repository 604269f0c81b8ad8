#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A failed system call, with errno's text; EMFILE says the run hit its open-files budget.
struct SystemCallError: Error, CustomStringConvertible {
    let call: String
    let code: Int32

    init(_ call: String, code: Int32 = errno) {
        self.call = call
        self.code = code
    }

    var description: String {
        let hint = code == EMFILE ? " (the open-files budget is spent: lower --iterations)" : ""
        return "\(call) failed: \(String(cString: strerror(code)))\(hint)"
    }
}
