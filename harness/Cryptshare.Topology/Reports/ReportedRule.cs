using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Cryptshare.Topology.Oracle;

namespace Cryptshare.Topology.Reports;

/// <summary>Who named a deciding rule: the kernel's trace of the probe, or the oracle's prediction. Written as the lower-case word.</summary>
public enum RuleSource
{
    Kernel,
    Oracle,
}

/// <summary>
/// The deciding rule of a flow as the report carries it, typed from where it was named (the
/// kernel's trace or the oracle) to report.json: the rule (or chain policy), who named it, and what
/// it did to the packet that decided (<see cref="Action"/>). report.json writes it as
/// <c>{ "family", "table", "chain", "handle", "comment", "text", "source" }</c> (handle null for a
/// policy), the format reports had before the action was typed; so a report read back knows the
/// action only of a policy (its text is its verdict), and reads older files too: the rule as a
/// string of JSON, field names in any case, a handle as text, or text that is no JSON at all (a
/// hand-written report), kept as the rule's text.
/// </summary>
[JsonConverter(typeof(ReportedRuleJsonConverter))]
public sealed record ReportedRule(RuleReference Rule, RuleSource? Source, PacketVerdict? Action)
{
    private static readonly JsonSerializerOptions Compact = new();

    /// <summary>The reported rule for a decision; null when no rule decided.</summary>
    public static ReportedRule? From(RuleReference? rule, PacketVerdict? action, RuleSource source) =>
        rule is null ? null : new ReportedRule(rule, source, action);

    /// <summary>
    /// Where the customer's file writes the rule (<c>acme.rules:10</c>; an iptables-save file's own
    /// line, not its translation's), set by the diagnosis from the compiled rule set; null where
    /// unknown (a policy, a rule set not parsed). report.json writes it as <c>location</c>.
    /// </summary>
    public string? Location { get; init; }

    /// <summary>A base chain's policy rather than a rule.</summary>
    public bool IsPolicy => Rule.Handle is null && Rule.Text.StartsWith("policy", StringComparison.Ordinal);

    /// <summary>The rule (or policy) dropped or rejected the packet that decided.</summary>
    public bool Refuses => Action is PacketVerdict.Drop or PacketVerdict.Reject;

    /// <summary>The same rule as <paramref name="other"/> (whoever named each).</summary>
    public bool IsSameRuleAs(ReportedRule? other) => other is not null && RuleReference.Same(Rule, other.Rule);

    /// <summary>
    /// The rule named without its text, for a sentence: <c>rule inet perimeter forward #12 ("mail relays")</c>;
    /// a policy or a rule with neither handle nor comment is named by its text.
    /// </summary>
    public string Name
    {
        get
        {
            if (Rule.Handle is null && Rule.Comment is null)
            {
                return ToString();
            }

            var handle = Rule.Handle is { } h ? $" #{h}" : string.Empty;
            var comment = Rule.Comment is null ? string.Empty : $" (\"{Rule.Comment}\")";
            var location = Location is null ? string.Empty : $" at {Location}";
            return $"rule {Place}{handle}{comment}{location}".Replace("rule  ", "rule ", StringComparison.Ordinal);
        }
    }

    /// <summary>The compact JSON the history keeps (jsonb): report.json's object on one line.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Compact);

    /// <summary>A rule from JSON text as older reports and the history hold it; null for none.</summary>
    public static ReportedRule? Parse(string? json) => ReportedRuleJsonConverter.FromText(json);

    /// <summary><c>inet perimeter forward #12 "mail relays": iifname … accept</c>, or <c>inet perimeter forward policy drop</c>.</summary>
    public override string ToString()
    {
        var handle = Rule.Handle is { } h ? $"#{h}" : null;
        var comment = Rule.Comment is null ? null : $"\"{Rule.Comment}\"";
        var location = Location is null ? null : $"at {Location}";
        var head = string.Join(' ', new[] { Place, handle, comment, location }.Where(p => !string.IsNullOrEmpty(p)));
        if (string.IsNullOrEmpty(Rule.Text))
        {
            return head.Length == 0 ? "an unnamed rule" : head;
        }

        return head.Length == 0 ? Rule.Text : Rule.Handle is null && Rule.Comment is null ? $"{head} {Rule.Text}" : $"{head}: {Rule.Text}";
    }

    private string Place => string.Join(' ', new[] { Rule.Family, Rule.Table, Rule.Chain }.Where(p => !string.IsNullOrEmpty(p)));
}

/// <summary>report.json's form of <see cref="ReportedRule"/> (see there), written in the order of its fields.</summary>
public sealed class ReportedRuleJsonConverter : JsonConverter<ReportedRule>
{
    public override ReportedRule? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return FromText(reader.GetString());
        }

        using var document = JsonDocument.ParseValue(ref reader);
        return FromElement(document.RootElement, document.RootElement.GetRawText());
    }

    public override void Write(Utf8JsonWriter writer, ReportedRule value, JsonSerializerOptions options)
    {
        var rule = value.Rule;
        writer.WriteStartObject();
        writer.WriteString("family", rule.Family);
        writer.WriteString("table", rule.Table);
        writer.WriteString("chain", rule.Chain);
        if (rule.Handle is { } handle)
        {
            writer.WriteNumber("handle", handle);
        }
        else
        {
            writer.WriteNull("handle");
        }

        writer.WriteString("comment", rule.Comment);
        writer.WriteString("text", rule.Text);
        writer.WriteString("source", value.Source is { } source ? Word(source) : null);
        if (value.Location is { } location)
        {
            writer.WriteString("location", location);
        }

        writer.WriteEndObject();
    }

    internal static ReportedRule? FromText(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return FromElement(document.RootElement, text);
        }
        catch (JsonException)
        {
            return Unparsed(text);
        }
    }

    private static ReportedRule? FromElement(JsonElement root, string text)
    {
        if (root.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return Unparsed(text);
        }

        var handle = Field(root, "handle") is { } h && long.TryParse(h, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : (long?)null;
        var rule = new RuleReference(Field(root, "family") ?? "", Field(root, "table") ?? "", Field(root, "chain") ?? "", handle, Field(root, "comment"), Field(root, "text") ?? "");
        var source = Field(root, "source") switch
        {
            "kernel" => RuleSource.Kernel,
            "oracle" => RuleSource.Oracle,
            _ => (RuleSource?)null,
        };
        return new ReportedRule(rule, source, PolicyAction(rule)) { Location = Field(root, "location") };
    }

    /// <summary>Text that is no rule object: kept whole as the rule's text, so a hand-written report still shows it.</summary>
    private static ReportedRule Unparsed(string text) => new(new RuleReference("", "", "", null, null, text), null, null);

    /// <summary>A policy's text is its verdict (<c>policy drop</c>, <c>policy accept</c>); a rule's action is not in the file.</summary>
    private static PacketVerdict? PolicyAction(RuleReference rule) => rule.Handle is not null ? null : rule.Text switch
    {
        "policy drop" => PacketVerdict.Drop,
        "policy accept" => PacketVerdict.Accept,
        _ => null,
    };

    private static string Word(RuleSource source) => source.ToString().ToLowerInvariant();

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
}
