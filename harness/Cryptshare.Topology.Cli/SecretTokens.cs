using System.Text.RegularExpressions;

namespace Cryptshare.Topology.Cli;

/// <summary>
/// The words of a command line that may be secrets, so that no message ever shows them: the value
/// of a secret option (<c>--history</c>: a connection string), anything that looks like a
/// connection string or a password assignment, and the value after an option the tool does not
/// know (a mistyped <c>--histroy "Host=db;Password=…"</c> is still a secret).
/// </summary>
internal static partial class SecretTokens
{
    public const string Hidden = "***";

    /// <summary>Options whose value is a secret.</summary>
    public static readonly IReadOnlySet<string> SecretOptions = new HashSet<string>(StringComparer.Ordinal) { "--history" };

    /// <summary>The secret words among <paramref name="args"/>; <paramref name="unmatched"/> are the words the parser did not recognise.</summary>
    public static IReadOnlyList<string> Of(IReadOnlyList<string> args, IReadOnlyCollection<string> unmatched)
    {
        var secrets = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var word = args[i];
            var previous = i > 0 ? args[i - 1] : null;
            var afterSecretOption = previous is not null && SecretOptions.Contains(previous);
            var afterUnknownOption = previous is not null && previous.StartsWith('-') && unmatched.Contains(previous) && !word.StartsWith('-');
            if (afterSecretOption || afterUnknownOption || LooksSecret(word))
            {
                secrets.Add(word);
            }
            else if (OptionWithValue(word) is { } value && (SecretOptions.Contains(word[..^(value.Length + 1)]) || unmatched.Contains(word)))
            {
                secrets.Add(value);
            }
        }

        return secrets.Where(s => s.Length > 0).Distinct().OrderByDescending(s => s.Length).ToList();
    }

    /// <summary>A connection string (<c>key=value;…</c>) or a password, key or token assignment.</summary>
    public static bool LooksSecret(string word) => ConnectionString().IsMatch(word) || Assignment().IsMatch(word);

    /// <summary>The text with every secret word replaced by <see cref="Hidden"/>.</summary>
    public static string Scrub(string text, IReadOnlyList<string> secrets) =>
        secrets.Aggregate(text, (scrubbed, secret) => scrubbed.Replace(secret, Hidden, StringComparison.Ordinal));

    /// <summary>The value of <c>--option=value</c> or <c>--option:value</c>, or null.</summary>
    public static string? OptionWithValue(string word)
    {
        if (!word.StartsWith('-'))
        {
            return null;
        }

        var at = word.IndexOfAny(['=', ':']);
        return at > 0 ? word[(at + 1)..] : null;
    }

    [GeneratedRegex(@"[A-Za-z][A-Za-z ]*=[^;]*;")]
    private static partial Regex ConnectionString();

    [GeneratedRegex(@"(?i)(password|passwd|pwd|secret|token|apikey|api-key|private.?key)\s*[=:]")]
    private static partial Regex Assignment();
}
