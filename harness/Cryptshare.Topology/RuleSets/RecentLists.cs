namespace Cryptshare.Topology.RuleSets;

/// <summary>
/// What an iptables-save file does with <c>-m recent</c> lists, as far as it decides a first SYN in a
/// firewall that has just loaded the file. A list starts empty and only a rule with <c>--set</c>
/// adds to it (<c>--update</c> refreshes an address already there, <c>--remove</c> takes one out).
/// So a <c>--rcheck</c> or <c>--update</c> of a list that no rule of the file fills never matches:
/// the rule changes no verdict, in the harness's firewall as in the kernel's own evaluation of it.
/// A list some rule fills depends on earlier traffic and stays unjudged (the oracle's placeholder).
/// iptables-restore-translate echoes an untranslated rule without its <c>!</c>, so a file with any
/// negated recent match gets no such reasoning at all.
/// </summary>
public sealed class RecentLists
{
    /// <summary>The list a recent match names when it gives no <c>--name</c>.</summary>
    private const string DefaultList = "DEFAULT";

    private readonly HashSet<string> _filled;
    private readonly bool _anyNegated;

    private RecentLists(HashSet<string> filled, bool anyNegated)
    {
        _filled = filled;
        _anyNegated = anyNegated;
    }

    /// <summary>The lists the rules of an iptables-save file fill.</summary>
    public static RecentLists Of(string iptablesSave)
    {
        var filled = new HashSet<string>(StringComparer.Ordinal);
        var anyNegated = false;
        foreach (var line in iptablesSave.Split('\n'))
        {
            var words = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (!words.Contains("recent"))
            {
                continue;
            }

            anyNegated |= words.Contains("!");
            if (words.Contains("--set"))
            {
                filled.Add(ListName(words));
            }
        }

        return new RecentLists(filled, anyNegated);
    }

    /// <summary>Whether a rule (its words) is a recent check of a list no rule fills.</summary>
    public bool NeverMatches(IReadOnlyList<string> words)
    {
        if (_anyNegated || !words.Contains("recent") || words.Contains("--set") || words.Contains("--remove"))
        {
            return false;
        }

        return (words.Contains("--rcheck") || words.Contains("--update")) && !_filled.Contains(ListName(words));
    }

    private static string ListName(IReadOnlyList<string> words)
    {
        for (var i = 0; i < words.Count - 1; i++)
        {
            if (words[i] == "--name")
            {
                return words[i + 1];
            }
        }

        return DefaultList;
    }
}
