namespace Cryptshare.Topology.Input;

/// <summary>The known word a mistyped one most likely meant (<c>prots</c> → <c>ports</c>, <c>adress</c> → <c>address</c>).</summary>
public static class NearestWord
{
    /// <summary>
    /// The closest of <paramref name="known"/> by edit distance (a swap of two neighbours counts as
    /// one edit, letter case as none), or null when none is close enough to be a typo: at most two
    /// edits, and fewer than the word's own length.
    /// </summary>
    public static string? Find(string word, IEnumerable<string> known)
    {
        var best = known
            .Select(k => (Word: k, Distance: Distance(word.ToLowerInvariant(), k.ToLowerInvariant())))
            .OrderBy(k => k.Distance)
            .FirstOrDefault();
        return best.Word is not null && best.Distance <= 2 && best.Distance < word.Length ? best.Word : null;
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions.</summary>
    public static int Distance(string a, string b)
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
