import ArgumentParser
import ChatModel
import Foundation
import TerminalUI

/// `tern manpage`: the man page in troff, generated from the command and key tables.
struct ManPageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manpage",
        abstract: "Print the man page (troff): tern manpage | man -l -",
        shouldDisplay: false
    )

    @Flag(help: "Print the README's Keys and Commands sections (Markdown) instead.")
    var markdown = false

    func run() throws {
        print(markdown ? ManPage.markdown : ManPage.text, terminator: markdown ? "" : "\n")
    }
}

enum ManPage {
    static var registry: CommandRegistry {
        let registry = CommandRegistry()
        registry.register(AppModel.builtinCommands + AccountFeatures.commands() + UIController.commands())
        return registry
    }

    /// The README's `### Keys` and `### Commands` tables, generated from the same tables.
    static var markdown: String {
        var text = "### Keys\n\n"
        for section in KeyBindings.sections {
            text += "**\(section.title)**\n\n| key | does |\n|---|---|\n"
            for (key, action) in section.keys {
                text +=
                    "| \(key.replacingOccurrences(of: "|", with: "\\|")) | "
                    + action.replacingOccurrences(of: "|", with: "\\|") + " |\n"
            }
            text += "\n"
        }
        return text + "### Commands\n\n" + registry.markdownTable()
    }

    static var text: String {
        var page = """
            .TH TERN 1 "" "Tern" "User Commands"
            .SH NAME
            tern \\- a terminal XMPP (Jabber) client
            .SH SYNOPSIS
            .B tern
            [\\-\\-account NAME] [\\-\\-config FILE] [\\-\\-offline]
            .br
            .B tern send
            [\\-\\-account NAME] [\\-\\-groupchat] JID TEXT
            .br
            .B tern history
            [\\-\\-account NAME] JID [\\-\\-limit N] [\\-\\-before ID] [\\-\\-search TEXT] [\\-\\-json]
            .br
            .B tern search
            [\\-\\-account NAME] TEXT [\\-\\-limit N] [\\-\\-json]
            .SH DESCRIPTION
            Tern is a terminal XMPP client with a roster pane, a chat pane, a log pane, a status bar and an
            input line. Accounts are configured in $XDG_CONFIG_HOME/tern/config.toml; history is kept in
            $XDG_DATA_HOME/tern/tern.sqlite.

            """
        page += registry.manPageSection()
        page += ".SH KEYS\n"
        for section in KeyBindings.sections {
            page += ".SS \(section.title)\n"
            for (key, action) in section.keys {
                page +=
                    ".TP\n.B \(key.replacingOccurrences(of: "-", with: "\\-"))\n\(action.replacingOccurrences(of: "-", with: "\\-"))\n"
            }
        }
        page += ".SH FILES\n.TP\n$XDG_CONFIG_HOME/tern/config.toml\naccounts and [ui] settings\n"
        page += ".TP\n$XDG_CONFIG_HOME/tern/themes/\nuser themes (override the installed ones)\n"
        page += ".TP\n$XDG_DATA_HOME/tern/tern.sqlite\nhistory, roster, outbox (mode 0600)\n"
        return page
    }
}
