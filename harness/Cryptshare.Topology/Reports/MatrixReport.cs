using System.Text.Json;
using System.Text.Json.Serialization;
using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Reports;

/// <summary>
/// report.json. Field names are a contract (CI jobs and later tools read them): later work adds
/// fields, never renames these. <see cref="Flaky"/> (from <c>run --repeat N</c>; see
/// <see cref="Flakiness"/>) is null where the matrix ran once; added after the first fields,
/// optional, and written last so that older report.json files and readers keep working.
/// <see cref="Incomplete"/> (see <see cref="IncompleteRun"/>) is written only when the run did not
/// test everything (a host failed, the engine stopped, a signal), after <c>flaky</c>.
/// </summary>
public sealed record MatrixReport(
    IReadOnlyList<RuleSetReport> RuleSets,
    ReportTimings Timings,
    [property: JsonPropertyOrder(1)] FlakinessReport? Flaky = null,
    [property: JsonPropertyOrder(2), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IncompleteRun? Incomplete = null)
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        // Rule texts are full of quotes: keep them readable ("…" rather than \u0022…\u0022).
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new VerdictJsonConverter() },
    };

    /// <summary>Every flow as expected, and the run complete: a partial report is never all matched.</summary>
    public bool AllMatched => Incomplete is null && RuleSets.All(r => r.Flows.All(f => f.Matches));

    public void WriteTo(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "report.json"), JsonSerializer.Serialize(this, Json));
    }

    public static MatrixReport Read(string path) =>
        JsonSerializer.Deserialize<MatrixReport>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path}: empty report");
}

/// <summary>
/// One rule set's flows. <see cref="Diagnosis"/> (what breaks, which rule, what to change; see
/// <see cref="Diagnostician"/>) is null where none was made; added after the first fields, optional
/// so that older report.json files and callers keep working.
/// </summary>
public sealed record RuleSetReport(
    string Name,
    string Sha256,
    IReadOnlyList<FlowReport> Flows,
    IReadOnlyList<DiagnosisLine>? Diagnosis = null);

/// <summary>
/// One probed flow: <see cref="From"/> is the source zone, <see cref="To"/> the destination host.
/// <see cref="Predicted"/> is the static evaluator's (oracle's) verdict and <see cref="DecidingRule"/>
/// the rule that decided (the kernel's from the trace, else the oracle's; see <see cref="ReportedRule"/>),
/// written into report.json as a nested object; both are null where no oracle ran (added after the
/// first fields, optional so that older report.json files and callers keep working).
/// <see cref="ConnectMs"/> and <see cref="ExchangeMs"/> split <see cref="ElapsedMs"/> into the TCP
/// connect and the protocol exchange after it (optional too: absent in older reports, and where the
/// agent did not measure them, e.g. a flow whose host failed).
/// </summary>
public sealed record FlowReport(
    string Id,
    string From,
    string To,
    int Port,
    Verdict? Expected,
    Verdict Observed,
    long ElapsedMs,
    string Detail,
    bool Required,
    bool Exposure,
    Verdict? Predicted = null,
    ReportedRule? DecidingRule = null,
    long? ConnectMs = null,
    long? ExchangeMs = null)
{
    /// <summary>
    /// No expectation (a customer's rule set before the oracle) counts as matching: nothing to
    /// compare. A flow that was not tested (<see cref="Verdict.HostFailed"/>) does not match; it is
    /// no mismatch either (<see cref="VerdictWords.IsTested"/>).
    /// </summary>
    [JsonIgnore]
    public bool Matches => Expected is null || Expected == Observed;

    /// <summary>Tested, and the verdict is not the expected one: what the judge and the reports count as a mismatch.</summary>
    [JsonIgnore]
    public bool Mismatched => Observed.IsTested() && !Matches;
}

public sealed record ReportTimings(long TopologyUpMs, long MatrixMs);

/// <summary>Verdicts as their lower-case words (allowed, dropped, rejected, broken, unroutable).</summary>
public sealed class VerdictJsonConverter : JsonConverter<Verdict>
{
    public override Verdict Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        VerdictWords.TryParse(reader.GetString() ?? string.Empty, out var verdict)
            ? verdict
            : throw new JsonException($"'{reader.GetString()}' is not a verdict ({VerdictWords.AllWords})");

    public override void Write(Utf8JsonWriter writer, Verdict value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToWord());
}
