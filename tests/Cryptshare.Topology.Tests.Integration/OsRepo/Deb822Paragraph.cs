namespace Cryptshare.Topology.Tests.Integration.OsRepo;

/// <summary>
/// One paragraph of Debian's control-file format (deb822), as Release and Packages files are
/// written: "Field: value" lines, continuation lines starting with a space. Field names are
/// case-insensitive; a multi-line field keeps its continuation lines, without the leading space.
/// </summary>
internal sealed class Deb822Paragraph
{
    private readonly Dictionary<string, List<string>> _fields = new(StringComparer.OrdinalIgnoreCase);

    private Deb822Paragraph()
    {
    }

    public string this[string field] => _fields.TryGetValue(field, out var lines)
        ? lines[0]
        : throw new KeyNotFoundException($"no field '{field}' (fields: {string.Join(", ", _fields.Keys)})");

    public IReadOnlyList<string> Continuation(string field) => _fields[field].Skip(1).ToList();

    public static IReadOnlyList<Deb822Paragraph> ParseAll(string text)
    {
        var paragraphs = new List<Deb822Paragraph>();
        Deb822Paragraph? current = null;
        List<string>? field = null;
        foreach (var line in text.Replace("\r\n", "\n").Split('\n'))
        {
            if (line.Trim().Length == 0)
            {
                current = null;
                field = null;
            }
            else if (line[0] is ' ' or '\t')
            {
                (field ?? throw new FormatException($"continuation line without a field: '{line}'")).Add(line.Trim());
            }
            else
            {
                var colon = line.IndexOf(':');
                if (colon <= 0)
                {
                    throw new FormatException($"not a 'Field: value' line: '{line}'");
                }

                if (current is null)
                {
                    current = new Deb822Paragraph();
                    paragraphs.Add(current);
                }

                field = [line[(colon + 1)..].Trim()];
                current._fields[line[..colon]] = field;
            }
        }

        return paragraphs;
    }
}
