using System.Text.Json;
using System.Text.Json.Serialization;
using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Reports;

/// <summary>
/// report.json of <c>analyze</c>: the static matrix, in the shape of <see cref="MatrixReport"/> with
/// nothing observed (<c>observed</c> and <c>elapsedMs</c> are null) and every flow's
/// <c>predicted</c> verdict and <c>decidingRule</c> (source "oracle"). <see cref="Kind"/> says "static".
/// <see cref="Incomplete"/> is written only when analyze was interrupted (the rule sets it had not
/// finished are missing; see <see cref="IncompleteRun"/>).
/// </summary>
public sealed record StaticMatrixReport(
    IReadOnlyList<StaticRuleSetReport> RuleSets,
    StaticReportTimings Timings,
    [property: JsonPropertyOrder(1), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IncompleteRun? Incomplete = null)
{
    public const string StaticKind = "static";

    public string Kind => StaticKind;

    /// <summary>Every prediction matches its expectation (a flow without either matches trivially).</summary>
    [JsonIgnore]
    public bool AllMatched => Incomplete is null && RuleSets.All(r => r.Flows.All(f => f.Matches));

    public void WriteTo(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "report.json"), JsonSerializer.Serialize(this, MatrixReport.Json));
    }

    public static StaticMatrixReport Read(string path) =>
        JsonSerializer.Deserialize<StaticMatrixReport>(File.ReadAllText(path), MatrixReport.Json) ?? throw new InvalidDataException($"{path}: empty report");
}

/// <summary>
/// One rule set of the static matrix; <see cref="ParsedBy"/> names the nft that parsed it.
/// <see cref="Diagnosis"/> is what <c>run</c> would diagnose, made from the predictions (see
/// <see cref="Diagnostician"/>); null where none was made (added last, optional).
/// </summary>
public sealed record StaticRuleSetReport(
    string Name,
    string Sha256,
    string ParsedBy,
    IReadOnlyList<StaticFlowReport> Flows,
    IReadOnlyList<DiagnosisLine>? Diagnosis = null)
{
    /// <summary>
    /// The rule set as if each prediction had been observed, for the diagnosis <c>run</c> makes from
    /// observations. Flows the oracle could not predict are left out: nothing is known of them.
    /// </summary>
    public RuleSetReport AsPredicted() => new(
        Name,
        Sha256,
        Flows.Where(f => f.Predicted is not null)
            .Select(f => new FlowReport(f.Id, f.From, f.To, f.Port, f.Expected, f.Predicted!.Value, 0, f.Detail, f.Required, f.Exposure, f.Predicted, f.DecidingRule))
            .ToList());
}

/// <summary>One flow of the static matrix: the fields of <see cref="FlowReport"/>; <see cref="Detail"/> is the oracle's account of the handshake.</summary>
public sealed record StaticFlowReport(
    string Id,
    string From,
    string To,
    int Port,
    Verdict? Expected,
    Verdict? Observed,
    long? ElapsedMs,
    string Detail,
    bool Required,
    bool Exposure,
    Verdict? Predicted,
    ReportedRule? DecidingRule)
{
    /// <summary>The prediction is the expected verdict, or there is nothing to compare (no expectation, or no prediction).</summary>
    [JsonIgnore]
    public bool Matches => Expected is null || Predicted is null || Expected == Predicted;
}

public sealed record StaticReportTimings(long ParseMs, long PredictMs);
