using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Cryptshare.Topology.Input;

/// <summary>
/// Text from input files on its way to a terminal, a CI log or a ticket. A value quoted in a
/// message is shown with its control characters spelled out (a name ending in a newline reads
/// <c>dmz\n</c>); a tool's message about an input (nft's, quoting the offending line) is passed on
/// with them removed, so an escape sequence in a rule file can neither recolour nor rewrite what
/// the user sees.
/// </summary>
public static partial class Printable
{
    /// <summary><paramref name="value"/> with every control or bidirectional-formatting character written as an escape (<c>\n</c>, <c>\x1b</c>, <c>\u202e</c>).</summary>
    public static string Visible(string value)
    {
        if (!value.Any(IsHidden))
        {
            return value;
        }

        var text = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            text.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\0' => "\\0",
                _ when c < 0x100 && IsHidden(c) => $"\\x{(int)c:x2}",
                _ when IsHidden(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return text.ToString();
    }

    /// <summary>
    /// A multi-line message with terminal escape sequences and every control or bidirectional-formatting
    /// character removed; line breaks and tabs stay (CR is removed: it would let a line overwrite itself).
    /// </summary>
    public static string Strip(string message)
    {
        var withoutSequences = EscapeSequence().Replace(message, string.Empty);
        return withoutSequences.Any(c => c is not ('\n' or '\t') && IsHidden(c))
            ? string.Concat(withoutSequences.Where(c => c is '\n' or '\t' || !IsHidden(c)))
            : withoutSequences;
    }

    /// <summary>Each line of <paramref name="message"/> cut to <paramref name="maxLine"/> characters, saying how many were left out.</summary>
    public static string ShortLines(string message, int maxLine) =>
        string.Join('\n', message.Split('\n').Select(line => line.Length <= maxLine ? line : $"{line[..maxLine]}… ({line.Length - maxLine} more characters)"));

    /// <summary>Control characters (C0, DEL, C1) and the formatting characters that reorder or hide text (bidi overrides, zero-width marks).</summary>
    private static bool IsHidden(char c) =>
        char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format;

    /// <summary>ANSI/VT sequences: CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \), and two-character ESC sequences.</summary>
    [GeneratedRegex(@"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)?|\x1b[@-_]|\x9b[0-?]*[ -/]*[@-~]")]
    private static partial Regex EscapeSequence();
}
