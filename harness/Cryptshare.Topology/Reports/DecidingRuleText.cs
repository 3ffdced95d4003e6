using System.Text.Json;

namespace Cryptshare.Topology.Reports;

/// <summary>
/// <see cref="FlowReport.DecidingRule"/> read back for people: the JSON the oracle and the trace
/// write (<c>family</c>, <c>table</c>, <c>chain</c>, <c>handle</c>, <c>comment</c>, <c>text</c>; any
/// may be missing; a rule without a handle is a chain's policy). Text that is not a JSON object is
/// kept as it is, so a hand-written report still shows something.
/// </summary>
public sealed record DecidingRuleText(string? Family, string? Table, string? Chain, long? Handle, string? Comment, string? Text)
{
    /// <summary>A base chain's policy rather than a rule.</summary>
    public bool IsPolicy => Handle is null && (Text?.StartsWith("policy", StringComparison.Ordinal) ?? false);

    /// <summary>Whether the rule (or policy) drops or rejects, as far as its text says.</summary>
    public bool Refuses => Text is not null && (Text.Contains("drop", StringComparison.Ordinal) || Text.Contains("reject", StringComparison.Ordinal));

    public static DecidingRuleText? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return new DecidingRuleText(null, null, null, null, null, json);
            }

            var root = document.RootElement;
            return new DecidingRuleText(
                Field(root, "family"), Field(root, "table"), Field(root, "chain"), ReadHandle(root), Field(root, "comment"), Field(root, "text"));
        }
        catch (JsonException)
        {
            return new DecidingRuleText(null, null, null, null, null, json);
        }
    }

    /// <summary>
    /// The rule named without its text, for a sentence: <c>rule inet perimeter forward #12 ("mail relays")</c>;
    /// a policy or a rule with neither handle nor comment is named by its text.
    /// </summary>
    public string Name
    {
        get
        {
            if (Handle is null && Comment is null)
            {
                return ToString();
            }

            var place = string.Join(' ', new[] { Family, Table, Chain }.Where(p => !string.IsNullOrEmpty(p)));
            var handle = Handle is { } h ? $" #{h}" : string.Empty;
            var comment = Comment is null ? string.Empty : $" (\"{Comment}\")";
            return $"rule {place}{handle}{comment}".Replace("rule  ", "rule ", StringComparison.Ordinal);
        }
    }

    /// <summary><c>inet perimeter forward #12 "mail relays": iifname … accept</c>, or <c>inet perimeter forward policy drop</c>.</summary>
    public override string ToString()
    {
        var place = string.Join(' ', new[] { Family, Table, Chain }.Where(p => !string.IsNullOrEmpty(p)));
        var handle = Handle is { } h ? $"#{h}" : null;
        var comment = Comment is null ? null : $"\"{Comment}\"";
        var head = string.Join(' ', new[] { place, handle, comment }.Where(p => !string.IsNullOrEmpty(p)));
        if (string.IsNullOrEmpty(Text))
        {
            return head.Length == 0 ? "an unnamed rule" : head;
        }

        return head.Length == 0 ? Text : Handle is null && Comment is null ? $"{head} {Text}" : $"{head}: {Text}";
    }

    private static string? Field(JsonElement root, string name)
    {
        foreach (var property in root.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Null or JsonValueKind.Undefined => null,
                    _ => property.Value.GetRawText(),
                };
            }
        }

        return null;
    }

    private static long? ReadHandle(JsonElement root) =>
        Field(root, "handle") is { } text && long.TryParse(text, out var handle) ? handle : null;
}
