using System.Net;
using Cryptshare.Topology.Oracle;

namespace Cryptshare.Topology.Tests.Unit.Oracle;

/// <summary>
/// One line of a sample's <c>.cases</c> file: <c>&lt;label&gt; &lt;flow&gt; =&gt; &lt;expectation&gt;</c>,
/// in the spirit of nftables' tests/py and Batfish's testFilters (a verdict is a line of data).
/// </summary>
public sealed record SampleCase(string Sample, string Label, Packet Packet, string Expectation, int Line)
{
    public static SampleCase Parse(string sample, string line, int lineNumber)
    {
        var parts = line.Split("=>", 2, StringSplitOptions.TrimEntries);
        if (parts.Length != 2)
        {
            throw new FormatException($"{sample}:{lineNumber}: expected '<label> <flow> => <expectation>'");
        }

        var label = parts[0].Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
        if (label.Length != 2)
        {
            throw new FormatException($"{sample}:{lineNumber}: expected a label and a flow before '=>'");
        }

        return new SampleCase(sample, label[0], PacketNotation.Parse(label[1]), parts[1], lineNumber);
    }

    /// <summary>Checks the oracle's result against the expectation; every mismatch is listed.</summary>
    public IReadOnlyList<string> Mismatches(OracleResult result)
    {
        var problems = new List<string>();
        var words = Tokenize(Expectation);
        var verdict = Enum.Parse<PacketVerdict>(words[0], ignoreCase: true);
        if (result.Verdict != verdict)
        {
            problems.Add($"verdict {result.Verdict.ToString().ToLowerInvariant()}, expected {words[0]}");
        }

        for (var i = 1; i < words.Count; i++)
        {
            var word = words[i];
            switch (word)
            {
                case "with":
                    Expect(problems, "reject", words[++i], result.RejectWith);
                    break;
                case "reason":
                    var reason = words[++i];
                    if (result.Reason is null || !result.Reason.Contains(reason, StringComparison.Ordinal))
                    {
                        problems.Add($"reason '{result.Reason}' does not contain '{reason}'");
                    }

                    break;
                case "dnat" or "redirect":
                    ExpectTranslation(problems, word, words[++i], result.DestinationTranslation);
                    break;
                case "snat" or "masquerade":
                    ExpectTranslation(problems, word, words[++i], result.SourceTranslation);
                    break;
                case "path":
                    Expect(problems, "path", words[++i], result.Path.ToString().ToLowerInvariant());
                    break;
                case var _ when word.Contains('/'):
                    i = ExpectRule(problems, words, i, result.DecidingRule);
                    break;
                default:
                    throw new FormatException($"{Sample}:{Line}: unknown expectation word '{word}'");
            }
        }

        return problems;
    }

    public override string ToString() => $"{Sample}:{Line} {Label}: {Packet} => {Expectation}";

    private static int ExpectRule(List<string> problems, List<string> words, int i, RuleReference? rule)
    {
        var reference = words[i];
        string? family = null;
        if (reference.Contains(':'))
        {
            family = reference[..reference.IndexOf(':')];
            reference = reference[(reference.IndexOf(':') + 1)..];
        }

        long? handle = null;
        if (reference.Contains('#'))
        {
            handle = long.Parse(reference[(reference.IndexOf('#') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            reference = reference[..reference.IndexOf('#')];
        }

        var tableChain = reference.Split('/');
        var isPolicy = i + 1 < words.Count && words[i + 1] == "policy";
        string? comment = null;
        if (isPolicy)
        {
            i++;
        }
        else if (i + 1 < words.Count && words[i + 1].StartsWith('\u0001'))
        {
            comment = words[++i][1..];
        }

        if (rule is null)
        {
            problems.Add($"no deciding rule, expected {words[i]}");
            return i;
        }

        if (family is not null)
        {
            Expect(problems, "family", family, rule.Family);
        }

        Expect(problems, "table", tableChain[0], rule.Table);
        Expect(problems, "chain", tableChain[1], rule.Chain);
        if (isPolicy && !rule.IsPolicy)
        {
            problems.Add($"decided by rule #{rule.Handle} '{rule.Text}', expected the policy");
        }

        if (handle is not null && rule.Handle != handle)
        {
            problems.Add($"decided by #{rule.Handle} '{rule.Text}', expected #{handle}");
        }

        if (comment is not null && rule.Comment != comment)
        {
            problems.Add($"decided by #{rule.Handle} '{rule.Text}' comment '{rule.Comment}', expected comment '{comment}'");
        }

        return i;
    }

    private static void ExpectTranslation(List<string> problems, string kind, string expected, NatTranslation? translation)
    {
        if (translation is null || translation.Kind != kind)
        {
            problems.Add($"no {kind} translation, expected {kind} {expected}");
            return;
        }

        var endpoint = expected.Contains(':') ? IPEndPoint.Parse(expected) : new IPEndPoint(IPAddress.Parse(expected), 0);
        Expect(problems, $"{kind} address", endpoint.Address.ToString(), translation.Address?.ToString());
        if (expected.Contains(':'))
        {
            Expect(problems, $"{kind} port", endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                translation.Port?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static void Expect(List<string> problems, string what, string expected, string? actual)
    {
        if (expected != actual)
        {
            problems.Add($"{what} '{actual}', expected '{expected}'");
        }
    }

    /// <summary>Words, with "quoted text" as one word marked by a leading \u0001.</summary>
    private static List<string> Tokenize(string text)
    {
        var words = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                i++;
                continue;
            }

            if (text[i] == '"')
            {
                var end = text.IndexOf('"', i + 1);
                words.Add("\u0001" + text[(i + 1)..end]);
                i = end + 1;
                continue;
            }

            var start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            words.Add(text[start..i]);
        }

        // Quoted arguments of keywords lose their marker; a quoted word right after a rule is its comment.
        for (var w = 1; w < words.Count; w++)
        {
            if (words[w].StartsWith('\u0001') && words[w - 1] is "with" or "reason")
            {
                words[w] = words[w][1..];
            }
        }

        return words;
    }
}
