using System.Globalization;
using System.Net;
using System.Text;
using System.Xml.Linq;
using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Reports;

/// <summary>
/// report.html: one self-contained file a support engineer can send — inline CSS, the topology
/// pictures inline, no scripts and nothing loaded from anywhere (a Content-Security-Policy says
/// so to the browser). First the summary per rule set, then per rule set the diagnosis, the
/// picture and the per-flow table. Every count is also a data- attribute, so a test can compare the
/// rendered page with report.json. An incomplete run says so first, with the reason, every failed
/// host and its last log lines (<c>section#incomplete</c>).
/// </summary>
public static class HtmlReport
{
    public const string FileName = "report.html";

    private static readonly Verdict[] Verdicts = Enum.GetValues<Verdict>();

    public static string Render(MatrixReport report, TopologyDefinition? topology = null)
    {
        var html = new StringBuilder();
        var title = topology is null ? "Cryptshare topology report" : $"Cryptshare topology report: {topology.Name}";
        html.AppendLine("<!DOCTYPE html>")
            .AppendLine("<html lang=\"en\">")
            .AppendLine("<head>")
            .AppendLine("<meta charset=\"utf-8\">")
            .AppendLine("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">")
            .AppendLine("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .AppendLine(CultureInfo.InvariantCulture, $"<title>{E(title)}</title>")
            .AppendLine("<style>").AppendLine(Css()).AppendLine("</style>")
            .AppendLine("</head>");

        var total = ReportCounts.Of(report);
        var incompleteAttribute = report.Incomplete is { } cut ? $" data-incomplete=\"{E(cut.Cause)}\"" : string.Empty;
        html.AppendLine(CultureInfo.InvariantCulture, $"<body data-rulesets=\"{report.RuleSets.Count}\"{CountAttributes(total)}{incompleteAttribute}>")
            .AppendLine(CultureInfo.InvariantCulture, $"<h1>{E(title)}</h1>")
            .AppendLine(CultureInfo.InvariantCulture, $"<p class=\"lead\">{E(Lead(report, total))}</p>")
            .AppendLine(CultureInfo.InvariantCulture, $"<p class=\"timings\">topology up in {report.Timings.TopologyUpMs} ms, matrix in {report.Timings.MatrixMs} ms</p>");
        Incomplete(html, report.Incomplete);
        Summary(html, report, total);
        FlakySection(html, report.Flaky);
        var flaky = (report.Flaky?.Flows ?? []).ToDictionary(f => (f.RuleSet, f.Id, f.From));
        foreach (var ruleSet in report.RuleSets)
        {
            RuleSetSection(html, ruleSet, topology, flaky);
        }

        html.AppendLine("</body>").AppendLine("</html>");
        return html.ToString();
    }

    public static void Write(string path, MatrixReport report, TopologyDefinition? topology = null) =>
        File.WriteAllText(path, Render(report, topology), new UTF8Encoding(false));

    private static string Lead(MatrixReport report, ReportCounts total)
    {
        var problems = total.Diagnosis > 0
            ? $"{total.Diagnosis} diagnosis line{(total.Diagnosis == 1 ? string.Empty : "s")}: see each rule set below"
            : report.Incomplete is not null
                ? "no diagnosis among the flows tested; the run is incomplete (see below)"
                : "no diagnosis: every required flow works and nothing the documentation keeps closed is open";
        var untested = total.ByVerdict[Verdict.HostFailed];
        return $"{report.RuleSets.Count} rule set{(report.RuleSets.Count == 1 ? string.Empty : "s")}, {total.Flows} probed flows, " +
            $"{total.Matched} as expected, {total.Mismatched} not{(untested > 0 ? $", {untested} not tested (a host failed)" : string.Empty)}; {problems}.";
    }

    private static void Incomplete(StringBuilder html, IncompleteRun? incomplete)
    {
        if (incomplete is null)
        {
            return;
        }

        html.AppendLine(CultureInfo.InvariantCulture, $"<section id=\"incomplete\" data-cause=\"{E(incomplete.Cause)}\" data-host-failures=\"{incomplete.HostFailures.Count}\">")
            .AppendLine("<h2>Incomplete run</h2>")
            .AppendLine(CultureInfo.InvariantCulture, $"<p class=\"reason\">{E(incomplete.Reason)}</p>")
            .AppendLine(CultureInfo.InvariantCulture, $"<p class=\"repetitions\">{incomplete.RepetitionsDone} of {incomplete.RepetitionsAsked} repetitions ran to their end; at {E(incomplete.At.ToString("u", CultureInfo.InvariantCulture))}.</p>");
        if (incomplete.RuleSetsNotRun.Count > 0)
        {
            html.AppendLine(CultureInfo.InvariantCulture, $"<p class=\"not-run\" data-count=\"{incomplete.RuleSetsNotRun.Count}\">Not run, so missing below: {E(string.Join(", ", incomplete.RuleSetsNotRun))}.</p>");
        }

        foreach (var host in incomplete.HostFailures)
        {
            html.AppendLine(CultureInfo.InvariantCulture, $"<div class=\"host-failure\" data-host=\"{E(host.Host)}\" data-what=\"{E(host.What)}\">")
                .AppendLine(CultureInfo.InvariantCulture, $"<p><strong>{E(host.Host)}</strong> ({E(host.Kind)}, zone {E(host.Zone)}): {E(host.Meaning)} Found in repetition {host.Repetition}, rule set {E(host.RuleSet)}; its flows from then on are {Badge(Verdict.HostFailed)}.</p>")
                .AppendLine(CultureInfo.InvariantCulture, $"<pre class=\"log\">{E(host.LastLog.Count == 0 ? "(no log lines)" : string.Join('\n', host.LastLog))}</pre>")
                .AppendLine("</div>");
        }

        html.AppendLine("</section>");
    }

    private static void Summary(StringBuilder html, MatrixReport report, ReportCounts total)
    {
        html.AppendLine("<section id=\"summary\">")
            .AppendLine("<h2>Summary</h2>")
            .AppendLine(CultureInfo.InvariantCulture, $"<table class=\"summary\"{CountAttributes(total)}>")
            .Append("<thead><tr><th>rule set</th><th>flows</th><th>as expected</th><th>not as expected</th>");
        foreach (var verdict in Verdicts)
        {
            html.Append(CultureInfo.InvariantCulture, $"<th>{Badge(verdict)}</th>");
        }

        html.AppendLine("<th>diagnosis</th></tr></thead>").AppendLine("<tbody>");
        foreach (var ruleSet in report.RuleSets)
        {
            var counts = ReportCounts.Of(ruleSet);
            html.Append(CultureInfo.InvariantCulture, $"<tr class=\"summary-row{(counts.Mismatched > 0 ? " mismatch" : string.Empty)}\" data-ruleset=\"{E(ruleSet.Name)}\"{CountAttributes(counts)}>")
                .Append(CultureInfo.InvariantCulture, $"<td><a href=\"#{Anchor(ruleSet.Name)}\">{E(ruleSet.Name)}</a></td>")
                .Append(CountCells(counts))
                .AppendLine("</tr>");
        }

        html.AppendLine("</tbody>")
            .Append(CultureInfo.InvariantCulture, $"<tfoot><tr class=\"summary-total\"><td>all</td>{CountCells(total)}</tr></tfoot>")
            .AppendLine("</table>")
            .AppendLine("</section>");
    }

    private static string CountCells(ReportCounts counts)
    {
        var cells = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"<td class=\"count\" data-count=\"flows\">{counts.Flows}</td>")
            .Append(CultureInfo.InvariantCulture, $"<td class=\"count\" data-count=\"matched\">{counts.Matched}</td>")
            .Append(CultureInfo.InvariantCulture, $"<td class=\"count{(counts.Mismatched > 0 ? " bad" : string.Empty)}\" data-count=\"mismatched\">{counts.Mismatched}</td>");
        foreach (var verdict in Verdicts)
        {
            cells.Append(CultureInfo.InvariantCulture, $"<td class=\"count\" data-count=\"{verdict.ToWord()}\">{counts.ByVerdict[verdict]}</td>");
        }

        return cells.Append(CultureInfo.InvariantCulture, $"<td class=\"count{(counts.Diagnosis > 0 ? " bad" : string.Empty)}\" data-count=\"diagnosis\">{counts.Diagnosis}</td>").ToString();
    }

    private static string CountAttributes(ReportCounts counts)
    {
        var attributes = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $" data-flows=\"{counts.Flows}\" data-matched=\"{counts.Matched}\" data-mismatched=\"{counts.Mismatched}\"");
        foreach (var verdict in Verdicts)
        {
            attributes.Append(CultureInfo.InvariantCulture, $" data-{verdict.ToWord()}=\"{counts.ByVerdict[verdict]}\"");
        }

        return attributes.Append(CultureInfo.InvariantCulture, $" data-diagnosis=\"{counts.Diagnosis}\"").ToString();
    }

    private static void RuleSetSection(StringBuilder html, RuleSetReport ruleSet, TopologyDefinition? topology, IReadOnlyDictionary<(string, string, string), FlakyFlow> flaky)
    {
        var counts = ReportCounts.Of(ruleSet);
        html.AppendLine(CultureInfo.InvariantCulture, $"<section class=\"ruleset\" id=\"{Anchor(ruleSet.Name)}\" data-ruleset=\"{E(ruleSet.Name)}\"{CountAttributes(counts)}>")
            .AppendLine(CultureInfo.InvariantCulture, $"<h2>Rule set {E(ruleSet.Name)}</h2>")
            .AppendLine(CultureInfo.InvariantCulture, $"<p class=\"outcome {(counts.Mismatched == 0 ? "good" : "bad")}\">{E(Outcome(counts))}</p>")
            .AppendLine(CultureInfo.InvariantCulture, $"<p class=\"sha\">sha256 {E(ruleSet.Sha256)}</p>");
        Diagnosis(html, ruleSet);
        if (topology is not null)
        {
            html.AppendLine("<h3>Topology and flows</h3>")
                .AppendLine("<figure class=\"picture\">")
                .AppendLine(TopologySvg.Build(topology, ruleSet).ToString(SaveOptions.DisableFormatting))
                .AppendLine("</figure>");
        }

        FlowTable(html, ruleSet, flaky);
        html.AppendLine("</section>");
    }

    private static string Outcome(ReportCounts counts)
    {
        var untested = counts.ByVerdict[Verdict.HostFailed];
        var tested = counts.Mismatched == 0
            ? untested == 0 ? $"All {counts.Flows} flows as expected." : $"All {counts.Flows - untested} flows tested as expected."
            : $"{counts.Mismatched} of {counts.Flows} flows differ from the expectation.";
        return untested == 0 ? tested : $"{tested} {untested} not tested: a host failed.";
    }

    private static void Diagnosis(StringBuilder html, RuleSetReport ruleSet)
    {
        html.AppendLine("<h3>Diagnosis</h3>");
        if (ruleSet.Diagnosis is null)
        {
            html.AppendLine("<p class=\"diagnosis-none\" data-count=\"0\">No diagnosis was made for this rule set.</p>");
            return;
        }

        if (ruleSet.Diagnosis.Count == 0)
        {
            html.AppendLine("<p class=\"diagnosis-none\" data-count=\"0\">Nothing to fix: every required flow works and nothing the documentation keeps closed is open.</p>");
            return;
        }

        // Lines that share a cause (severity, rule, fix) are one item: the rule and fix once, the flows listed.
        var groups = DiagnosisGroup.Of(ruleSet.Diagnosis);
        html.AppendLine(CultureInfo.InvariantCulture, $"<ol class=\"diagnosis\" data-count=\"{ruleSet.Diagnosis.Count}\" data-groups=\"{groups.Count}\">");
        foreach (var group in groups)
        {
            var severity = group.Severity.ToWord();
            html.Append(CultureInfo.InvariantCulture, $"<li class=\"diagnosis-group {severity}\" data-lines=\"{group.Lines.Count}\">")
                .Append(CultureInfo.InvariantCulture, $"<span class=\"severity\">{severity}</span> ")
                .Append(group.Lines.Count == 1 ? string.Empty : $"<span class=\"shared\">{group.Lines.Count} flows, one cause:</span>")
                .Append("<ul class=\"diagnosis-flows\">");
            foreach (var line in group.Lines)
            {
                html.Append(CultureInfo.InvariantCulture, $"<li class=\"diagnosis-line {severity}\" data-flow=\"{E(line.FlowId)}\" data-from=\"{E(line.From)}\" data-severity=\"{severity}\">")
                    .Append(CultureInfo.InvariantCulture, $"<strong>{E(line.FlowId)}</strong> from {E(line.From)}, port {line.Port}, {Badge(line.Observed)}: ")
                    .Append(CultureInfo.InvariantCulture, $"<span class=\"message\">{E(line.Message)}</span></li>");
            }

            html.Append("</ul>")
                .Append(CultureInfo.InvariantCulture, $"<div class=\"rule\"><span class=\"label\">Rule</span> <code>{E(group.Rule)}</code></div>")
                .Append(CultureInfo.InvariantCulture, $"<div class=\"fix\"><span class=\"label\">Fix</span> {E(group.Fix)}</div>")
                .AppendLine("</li>");
        }

        html.AppendLine("</ol>");
    }

    /// <summary>
    /// After <c>run --repeat N</c>: every flow whose verdict varied, with how often each verdict came
    /// (or that none did). The flows' rows in the rule sets' tables carry a flaky badge too.
    /// </summary>
    private static void FlakySection(StringBuilder html, FlakinessReport? flaky)
    {
        if (flaky is null)
        {
            return;
        }

        html.AppendLine(CultureInfo.InvariantCulture, $"<section id=\"flaky\" data-repeats=\"{flaky.Repeats}\" data-flaky=\"{flaky.Flows.Count}\">")
            .AppendLine("<h2>Flaky flows</h2>");
        if (!flaky.AnyFlaky)
        {
            html.AppendLine(CultureInfo.InvariantCulture, $"<p class=\"flaky-none\">No flaky flow: every verdict was the same in all {flaky.Repeats} repetitions ({flaky.MatrixMs} ms).</p>")
                .AppendLine("</section>");
            return;
        }

        html.AppendLine(CultureInfo.InvariantCulture, $"<p class=\"flaky-lead\">{flaky.Flows.Count} flow{(flaky.Flows.Count == 1 ? " was" : "s were")} not observed the same way in all {flaky.Repeats} repetitions on one topology; the tables below show the first repetition.</p>")
            .AppendLine("<table class=\"flaky\"><thead><tr><th>rule set</th><th>flow</th><th>from</th><th>to</th><th>port</th><th>expected</th><th>observed (times)</th></tr></thead>")
            .AppendLine("<tbody>");
        foreach (var flow in flaky.Flows)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr class=\"flaky-flow\" data-ruleset=\"{E(flow.RuleSet)}\" data-flow=\"{E(flow.Id)}\" data-from=\"{E(flow.From)}\">")
                .Append(CultureInfo.InvariantCulture, $"<td>{E(flow.RuleSet)}</td><td>{E(flow.Id)}</td><td>{E(flow.From)}</td><td>{E(flow.To)}</td><td class=\"num\">{flow.Port}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{(flow.Expected is { } expected ? Badge(expected) : "–")}</td><td>")
                .Append(string.Join(" ", flow.Counts.Select(c => $"<span class=\"count-of\" data-verdict=\"{c.Verdict.ToWord()}\" data-times=\"{c.Count}\">{Badge(c.Verdict)} ×{c.Count}</span>")))
                .AppendLine("</td></tr>");
        }

        html.AppendLine("</tbody></table>").AppendLine("</section>");
    }

    private static void FlowTable(StringBuilder html, RuleSetReport ruleSet, IReadOnlyDictionary<(string, string, string), FlakyFlow> flaky)
    {
        html.AppendLine("<h3>Flows</h3>")
            .AppendLine(CultureInfo.InvariantCulture, $"<table class=\"flows\" data-count=\"{ruleSet.Flows.Count}\">")
            .AppendLine("<thead><tr><th>flow</th><th>from</th><th>to</th><th>port</th><th>role</th><th>expected</th><th>observed</th><th>oracle</th><th>ms</th><th>deciding rule</th><th>detail</th></tr></thead>")
            .AppendLine("<tbody>");
        foreach (var flow in ruleSet.Flows)
        {
            var role = flow.Required ? "required" : flow.Exposure ? "must stay closed" : "optional";
            var rule = flow.DecidingRule?.ToString() ?? string.Empty;
            var varied = flaky.GetValueOrDefault((ruleSet.Name, flow.Id, flow.From));
            var flakyBadge = varied is null ? string.Empty
                : $" <span class=\"flaky-badge\" title=\"{E(FlowCheck.FlakyCounts(varied))}\">flaky: {E(string.Join(" · ", varied.Counts.Select(c => $"{c.Verdict.ToWord()} {c.Count}")))}</span>";
            html.Append(CultureInfo.InvariantCulture, $"<tr class=\"flow{(flow.Mismatched ? " mismatch" : string.Empty)}{(varied is null ? string.Empty : " flaky")}\" data-flaky=\"{(varied is null ? "false" : "true")}\" data-flow=\"{E(flow.Id)}\" data-from=\"{E(flow.From)}\" data-observed=\"{flow.Observed.ToWord()}\" data-expected=\"{flow.Expected?.ToWord() ?? string.Empty}\" data-matches=\"{(flow.Matches ? "true" : "false")}\">")
                .Append(CultureInfo.InvariantCulture, $"<td>{E(flow.Id)}</td><td>{E(flow.From)}</td><td>{E(flow.To)}</td><td class=\"num\">{flow.Port}</td><td>{role}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{(flow.Expected is { } expected ? Badge(expected) : "–")}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{Badge(flow.Observed)}{(flow.Mismatched ? " <span class=\"differs\">≠ expected</span>" : string.Empty)}{flakyBadge}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{(flow.Predicted is { } predicted ? Badge(predicted) : "–")}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td class=\"num\">{flow.ElapsedMs}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{(rule.Length == 0 ? "–" : $"<code>{E(rule)}</code>")}</td><td class=\"detail\">{E(flow.Detail)}</td>")
                .AppendLine("</tr>");
        }

        html.AppendLine("</tbody>").AppendLine("</table>");
    }

    private static string Badge(Verdict verdict) =>
        $"<span class=\"verdict\" data-verdict=\"{verdict.ToWord()}\" style=\"background:{VerdictColours.Of(verdict)}\">{verdict.ToWord()}</span>";

    /// <summary>An id from a rule-set name: letters, digits and '-' only.</summary>
    private static string Anchor(string name) =>
        "rs-" + new string(name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());

    private static string E(string text) => WebUtility.HtmlEncode(XmlText.Clean(text));

    private static string Css() => """
        body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; margin: 24px; color: #212121; max-width: 1500px; }
        h1 { font-size: 24px; margin-bottom: 4px; }
        h2 { font-size: 20px; border-bottom: 2px solid #cfd8dc; padding-bottom: 4px; margin-top: 36px; }
        h3 { font-size: 16px; margin: 20px 0 8px; }
        p.lead { font-size: 15px; }
        p.timings, p.sha { color: #607d8b; font-size: 12px; }
        table { border-collapse: collapse; font-size: 13px; }
        th, td { border: 1px solid #cfd8dc; padding: 4px 8px; text-align: left; vertical-align: top; }
        th { background: #eceff1; }
        td.count, td.num { text-align: right; font-variant-numeric: tabular-nums; }
        td.bad { color: #b71c1c; font-weight: bold; }
        tr.mismatch td { background: #fff3e0; }
        tfoot td { font-weight: bold; }
        .verdict { color: #ffffff; border-radius: 4px; padding: 1px 6px; font-size: 12px; white-space: nowrap; }
        .differs { color: #b71c1c; font-weight: bold; white-space: nowrap; }
        .outcome.good { color: #2e7d32; font-weight: bold; }
        .outcome.bad { color: #b71c1c; font-weight: bold; }
        ol.diagnosis { padding-left: 24px; }
        li.diagnosis-group { margin-bottom: 12px; line-height: 1.45; }
        ul.diagnosis-flows { margin: 2px 0 4px; padding-left: 20px; }
        .shared { font-weight: bold; }
        li.diagnosis-group .severity { text-transform: uppercase; font-size: 11px; font-weight: bold; padding: 1px 5px; border-radius: 3px; color: #ffffff; background: #b71c1c; }
        li.diagnosis-group.exposed .severity { background: #6a1b9a; }
        li.diagnosis-group.inconclusive .severity { background: #757575; }
        .flaky-badge { color: #ffffff; background: #ad1457; border-radius: 4px; padding: 1px 6px; font-size: 12px; white-space: nowrap; }
        tr.flaky td { background: #fce4ec; }
        .count-of { white-space: nowrap; margin-right: 6px; }
        .rule, .fix { margin-left: 12px; }
        .label { display: inline-block; min-width: 32px; font-weight: bold; color: #455a64; }
        code { font-family: "DejaVu Sans Mono", monospace; font-size: 12px; background: #f5f5f5; padding: 0 3px; }
        td.detail { max-width: 420px; overflow-wrap: anywhere; color: #455a64; }
        figure.picture { margin: 0; overflow-x: auto; }
        figure.picture svg { max-width: 100%; height: auto; border: 1px solid #eceff1; }
        section#incomplete { border: 2px solid #4e342e; background: #efebe9; padding: 4px 16px 12px; margin: 16px 0; }
        section#incomplete h2 { margin-top: 8px; }
        pre.log { background: #ffffff; border: 1px solid #d7ccc8; padding: 6px; font-size: 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
        """;
}
