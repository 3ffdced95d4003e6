using System.Text.Json;
using System.Text.RegularExpressions;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Tests.Integration.Cli;
using Npgsql;
using Testcontainers.PostgreSql;

namespace Cryptshare.Topology.Tests.Integration.History;

/// <summary>
/// The history as the nightly job and a support engineer use it: `run --history` twice with a rule
/// set changed in between, then `history` and `diff` show exactly that change. The tool runs as a
/// process (as in the Cli suite) against PostgreSQL from PostgreSqlBuilder on containers/postgres.
/// </summary>
[TestFixture]
[Category("History")]
[NonParallelizable] // starts the default topology on its fixed subnets 10.77.1–4.0/24
public sealed partial class HistoryCliTests
{
    private const string RuleSet = "01-documented";

    // The admin line of the documented rule set; the second run takes the intranet out of it.
    private const string AdminLine = "iifname { \"admin\", \"intranet\" } ip daddr 10.77.2.10 tcp dport { 22, 8080, 9090 } accept";
    private const string AdminOnlyLine = "iifname \"admin\" ip daddr 10.77.2.10 tcp dport { 22, 8080, 9090 } accept";
    private static readonly string[] ChangedFlows = ["admin-http", "admin-https", "ssh-shell"];

    private PostgreSqlContainer _postgres = null!;
    private string _password = null!;
    private string _history = null!;
    private DirectoryInfo _folder = null!;
    private long _run1;
    private long _run2;
    private readonly List<ToolProcess.Result> _outputs = [];

    [OneTimeSetUp]
    public async Task TwoRunsWithTheRuleSetChangedInBetween()
    {
        _password = HistoryPostgres.NewPassword();
        _postgres = HistoryPostgres.Builder(await HistoryPostgres.ImageAsync()).WithPassword(_password).Build();
        await _postgres.StartAsync();
        _history = await new HistoryDatabases(_postgres).CreateAsync();

        _folder = Directory.CreateTempSubdirectory("ctt-history-cli-");
        var rules = Path.Combine(_folder.FullName, $"{RuleSet}.nft");
        var library = Path.Combine(RepositoryLayout.Fixtures, "rulesets");
        File.Copy(Path.Combine(library, $"{RuleSet}.nft"), rules);
        File.Copy(Path.Combine(library, $"{RuleSet}.expect.yml"), Path.Combine(_folder.FullName, $"{RuleSet}.expect.yml"));

        var first = await RunTool(ToolProcess.NewRunId(), "run", "--rules", rules, "--history", _history, "--out", Path.Combine(_folder.FullName, "run1"));
        Assert.That(first.ExitCode, Is.Zero, "the documented rule set: every verdict as expected\n" + first);
        _run1 = SavedRun(first);

        var text = await File.ReadAllTextAsync(rules);
        Assert.That(text, Does.Contain(AdminLine), "the rule set still has the line this test changes");
        await File.WriteAllTextAsync(rules, text.Replace(AdminLine, AdminOnlyLine, StringComparison.Ordinal));

        var second = await RunTool(ToolProcess.NewRunId(), "run", "--rules", rules, "--history", _history, "--out", Path.Combine(_folder.FullName, "run2"));
        Assert.That(second.ExitCode, Is.EqualTo(1), "the intranet lost its admin access, against the expectation file\n" + second);
        _run2 = SavedRun(second);
    }

    [OneTimeTearDown]
    public async Task Cleanup()
    {
        await _postgres.DisposeAsync();
        _folder.Delete(recursive: true);
    }

    [Test]
    public async Task HistoryShowsTheThreeFlowsThatChangedWithBothRunsAndBothRuleSetHashes()
    {
        var result = await Tool("history", "--history", _history, "--rule-set", RuleSet, "--json");
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.That(json.RootElement.GetProperty("runs").GetInt32(), Is.EqualTo(2));
        var changes = json.RootElement.GetProperty("changes").EnumerateArray().ToList();
        Assert.That(changes.Select(c => c.GetProperty("flowId").GetString()), Is.EqualTo(ChangedFlows));
        Assert.Multiple(() =>
        {
            foreach (var change in changes)
            {
                var (before, after) = (change.GetProperty("before"), change.GetProperty("after"));
                Assert.That(change.GetProperty("from").GetString(), Is.EqualTo("intranet"));
                Assert.That((before.GetProperty("runId").GetInt64(), after.GetProperty("runId").GetInt64()), Is.EqualTo((_run1, _run2)));
                Assert.That((before.GetProperty("observed").GetString(), after.GetProperty("observed").GetString()), Is.EqualTo(("allowed", "dropped")));
                Assert.That(before.GetProperty("ruleSetSha256").GetString(), Is.Not.EqualTo(after.GetProperty("ruleSetSha256").GetString()));
                Assert.That(change.GetProperty("ruleSetChanged").GetBoolean(), Is.True);
            }
        });
    }

    [Test]
    public async Task HistoryAsATableNamesTheRunsAndTheRuleSetChange()
    {
        var result = await Tool("history", "--history", _history);
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout, Does.Contain("verdict changes in 2 runs"));
        foreach (var flow in ChangedFlows)
        {
            Assert.That(result.Stdout, Does.Match($@"{RuleSet}\s*│\s*{flow}\s*│\s*intranet\s*│\s*run {_run1} \(.*\) allowed\s*│\s*run {_run2} \(.*\) dropped\s*│\s*changed [0-9a-f]{{12}} → [0-9a-f]{{12}}"));
        }

        var ldaps = await Tool("history", "--history", _history, "--flow", "ldaps");
        Assert.That(ldaps.Stdout.Trim(), Is.EqualTo("no verdict changed in 2 runs"));
    }

    [Test]
    public async Task DiffListsTheSameThreeFlowsAndExitsOne()
    {
        var result = await Tool("diff", _run1.ToString(), _run2.ToString(), "--history", _history, "--json");
        Assert.That(result.ExitCode, Is.EqualTo(1), "flows differ, as diff(1)\n" + result);
        using var json = JsonDocument.Parse(result.Stdout);
        var differences = json.RootElement.GetProperty("differences").EnumerateArray().ToList();
        Assert.That(differences.Select(d => (d.GetProperty("flowId").GetString(), d.GetProperty("from").GetString(), d.GetProperty("observedA").GetString(), d.GetProperty("observedB").GetString())),
            Is.EqualTo(ChangedFlows.Select(f => ((string?)f, (string?)"intranet", (string?)"allowed", (string?)"dropped"))));
        Assert.That(differences.Select(d => d.GetProperty("to").GetString()), Is.All.EqualTo("cryptshare"));

        var table = await Tool("diff", _run1.ToString(), _run2.ToString(), "--history", _history);
        Assert.That(table.Stdout, Does.Contain($"runs {_run1} and {_run2}: 3 flows differ").And.Contain("ssh-shell"));
        var same = await Tool("diff", _run1.ToString(), _run1.ToString(), "--history", _history);
        Assert.That((same.ExitCode, same.Stdout.Trim()), Is.EqualTo((0, $"runs {_run1} and {_run1}: every flow has the same verdict")));
    }

    [Test]
    public async Task AnUnknownRunIsBadInput()
    {
        var result = await Tool("diff", _run1.ToString(), "999999", "--history", _history);
        Assert.That((result.ExitCode, result.Stderr.Trim()), Is.EqualTo((2, "cryptshare-topology: the history has no run 999999")));
    }

    [Test]
    public async Task AWrongPasswordStopsTheRunBeforeAnythingStartsAndIsNeverPrinted()
    {
        var wrong = new NpgsqlConnectionStringBuilder(_history) { Password = "not-" + _password }.ConnectionString;
        var run = ToolProcess.NewRunId();
        var result = await RunTool(run, "run", "--history", wrong, "--out", Path.Combine(_folder.FullName, "refused"));
        Assert.That(result.ExitCode, Is.EqualTo(4), result.ToString());
        Assert.That(result.Stderr, Does.Contain("the history cannot be used").And.Contain("password authentication failed"));
        Assert.That(result.Stdout + result.Stderr, Does.Not.Contain("not-" + _password));
        Assert.That(result.Stdout, Does.Not.Contain("hosts:"), "no topology was started");
        Assert.That((await HarnessJanitor.FindAsync(run)).IsEmpty, Is.True);
    }

    [Test]
    public void NoOutputOfAnyVerbContainsThePasswordOrTheConnectionString()
    {
        Assert.That(_outputs, Is.Not.Empty);
        foreach (var output in _outputs)
        {
            Assert.That(output.Stdout + output.Stderr, Does.Not.Contain(_password).And.Not.Contain(_history));
        }
    }

    private Task<ToolProcess.Result> Tool(params string[] args) => RunTool(ToolProcess.NewRunId(), args);

    private async Task<ToolProcess.Result> RunTool(string runId, params string[] args)
    {
        var result = await ToolProcess.RunAsync(runId, args);
        lock (_outputs)
        {
            _outputs.Add(result);
        }

        return result;
    }

    private static long SavedRun(ToolProcess.Result result)
    {
        var match = SavedLine().Match(result.Stdout);
        Assert.That(match.Success, Is.True, "the run says where it was saved\n" + result);
        return long.Parse(match.Groups[1].Value);
    }

    [GeneratedRegex(@"history: saved as run (\d+) in \S+:\d+/history_")]
    private static partial Regex SavedLine();
}
