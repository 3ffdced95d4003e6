using System.CommandLine;
using Cryptshare.Topology.Input;

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

    /// <summary>
    /// The known word nearest to a mistyped one, when it is near enough to be what was meant: the
    /// input files' edit distance, with a looser bound for long option names.
    /// </summary>
    private static string? Nearest(string typed, IEnumerable<string> known) =>
        known.Select(k => (Word: k, Distance: NearestWord.Distance(typed, k)))
            .Where(k => k.Distance <= Math.Max(2, k.Word.Length / 3))
            .OrderBy(k => k.Distance)
            .Select(k => k.Word)
            .FirstOrDefault();
}
