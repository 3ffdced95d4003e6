using System.Xml;

namespace Cryptshare.Topology.Reports;

/// <summary>
/// Text from probes (server banners, error messages) may hold characters XML 1.0 forbids; they
/// would make junit.xml or the SVG unreadable, so they are replaced by U+FFFD.
/// </summary>
internal static class XmlText
{
    public static string Clean(string text)
    {
        if (text.All(XmlConvert.IsXmlChar))
        {
            return text;
        }

        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++;
                continue;
            }

            if (!XmlConvert.IsXmlChar(chars[i]))
            {
                chars[i] = '\uFFFD';
            }
        }

        return new string(chars);
    }
}
