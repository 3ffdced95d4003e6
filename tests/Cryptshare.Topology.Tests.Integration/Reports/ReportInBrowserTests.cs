using System.Text.Json;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Flows;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Reports;
using Cryptshare.Topology.RuleSets;
using Microsoft.Playwright;

namespace Cryptshare.Topology.Tests.Integration.Reports;

/// <summary>
/// report.html opened in headless Chromium: it renders (every section, picture and table laid
/// out, nothing fetched from anywhere, no errors) and the counts the reader sees are the counts of
/// report.json, read back as plain JSON rather than through the report model.
/// </summary>
[TestFixture]
[Category("Cli")]
public sealed class ReportInBrowserTests
{
    private static readonly string[] CountNames = ["flows", "matched", "mismatched", "allowed", "dropped", "rejected", "broken", "unroutable", "diagnosis"];

    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => Directory.CreateDirectory(_folder = Path.Combine(Path.GetTempPath(), $"ctt-html-{Guid.NewGuid():N}"));

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public async Task TheReportRendersAndShowsTheCountsOfTheJson()
    {
        var chromium = HeadlessChromium.Require();
        WriteSampleReport(_folder);
        var expected = CountsFromJson(Path.Combine(_folder, ReportFolder.JsonFileName));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright, chromium);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        var requests = new List<string>();
        var errors = new List<string>();
        page.Request += (_, request) => requests.Add(request.Url);
        page.Console += (_, message) => { if (message.Type == "error") { errors.Add(message.Text); } };
        page.PageError += (_, error) => errors.Add(error);

        var url = new Uri(Path.Combine(_folder, HtmlReport.FileName)).AbsoluteUri;
        var response = await page.GotoAsync(url, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        Assert.That(response?.Ok, Is.True, "the page loads");
        Assert.That(requests, Is.EqualTo(new[] { url }), "nothing but the file itself is fetched");
        Assert.That(errors, Is.Empty);

        Assert.That(await page.Locator("section.ruleset").CountAsync(), Is.EqualTo(expected.Count));
        foreach (var (name, counts) in expected)
        {
            var section = page.Locator($"section.ruleset[data-ruleset='{name}']");
            var summary = page.Locator($"tr.summary-row[data-ruleset='{name}']");
            foreach (var count in CountNames)
            {
                Assert.That(await section.GetAttributeAsync($"data-{count}"), Is.EqualTo(counts[count].ToString()), $"{name} data-{count}");
                Assert.That(await summary.Locator($"td[data-count='{count}']").InnerTextAsync(), Is.EqualTo(counts[count].ToString()), $"{name}: the {count} a reader sees");
            }

            Assert.That(await section.Locator("table.flows tbody tr.flow:visible").CountAsync(), Is.EqualTo(counts["flows"]), $"{name}: a visible row per flow");
            Assert.That(await section.Locator("tr.flow[data-matches='false']").CountAsync(), Is.EqualTo(counts["mismatched"]), $"{name}: rows marked as differing");
            Assert.That(await section.Locator("li.diagnosis-line:visible").CountAsync(), Is.EqualTo(counts["diagnosis"]), $"{name}: diagnosis lines shown");
            Assert.That(await section.Locator("svg g.flow").CountAsync(), Is.EqualTo(counts["flows"]), $"{name}: an arrow per flow");

            var picture = await section.Locator("svg.topology").BoundingBoxAsync();
            Assert.That(picture, Is.Not.Null, $"{name}: the picture is laid out");
            Assert.That(Math.Min(picture!.Width, picture.Height), Is.GreaterThan(600), $"{name}: the picture has a readable size");
        }

        var total = expected.Values.Aggregate(new Dictionary<string, int>(), (sum, c) => { foreach (var (k, v) in c) { sum[k] = sum.GetValueOrDefault(k) + v; } return sum; });
        foreach (var count in CountNames)
        {
            Assert.That(await page.Locator($"tr.summary-total td[data-count='{count}']").InnerTextAsync(), Is.EqualTo(total[count].ToString()), $"total {count}");
        }

        var screenshot = Path.Combine(TestContext.CurrentContext.WorkDirectory, "report-html.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        TestContext.AddTestAttachment(screenshot, "report.html as headless Chromium renders it");
    }

    /// <summary>
    /// After <c>run --repeat 5</c> where ldaps from the dmz came allowed 3 times and dropped twice:
    /// the reader sees a "Flaky flows" section with both counts, and a flaky badge on the flow's row
    /// of its rule set, laid out and coloured apart from the rows around it.
    /// </summary>
    [Test]
    public async Task AFlakyFlowShowsInItsOwnSectionAndWithABadgeOnItsRow()
    {
        var chromium = HeadlessChromium.Require();
        WriteSampleReport(_folder, new FlakinessReport(5, 11_500, [new FlakyFlow("01-documented", "ldaps", "dmz", "ldap", 636, Verdict.Allowed, [new VerdictCount(Verdict.Allowed, 3), new VerdictCount(Verdict.Dropped, 2)])]));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright, chromium);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        await page.GotoAsync(new Uri(Path.Combine(_folder, HtmlReport.FileName)).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load });

        var section = page.Locator("section#flaky");
        Assert.That(await section.IsVisibleAsync(), Is.True, "the flaky section is shown");
        Assert.That(await section.Locator("h2").InnerTextAsync(), Is.EqualTo("Flaky flows"));
        var listed = section.Locator("tr.flaky-flow[data-flow='ldaps'][data-from='dmz']");
        Assert.That(await listed.CountAsync(), Is.EqualTo(1));
        var counts = await listed.InnerTextAsync();
        Assert.That(counts, Does.Contain("allowed ×3").And.Contain("dropped ×2"), "both verdicts with how often each came");

        var row = page.Locator("section.ruleset[data-ruleset='01-documented'] tr.flow[data-flow='ldaps'][data-from='dmz']");
        var badge = row.Locator(".flaky-badge");
        Assert.That(await badge.IsVisibleAsync(), Is.True, "the row carries a visible badge");
        Assert.That(await badge.InnerTextAsync(), Is.EqualTo("flaky: allowed 3 · dropped 2"));
        var box = await badge.BoundingBoxAsync();
        Assert.That(box, Is.Not.Null);
        Assert.That(box!.Width, Is.GreaterThan(40), "laid out at a readable size");
        var neighbour = page.Locator("section.ruleset[data-ruleset='01-documented'] tr.flow[data-flow='ldap'][data-from='dmz'] td").First;
        const string background = "e => getComputedStyle(e).backgroundColor";
        Assert.That(await row.Locator("td").First.EvaluateAsync<string>(background), Is.Not.EqualTo(await neighbour.EvaluateAsync<string>(background)), "the flaky row is coloured apart from a steady one");
        Assert.That(await page.Locator("tr.flow[data-flaky='true']").CountAsync(), Is.EqualTo(1), "only that row");

        var screenshot = Path.Combine(TestContext.CurrentContext.WorkDirectory, "report-html-flaky.png");
        await section.ScreenshotAsync(new LocatorScreenshotOptions { Path = screenshot });
        TestContext.AddTestAttachment(screenshot, "report.html's flaky section as headless Chromium renders it");
    }

    private static Task<IBrowser> LaunchAsync(IPlaywright playwright, string chromium) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = HeadlessChromium.QuietArguments,
        });

    /// <summary>The counts per rule set, computed from report.json's own fields.</summary>
    private static Dictionary<string, Dictionary<string, int>> CountsFromJson(string path)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var result = new Dictionary<string, Dictionary<string, int>>();
        foreach (var ruleSet in json.RootElement.GetProperty("ruleSets").EnumerateArray())
        {
            var flows = ruleSet.GetProperty("flows").EnumerateArray().ToList();
            string Observed(JsonElement f) => f.GetProperty("observed").GetString()!;
            bool Matched(JsonElement f) => f.GetProperty("expected").ValueKind == JsonValueKind.Null || f.GetProperty("expected").GetString() == Observed(f);
            var counts = new Dictionary<string, int>
            {
                ["flows"] = flows.Count,
                ["matched"] = flows.Count(Matched),
                ["mismatched"] = flows.Count(f => !Matched(f)),
                ["diagnosis"] = ruleSet.GetProperty("diagnosis").GetArrayLength(),
            };
            foreach (var verdict in new[] { "allowed", "dropped", "rejected", "broken", "unroutable" })
            {
                counts[verdict] = flows.Count(f => Observed(f) == verdict);
            }

            result[ruleSet.GetProperty("name").GetString()!] = counts;
        }

        return result;
    }

    /// <summary>
    /// A run as the matrix would report it, from the shipped data: four library rule sets on the
    /// default topology, observed as their expectation files say, except a broken HTTPS flow and a
    /// rejected SMTP flow, so that mismatches and diagnosis lines show; with <paramref name="flaky"/>
    /// as a run with repetitions reports it.
    /// </summary>
    private static void WriteSampleReport(string folder, FlakinessReport? flaky = null)
    {
        var catalog = FlowCatalog.Load(Path.Combine(RepositoryLayout.Fixtures, "flows", "catalog.yml"));
        var topology = TopologyLoader.Load(Path.Combine(RepositoryLayout.Fixtures, "topologies", "default.yml"), catalog);
        var ruleSets = new[] { "01-documented", "04-ldaps-on-686", "06-admin-exposed-to-internet", "08-missing-established" }
            .Select(n => RuleSetLoader.Load(Path.Combine(RepositoryLayout.Fixtures, "rulesets", n + RuleSetLoader.RuleSetExtension), catalog))
            .ToList();
        var reports = ruleSets.Select(ruleSet => new RuleSetReport(ruleSet.Name, ruleSet.Sha256, MatrixPlanner.Plan(topology, catalog, ruleSet).Select(c =>
        {
            var observed = (ruleSet.Name, c.Key) switch
            {
                ("01-documented", "ui-https/internet") => Verdict.Broken,
                ("04-ldaps-on-686", "smtp/dmz") => Verdict.Rejected,
                _ => c.Expected!.Value,
            };
            var detail = observed switch
            {
                Verdict.Allowed => "exchange completed",
                Verdict.Broken => "HTTP 400: missing header X-CS-ClientId",
                Verdict.Rejected => "connection refused (tcp reset)",
                _ => "no answer within 2000 ms",
            };
            return new FlowReport(c.Flow.Id, c.FromRole, c.Destination.Name, c.Port, c.Expected, observed, observed == Verdict.Dropped ? 2000 : 4, detail, c.Required, c.Exposure);
        }).ToList())).ToList();
        var report = Diagnostician.Attach(new MatrixReport(reports, new ReportTimings(5100, 2300), flaky), catalog, topology, ruleSets);
        ReportFolder.Write(folder, report, topology);
    }
}
