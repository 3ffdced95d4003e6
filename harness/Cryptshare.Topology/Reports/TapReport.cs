using System.Text;
using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Reports;

/// <summary>
/// The matrix as TAP version 13 (the Test Anything Protocol, as netassert and other network-assertion
/// tools print it): the plan <c>1..N</c>, then one test point per flow,
/// <c>ok N - ruleset/flow-id/from-zone: verdict</c> or <c>not ok …</c>, the failing ones followed by a
/// YAML block (indented two spaces, between <c>---</c> and <c>...</c>) with the facts. When a flow
/// fails is <see cref="FlowCheck"/>'s to say, as for junit.xml.
/// </summary>
public static class TapReport
{
    public static string Build(MatrixReport report) => Build(FlowCheck.Of(report), report.Flaky is { } flaky ? $"{flaky.Repeats} repetitions; flaky flows: {flaky.Flows.Count}" : null);

    public static string Build(StaticMatrixReport report) => Build(FlowCheck.Of(report), "predicted from the rule sets alone (analyze)");

    private static string Build(IReadOnlyList<FlowCheck> checks, string? comment)
    {
        var tap = new StringBuilder().Append("TAP version 13\n").Append($"1..{checks.Count}\n");
        if (comment is not null)
        {
            tap.Append($"# {OneLine(comment)}\n");
        }

        var number = 0;
        foreach (var check in checks)
        {
            number++;
            var verdict = check.Verdict?.ToWord() ?? "not predicted";
            var flaky = check.Flaky is null ? string.Empty : $" (flaky: {FlowCheck.FlakyCounts(check.Flaky)})";
            tap.Append(check.Passed ? "ok" : "not ok").Append($" {number} - {OneLine(check.Name)}: {verdict}{flaky}\n");
            if (!check.Passed || check.Flaky is not null)
            {
                Block(tap, check);
            }
        }

        var failed = checks.Count(c => !c.Passed && !c.NotTested);
        var notTested = checks.Count(c => c.NotTested);
        tap.Append($"# {checks.Count - failed - notTested} passed, {failed} failed{(notTested == 0 ? string.Empty : $", {notTested} not tested (a host failed)")}\n");
        return tap.ToString();
    }

    /// <summary>The YAML block of a test point: each value a double-quoted YAML string (escaped), so any text is safe in it.</summary>
    private static void Block(StringBuilder tap, FlowCheck check)
    {
        tap.Append("  ---\n");
        Field(tap, "message", check.FailureMessage ?? "passed, but the verdict varied between repetitions");
        Field(tap, "severity", check.NotTested ? "error" : check.Passed ? "flaky" : "fail");
        Field(tap, "flow", check.Id);
        Field(tap, "from", check.From);
        Field(tap, "to", check.To);
        tap.Append($"  port: {check.Port}\n");
        Field(tap, "expected", check.Expected?.ToWord() ?? "(no expectation)");
        Field(tap, check.VerdictLabel, check.Verdict?.ToWord() ?? "(not predicted)");
        Field(tap, "rule", check.Rule);
        Field(tap, "detail", check.Detail);
        if (check.Diagnosis is { } diagnosis)
        {
            Field(tap, "diagnosis", diagnosis.Message);
            Field(tap, "fix", diagnosis.Fix);
        }

        if (check.Flaky is { } flaky)
        {
            Field(tap, "flaky", FlowCheck.FlakyCounts(flaky));
        }

        tap.Append("  ...\n");
    }

    private static void Field(StringBuilder tap, string key, string value) => tap.Append($"  {key}: {Quoted(value)}\n");

    /// <summary>A YAML double-quoted scalar: backslash, quote and every control character escaped.</summary>
    public static string Quoted(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var c in value)
        {
            text.Append(c switch
            {
                '\\' => "\\\\",
                '"' => "\\\"",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\x{(int)c:x2}",
                _ => c.ToString(),
            });
        }

        return text.Append('"').ToString();
    }

    /// <summary>A description stays on its line, and a '#' in it is escaped (TAP reads it as the start of a directive).</summary>
    private static string OneLine(string text) =>
        new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Replace("#", "\\#", StringComparison.Ordinal);
}
