import Foundation
import TestServers
import TestSupport

/// A home for one run of `tern` against a test server: its configuration and data directories,
/// and the tmux session it runs in.
struct TernHome {
    let directory: String
    var config: String { directory + "/config/tern/config.toml" }
    var data: String { directory + "/data" }
    var database: String { data + "/tern/tern.sqlite" }
    var environment: [String: String] {
        ["XDG_CONFIG_HOME": directory + "/config", "XDG_DATA_HOME": data, "HOME": directory, "TZ": "UTC"]
    }

    /// A configuration with one account, `user` on `server` (through `port` when given).
    /// `strangers`: the test users are not in each other's rosters, so their messages open
    /// windows only with "window".
    init(
        server: any XMPPTestServer, user: String, port: Int? = nil, extraConfig: String = "",
        strangers: String = "window"
    ) throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("tern-home-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: directory + "/config/tern", withIntermediateDirectories: true)
        try """
        [accounts.test]
        jid = "\(user)@localhost"
        password_command = "echo \(server.users[user]!)"
        host = "127.0.0.1"
        port = \(port ?? server.c2sPort)
        tls = "starttls"
        ca_file = "\(server.certificateFile)"
        \(extraConfig.contains("[chat]")
            ? extraConfig.replacingOccurrences(of: "[chat]", with: "[chat]\nstrangers = \"\(strangers)\"")
            : extraConfig + "\n[chat]\nstrangers = \"\(strangers)\"")
        """.write(toFile: config, atomically: true, encoding: .utf8)
    }

    /// One of several accounts in a configuration: its table name in config.toml, the test user,
    /// the port it connects to (a proxy's; nil: the server's) and extra keys for its table.
    struct Account {
        var name: String
        var user: String
        var port: Int? = nil
        var extraKeys: String = ""
    }

    /// A configuration with several accounts on `server`, one `[accounts.NAME]` table each, in
    /// the order given (Tern orders them by name). `extraConfig` follows the tables; it has no
    /// `[chat]` table (`strangers` is written in one).
    init(server: any XMPPTestServer, accounts: [Account], extraConfig: String = "", strangers: String = "window")
        throws
    {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("tern-home-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: directory + "/config/tern", withIntermediateDirectories: true)
        var text = ""
        for account in accounts {
            text += """
                [accounts.\(account.name)]
                jid = "\(account.user)@localhost"
                password_command = "echo \(server.users[account.user]!)"
                host = "127.0.0.1"
                port = \(account.port ?? server.c2sPort)
                tls = "starttls"
                ca_file = "\(server.certificateFile)"
                \(account.extraKeys)

                """
        }
        text += extraConfig + "\n[chat]\nstrangers = \"\(strangers)\"\n"
        try text.write(toFile: config, atomically: true, encoding: .utf8)
    }

    /// Starts `tern` with `arguments` (and `extraEnvironment`) in a `columns`×`rows` tmux session.
    func start(arguments: String = "", columns: Int = 120, rows: Int = 40, extraEnvironment: [String: String] = [:])
        throws -> TmuxSession
    {
        try TmuxSession(
            command: SendCommandTests.ternBinary + " " + arguments, columns: columns, rows: rows,
            environment: environment.merging(extraEnvironment) { $1 })
    }
}
