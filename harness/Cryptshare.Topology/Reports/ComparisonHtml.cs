using System.Globalization;
using System.Net;
using System.Text;
using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Reports;

/// <summary>
/// compare.html: the comparison as one self-contained page to send (inline CSS, no scripts, nothing
/// loaded: a Content-Security-Policy says so), differences first, each with its meaning. The counts
/// are data- attributes, so a test can hold the page to compare.json.
/// </summary>
public static class ComparisonHtml
{
    public const string FileName = "compare.html";

    public static string Render(ReportComparison comparison)
    {
        var html = new StringBuilder();
        var differences = comparison.Differences;
        html.AppendLine("<!DOCTYPE html>")
            .AppendLine("<html lang=\"en\">")
            .AppendLine("<head>")
            .AppendLine("<meta charset=\"utf-8\">")
            .AppendLine("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">")
            .AppendLine("<title>Simulation and live network compared</title>")
            .AppendLine("<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:4px 6px;vertical-align:top;text-align:left}" +
                        ".agree td.agreement{color:#2e7d32}.difference td.agreement{color:#c62828;font-weight:bold}.unjudged td.agreement{color:#8a8a8a}.warning{color:#ef6c00}</style>")
            .AppendLine("</head>")
            .AppendLine(CultureInfo.InvariantCulture, $"<body data-flows=\"{comparison.Flows.Count}\" data-compared=\"{comparison.Compared}\" data-differences=\"{differences.Count}\">")
            .AppendLine("<h1>Simulation and live network compared</h1>")
            .AppendLine(CultureInfo.InvariantCulture, $"<p>Simulated: {E(comparison.Simulated)}, rule set {E(comparison.RuleSet)} — {E(comparison.SimulatedBy)}.</p>")
            .AppendLine("<ul>");
        foreach (var live in comparison.Live)
        {
            html.AppendLine(CultureInfo.InvariantCulture, $"<li>Live: {E(live.File)} — site {E(live.Site)}, zone {E(live.Zone)}, machine {E(live.Machine)}, {live.Time.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC; TLS: {E(live.Tls.How)}</li>");
        }

        html.AppendLine("</ul>");
        foreach (var warning in comparison.Warnings)
        {
            html.AppendLine(CultureInfo.InvariantCulture, $"<p class=\"warning\">{E(warning)}</p>");
        }

        html.AppendLine(CultureInfo.InvariantCulture, $"<p class=\"lead\">{E(Lead(comparison))}</p>")
            .AppendLine("<table>")
            .AppendLine("<tr><th>flow</th><th>from</th><th>to</th><th>port</th><th>simulated</th><th>live</th><th>agreement</th><th>what it means</th><th>machine</th></tr>");
        foreach (var flow in comparison.Flows.OrderBy(f => f.IsDifference ? 0 : f.Agreement == Agreement.Agree ? 1 : 2))
        {
            var row = flow.IsDifference ? "difference" : flow.Agreement == Agreement.Agree ? "agree" : "unjudged";
            html.AppendLine(CultureInfo.InvariantCulture,
                $"<tr class=\"{row}\" data-flow=\"{E(flow.FlowId)}\" data-from=\"{E(flow.From)}\" data-agreement=\"{flow.Agreement}\"><td>{E(flow.FlowId)}</td><td>{E(flow.From)}</td><td>{E(flow.To)}</td><td>{flow.Port}</td>" +
                $"<td>{E(flow.Simulated?.ToWord() ?? "–")}</td><td>{E(flow.Live?.ToWord() ?? "–")}</td><td class=\"agreement\">{E(Word(flow.Agreement))}</td><td>{E(flow.Meaning)}</td><td>{E(flow.Machine ?? "–")}</td></tr>");
        }

        html.AppendLine("</table>").AppendLine("</body>").AppendLine("</html>");
        return html.ToString();
    }

    public static void Write(string path, ReportComparison comparison) => File.WriteAllText(path, Render(comparison), new UTF8Encoding(false));

    /// <summary>The sentence above the table (and the console's last line).</summary>
    public static string Lead(ReportComparison comparison)
    {
        var differences = comparison.Differences.Count;
        var notProbed = comparison.Flows.Count(f => f.Agreement == Agreement.NotProbedLive);
        var tail = notProbed == 0 ? string.Empty : $"; {notProbed} simulated flow{(notProbed == 1 ? " was" : "s were")} not probed live";
        return differences == 0
            ? $"simulation and live network agree on all {comparison.Compared} flows compared{tail}"
            : $"{differences} of {comparison.Compared} flows compared differ between the simulation and the live network{tail}";
    }

    /// <summary>The agreement as its JSON word.</summary>
    public static string Word(Agreement agreement) =>
        typeof(Agreement).GetField(agreement.ToString())!.GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonStringEnumMemberNameAttribute), false)
            .Cast<System.Text.Json.Serialization.JsonStringEnumMemberNameAttribute>().Single().Name;

    private static string E(string text) => WebUtility.HtmlEncode(XmlText.Clean(text));
}
