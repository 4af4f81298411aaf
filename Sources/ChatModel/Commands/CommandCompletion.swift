import Foundation

/// Tab completion of command lines.
extension CommandRegistry {
    /// What can replace the word being typed at the end of `line`: the start of that word and the
    /// candidates, sorted. Commands complete after "/", their arguments by kind, for the account
    /// `--account NAME` names in the line (nil: none named).
    public func completions(
        for line: String,
        values: (ArgumentCompletion, _ account: String?) -> [String]
    ) -> (wordStart: String.Index, candidates: [String])? {
        guard line.hasPrefix("/") else { return nil }
        let body = String(line.dropFirst())
        let words = CommandRegistry.tokenize(body)
        let endsWithSpace = line.last?.isWhitespace == true
        let wordStart: String.Index
        let partial: String
        if endsWithSpace || words.isEmpty {
            wordStart = line.endIndex
            partial = ""
        } else {
            let last = words[words.count - 1]
            let offset = body.distance(from: body.startIndex, to: last.start)
            wordStart = line.index(line.startIndex, offsetBy: offset + 1)
            partial = last.text
        }
        var completed = endsWithSpace || words.isEmpty ? words : Array(words.dropLast())
        if completed.last?.text == CommandRegistry.accountOption {
            return matches(values(.account, nil), partial, wordStart)
        }
        var account: String?
        if completed.count >= 1 && partial.hasPrefix("-") {
            return matches([CommandRegistry.accountOption], partial, wordStart)
        }
        // `--account NAME` is not an argument: positions count without it.
        if let index = completed.firstIndex(where: { $0.text == CommandRegistry.accountOption }), index >= 1,
            index + 1 < completed.count
        {
            account = completed[index + 1].text
            completed.removeSubrange(index...(index + 1))
        }
        let kind: ArgumentCompletion
        if completed.isEmpty {
            kind = .command
        } else if let spec = command(named: completed[0].text.lowercased()) {
            var arguments = spec.arguments
            var position = completed.count - 1
            if !spec.subcommands.isEmpty {
                if completed.count == 1 {
                    return matches(spec.subcommands.map(\.name), partial, wordStart)
                }
                guard let sub = spec.subcommands.first(where: { $0.name == completed[1].text.lowercased() }) else {
                    return nil
                }
                arguments = sub.arguments
                position -= 1
            }
            guard let argument = arguments.indices.contains(position) ? arguments[position] : arguments.last,
                position < arguments.count || arguments.last?.repeated == true
            else { return nil }
            kind = argument.completion
        } else {
            return nil
        }
        let candidates: [String]
        switch kind {
        case .none: return nil
        case .command: candidates = commands.map(\.name)
        case .choice(let words): candidates = words
        case .path: candidates = PathCompletion.candidates(for: partial)
        default: candidates = values(kind, account)
        }
        return matches(candidates, partial, wordStart)
    }

    private func matches(
        _ candidates: [String],
        _ partial: String,
        _ wordStart: String.Index
    ) -> (wordStart: String.Index, candidates: [String])? {
        let folded = partial.lowercased()
        // Names with spaces are offered quoted; the quote does not count when matching.
        let found = Array(
            Set(
                candidates.filter {
                    $0.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "\"")).hasPrefix(folded)
                })
        ).sorted()
        return found.isEmpty ? nil : (wordStart, found)
    }
}
