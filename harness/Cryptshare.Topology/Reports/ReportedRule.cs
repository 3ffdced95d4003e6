using System.Text.Json;
using System.Text.Json.Serialization;
using Cryptshare.Topology.Oracle;

namespace Cryptshare.Topology.Reports;

/// <summary>Who named a deciding rule: the kernel's trace of the probe, or the oracle's prediction.</summary>
public static class RuleSources
{
    public const string Kernel = "kernel";
    public const string Oracle = "oracle";
}

/// <summary>
/// A deciding rule as report.json carries it: <c>{ "family", "table", "chain", "handle", "comment",
/// "text", "source" }</c> (handle null for a chain's policy). <see cref="FlowReport.DecidingRule"/>
/// holds this as JSON text, which is what the history store keeps (jsonb).
/// </summary>
public sealed record ReportedRule(string Family, string Table, string Chain, long? Handle, string? Comment, string Text, string Source)
{
    private static readonly JsonSerializerOptions Compact = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static ReportedRule From(RuleReference rule, string source) =>
        new(rule.Family, rule.Table, rule.Chain, rule.Handle, rule.Comment, rule.Text, source);

    /// <summary>The JSON text for <see cref="FlowReport.DecidingRule"/>; null for no rule.</summary>
    public static string? ToJson(RuleReference? rule, string source) =>
        rule is null ? null : JsonSerializer.Serialize(From(rule, source), Compact);

    /// <summary>The rule from report.json's text; null for none, or for text that is not such a rule (see <see cref="DecidingRuleText"/> for display).</summary>
    public static ReportedRule? Parse(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<ReportedRule>(json, Compact);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Same rule (chain and handle, or the same policy), whoever named it.</summary>
    public bool SameRuleAs(ReportedRule? other) =>
        other is not null && Family == other.Family && Table == other.Table && Chain == other.Chain && Handle == other.Handle
        && (Handle is not null || Text == other.Text);

    public override string ToString() =>
        Handle is null ? $"{Family} {Table} {Chain} {Text}" : $"{Family} {Table} {Chain} #{Handle}: {Text}";
}

/// <summary>
/// Writes a string property that holds JSON as nested JSON (so report.json shows the deciding rule
/// as an object), and reads it back as text whether the file has an object (now) or a string
/// (reports written before). Text that is not JSON stays a string.
/// </summary>
public sealed class NestedJsonTextConverter : JsonConverter<string>
{
    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        // Back to compact text, as ReportedRule.ToJson wrote it before the report indented it.
        using var document = JsonDocument.ParseValue(ref reader);
        return JsonSerializer.Serialize(document.RootElement);
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        try
        {
            using var document = JsonDocument.Parse(value);
            document.RootElement.WriteTo(writer);
        }
        catch (JsonException)
        {
            writer.WriteStringValue(value);
        }
    }
}
