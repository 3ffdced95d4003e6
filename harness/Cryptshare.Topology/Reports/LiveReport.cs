using System.Text.Json;
using Cryptshare.Topology.Input;

namespace Cryptshare.Topology.Reports;

/// <summary>
/// live-report.json: what the portable agent observed on a customer's machine, in the shape of
/// report.json (<see cref="RuleSets"/> and <see cref="Timings"/> as a run writes them, so a reader of
/// report.json reads it too: one rule set named after the site, whose flows have no expectation,
/// prediction or deciding rule — nothing is known of the rules in force), headed by where and when
/// it was made: <see cref="Source"/> "live", the machine, the time, the site and zone, and how TLS
/// was checked. <see cref="Paths"/> holds the hops the agent saw towards each blocked flow's
/// destination; <see cref="Skipped"/> the flows it left out and why. No field holds a secret.
/// </summary>
public sealed record LiveReport(
    string Source,
    string Machine,
    DateTimeOffset Time,
    string Site,
    string SiteSha256,
    string Zone,
    string Agent,
    LiveTls Tls,
    IReadOnlyList<RuleSetReport> RuleSets,
    ReportTimings Timings,
    IReadOnlyList<FlowPath> Paths,
    IReadOnlyList<SkippedFlow> Skipped)
{
    public const string LiveSource = "live";

    public const string FileName = "live-report.json";

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, MatrixReport.Json));

    /// <summary>Reads a live report; anything else (a run's report.json, not JSON at all) is bad input naming the file.</summary>
    public static LiveReport Read(string path)
    {
        var text = ReportFiles.ReadText(path);
        LiveReport? report;
        try
        {
            report = JsonSerializer.Deserialize<LiveReport>(text, MatrixReport.Json);
        }
        catch (JsonException e)
        {
            throw new InputException(path, (int)(e.LineNumber ?? -1) + 1, $"not a live report ({LiveReport.FileName} of the agent): {e.Message}");
        }

        return report is { Source: LiveSource, RuleSets.Count: 1 }
            ? report
            : throw new InputException(path, 0, $"not a live report: {LiveReport.FileName} says \"source\": \"{LiveSource}\" and holds one rule set");
    }

    public RuleSetReport Observed => RuleSets[0];
}

/// <summary>How the agent checked certificates: against a CA bundle, the system's store, or not at all (<c>--insecure-tls</c>: <see cref="Validated"/> false).</summary>
public sealed record LiveTls(bool Validated, string How);

/// <summary>The hops a TTL-limited probe saw on the way to a flow's destination (only its address and port were probed).</summary>
public sealed record FlowPath(string FlowId, string From, string Address, int Port, IReadOnlyList<Hop> Hops)
{
    /// <summary>The path in words: "1 10.77.2.254, 2 no answer".</summary>
    public override string ToString() => string.Join(", ", Hops.Select(h => $"{h.Ttl} {h.Address ?? "no answer"}{(h.Note is null ? string.Empty : $" ({h.Note})")}"));
}

/// <summary>One hop: the address that answered with TTL exceeded (or the destination, or null when nothing answered).</summary>
public sealed record Hop(int Ttl, string? Address, string? Note);

/// <summary>A flow the agent did not probe and why.</summary>
public sealed record SkippedFlow(string FlowId, string From, string To, int Port, string Why);

/// <summary>Reading report files the user names: a missing or unreadable one is bad input.</summary>
internal static class ReportFiles
{
    public static string ReadText(string path)
    {
        if (Directory.Exists(path))
        {
            throw new InputException(path, 0, "is a folder; give the report file (report.json, live-report.json)");
        }

        try
        {
            return YamlInput.ReadText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(path, 0, $"cannot be read: {e.Message}");
        }
    }
}
