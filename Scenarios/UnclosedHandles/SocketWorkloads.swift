import LeakLabKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// leaklab:begin response-never-closed
/// Fetches a response from the local server per iteration and never closes the connection.
final class ResponseNeverClosed: ScenarioWorkload {
    var server: LoopbackServer?

    func setUp(context: ScenarioContext) async throws { server = try LoopbackServer() }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        guard let server else { return }
        let client = try connectLoopback(port: server.port)
        try server.serveOne()
        _ = readToEnd(client)  // the body is consumed...
        // ...but `client` is never closed: the descriptor stays open in CLOSE_WAIT
    }

    func tearDown(context: ScenarioContext) async throws { server?.close() }
}
// leaklab:end response-never-closed

// leaklab:begin response-closed
/// The same exchange; the client closes its socket on every path.
final class ResponseClosed: ScenarioWorkload {
    var server: LoopbackServer?

    func setUp(context: ScenarioContext) async throws { server = try LoopbackServer() }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        guard let server else { return }
        let client = try connectLoopback(port: server.port)
        defer { close(client) }  // the fix
        try server.serveOne()
        _ = readToEnd(client)
    }

    func tearDown(context: ScenarioContext) async throws { server?.close() }
}
// leaklab:end response-closed
