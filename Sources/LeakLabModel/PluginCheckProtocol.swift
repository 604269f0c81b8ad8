/// How the runner asks `leaklab-host` to open one plugin in a throw-away child before it opens the
/// plugin itself (`PluginPreflight` in the runner, `PluginCheck` in the host), and what the
/// child's exit status means. Any other end of the child — a signal, another status — means the
/// plugin took the process down while it was being opened.
public enum PluginCheckProtocol {
    /// `leaklab-host --check-plugin PATH`.
    public static let argument = "--check-plugin"
    /// The child opened the library and read a valid manifest: it prints ``loadedMark`` on
    /// stdout and exits with this status. The mark tells this end from a library constructor that
    /// calls `exit(0)`.
    public static let loadedStatus: Int32 = 0
    /// What the child prints on stdout, alone, once the plugin is open and its manifest valid.
    public static let loadedMark = "leaklab-host: plugin opened"
    /// The child could not use the library, as the plugin loader says; the runner opens it
    /// itself to say why.
    public static let refusedStatus: Int32 = 10
}
