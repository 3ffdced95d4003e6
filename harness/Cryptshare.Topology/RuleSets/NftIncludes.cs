namespace Cryptshare.Topology.RuleSets;

/// <summary>One <c>include "PATH"</c> statement of an nft file: its line, and where the quoted path stands in the text.</summary>
public sealed record NftInclude(int Line, string Path, int PathStart, int PathLength);

/// <summary>
/// Finds the <c>include</c> statements of an nft file the way nft's own scanner sees them: outside
/// comments (<c>#</c> to the end of the line) and quoted strings (<c>"…"</c>, which have no
/// escapes). Where the two readings could differ it errs towards finding an include: a quote not
/// closed on its line starts no string, and the keyword is matched without regard to case, so the
/// search finds at least every include nft would follow.
/// </summary>
public static class NftIncludes
{
    public static IReadOnlyList<NftInclude> Find(string text)
    {
        var includes = new List<NftInclude>();
        var line = 1;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\n')
            {
                line++;
                i++;
            }
            else if (c == '#')
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }
            }
            else if (c == '"')
            {
                // A string ends on its line here: a quote left open reads as no string at all, so an
                // include on a later line is found whichever way nft takes a line break in a string.
                var close = ClosingQuote(text, i);
                i = close < 0 ? i + 1 : close + 1;
            }
            else if (IsWordCharacter(c))
            {
                var start = i;
                while (i < text.Length && IsWordCharacter(text[i]))
                {
                    i++;
                }

                if (string.Equals(text[start..i], "include", StringComparison.OrdinalIgnoreCase) && QuotedStringAfter(text, i) is var (open, close))
                {
                    includes.Add(new NftInclude(line, text[(open + 1)..close], open + 1, close - open - 1));
                }
            }
            else
            {
                i++;
            }
        }

        return includes;
    }

    /// <summary>Letters, digits and the characters nft allows inside a bare word, so "include" is only found as a word of its own.</summary>
    private static bool IsWordCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '/' or '$' or '@' or '\\';

    /// <summary>The quoted string that follows position <paramref name="i"/> after blanks (line breaks included, to be safe), if any.</summary>
    private static (int Open, int Close)? QuotedStringAfter(string text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        if (i >= text.Length || text[i] != '"')
        {
            return null;
        }

        var close = ClosingQuote(text, i);
        return close < 0 ? null : (i, close);
    }

    /// <summary>The quote that closes the one at <paramref name="open"/> on the same line, or -1.</summary>
    private static int ClosingQuote(string text, int open)
    {
        var close = text.IndexOfAny(['"', '\n'], open + 1);
        return close >= 0 && text[close] == '"' ? close : -1;
    }
}
