using System.CommandLine;

namespace Cryptshare.Topology.Cli;

/// <summary>
/// What was wrong with the command line, as one paragraph: an unknown verb or option with the
/// nearest one the tool knows, a missing or bad value; never a word that may be a secret
/// (<see cref="SecretTokens"/>).
/// </summary>
internal static class UsageErrors
{
    public static string Describe(ParseResult parse, IReadOnlyList<string> args)
    {
        var unmatched = parse.UnmatchedTokens.ToHashSet(StringComparer.Ordinal);
        var secrets = SecretTokens.Of(args, unmatched);
        var command = parse.CommandResult.Command;
        var name = command is RootCommand ? "cryptshare-topology" : $"cryptshare-topology {command.Name}";
        if (command is RootCommand && parse.UnmatchedTokens.Count == 0)
        {
            return $"cryptshare-topology: give a verb: {string.Join(", ", command.Subcommands.Select(c => c.Name))} (`cryptshare-topology --help` says what each does)";
        }

        var lines = new List<string>();
        var first = true;
        foreach (var word in parse.UnmatchedTokens)
        {
            lines.Add($"{name}: {Unmatched(word, command, first && command is RootCommand, secrets)}");
            first = false;
        }

        foreach (var error in parse.Errors)
        {
            // Unmatched words are described above, without their values where those may be secrets;
            // at the root, "no verb" is said by the unknown verb's line.
            if (command is RootCommand || unmatched.Any(word => error.Message.Contains($"'{word}'", StringComparison.Ordinal)))
            {
                continue;
            }

            lines.Add(SecretTokens.Scrub(error.Message, secrets));
        }

        return string.Join('\n', lines.Distinct());
    }

    private static string Unmatched(string word, Command command, bool verbPosition, IReadOnlyList<string> secrets)
    {
        if (word.StartsWith('-'))
        {
            var value = SecretTokens.OptionWithValue(word);
            var option = value is null ? word : word[..^(value.Length + 1)];
            var shown = SecretTokens.Scrub(option, secrets);
            var suggestion = Nearest(option, command.Options.SelectMany(o => o.Aliases.Prepend(o.Name)));
            return $"unknown option '{shown}'" + (value is null ? "" : " (its value is not shown)") + (suggestion is null ? "" : $"; did you mean {suggestion}?");
        }

        if (secrets.Contains(word))
        {
            return "an argument it does not take (not shown: it may be a secret)";
        }

        if (verbPosition)
        {
            var verb = Nearest(word, command.Subcommands.Select(c => c.Name));
            return $"unknown verb '{word}'" + (verb is null ? $"; the verbs are {string.Join(", ", command.Subcommands.Select(c => c.Name))}" : $"; did you mean {verb}?");
        }

        return $"an argument it does not take: '{word}'";
    }

    /// <summary>The known word nearest to a mistyped one, when it is near enough to be what was meant.</summary>
    private static string? Nearest(string typed, IEnumerable<string> known) =>
        known.Select(k => (Word: k, Distance: Distance(typed, k)))
            .Where(k => k.Distance <= Math.Max(2, k.Word.Length / 3))
            .OrderBy(k => k.Distance)
            .Select(k => k.Word)
            .FirstOrDefault();

    /// <summary>Edit distance with transpositions (Damerau–Levenshtein, optimal string alignment).</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
