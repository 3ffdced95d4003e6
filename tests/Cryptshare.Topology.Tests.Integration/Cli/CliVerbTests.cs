using System.Text.Json;
using Cryptshare.Topology.Fixtures.Engine;

namespace Cryptshare.Topology.Tests.Integration.Cli;

/// <summary>
/// The verbs as a support engineer uses them, each run as a process with its own run id, so what
/// it leaves behind can be checked exactly.
/// </summary>
[TestFixture]
[Category("Cli")]
[NonParallelizable] // starts topologies on fixed subnets (10.66.x, 10.77.x) and counts what runs leave behind
public sealed class CliVerbTests
{
    private static string Customer(string file) => Path.Combine(RepositoryLayout.Fixtures, "customers", "acme", file);

    [Test]
    public async Task RunOnACustomersIptablesSaveFileDiagnosesTheBlockedFlowAndNamesTheRule()
    {
        var run = ToolProcess.NewRunId();
        var output = Directory.CreateTempSubdirectory("ctt-cli-");
        var result = await ToolProcess.RunAsync(run, "run", "--topology", Customer("topology.yml"), "--rules", Customer("acme.rules"), "--out", output.FullName);

        Assert.That(result.ExitCode, Is.EqualTo(1), "a required flow is blocked: exit 1\n" + result);
        Assert.That(result.Stderr, Does.Contain("acme.rules:13: not translated").And.Contain("-m recent").And.Contain("never matches"),
            "what iptables-restore-translate could not translate is listed with its line, and why it changes no verdict");
        Assert.That(result.Stdout, Does.Match(@"blocked: ldaps from (dmz|cryptshare).*port 636.*dropped"));
        Assert.That(result.Stdout, Does.Contain("acme.rules:10").And.Contain("opens 686").And.Contain("636"), "the fix names the customer's rule and the 686/636 mix-up");
        // The firewall holds the file as iptables-restore loads it, the -m recent rule of line 13
        // included. It checks a list no rule of the file fills (no --set), so it never matches, in
        // the kernel as in the oracle: every flow is predicted, and agreement is claimed over all.
        Assert.That(result.Stdout, Does.Contain("oracle and kernel agree on every flow"),
            "with the customer's own interface names (eth0–eth3) the oracle predicts what the kernel did, wherever it can read the rules");

        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output.FullName, "report.json")));
        var flows = report.RootElement.GetProperty("ruleSets")[0].GetProperty("flows").EnumerateArray().ToList();
        var ldaps = flows.Single(f => f.GetProperty("id").GetString() == "ldaps");
        Assert.That(ldaps.GetProperty("observed").GetString(), Is.EqualTo("dropped"));
        Assert.That(flows.Single(f => f.GetProperty("id").GetString() == "ldap").GetProperty("observed").GetString(), Is.EqualTo("allowed"));
        Assert.That(File.Exists(Path.Combine(output.FullName, "junit.xml")) && File.Exists(Path.Combine(output.FullName, "report.html")), Is.True);
        Assert.That((await HarnessJanitor.FindAsync(run)).IsEmpty, Is.True, "run tears its topology down");
    }

    [Test]
    public async Task MalformedRuleSetGivesNftsMessageWithLineAndColumnAndStartsNothing()
    {
        var run = ToolProcess.NewRunId();
        var folder = Directory.CreateTempSubdirectory("ctt-cli-");
        var rules = Path.Combine(folder.FullName, "broken.nft");
        await File.WriteAllTextAsync(rules, "table inet perimeter {\n\tchain forward {\n\t\ttype filter hook forward priority filter; policy drop;\n\t\ttcp dport 443 acept\n\t}\n}\n");

        var result = await ToolProcess.RunAsync(run, "run", "--rules", rules, "--out", folder.FullName);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Match(@"broken\.nft:4:\d+(-\d+)?: Error"), "nft's own message, with the user's file, line and column");
        Assert.That(result.Stdout, Does.Not.Contain("hosts:"), "no host was started");
        Assert.That((await HarnessJanitor.FindAsync(run)).IsEmpty, Is.True, "nothing is left behind");
    }

    [TestCase("zones:\n  a: { subnet: 10.5.1.0/24, firewall: 10.5.1.1, role: internet }\n  b: { subnet: 10.5.2.0/24, firewall: 10.5.2.1, role: dmz }\nhosts:\n  s:\n    kind: cryptshare-server\n    zone: c\n    address: 10.5.2.10\n", "topology.yml:7: hosts.s.zone: unknown zone 'c'")]
    [TestCase("zones:\n  a: { subnet: 10.5.1.0/24, firewall: 10.5.1.1, role: internet }\n  b: { subnet: 10.5.2.0/24, firewall: 10.5.2.1, role: dmz }\nhosts:\n  s:\n    kind: cryptshare-server\n    zone: b\n    address: 10.5.9.10\n", "topology.yml:8: hosts.s.address: 10.5.9.10 is outside zone 'b'")]
    public async Task BadTopologyGivesOneClearLineAndExitTwo(string topology, string message)
    {
        var folder = Directory.CreateTempSubdirectory("ctt-cli-");
        var file = Path.Combine(folder.FullName, "topology.yml");
        await File.WriteAllTextAsync(file, topology);

        var result = await ToolProcess.RunAsync(ToolProcess.NewRunId(), "run", "--topology", file);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1), "one line");
        Assert.That(result.Stderr, Does.Contain(message));
    }

    [Test]
    public async Task UpLeavesTheTopologyRunningStatusListsItDownRemovesIt()
    {
        var run = ToolProcess.NewRunId();
        // An iptables-save file, as run takes it (checked, then loaded by iptables-restore): up once handed it to nft.
        var ufw = Path.Combine(RepositoryLayout.Fixtures, "rulesets", "11-ufw-perimeter.rules");
        var up = await ToolProcess.RunAsync(run, "up", "--rules", ufw);
        try
        {
            Assert.That(up.ExitCode, Is.Zero, up.ToString());
            Assert.That(up.Stdout, Does.Contain("is up with 11-ufw-perimeter"), up.ToString());
            Assert.That(up.Stdout, Does.Contain($"docker exec -it ctt-{run}-cryptshare bash"), "how to get a shell in each host");
            Assert.That(up.Stdout, Does.Contain($"docker exec -it ctt-{run}-firewall bash"));

            var status = await ToolProcess.RunAsync(run, "status", "--run", run);
            Assert.That(status.Stdout, Does.Contain($"ctt-{run}-firewall").And.Contain($"ctt-{run}-internet"), status.ToString());

            var down = await ToolProcess.RunAsync(run, "down", "--run", run);
            Assert.That(down.ExitCode, Is.Zero, down.ToString());
            Assert.That((await HarnessJanitor.FindAsync(run)).IsEmpty, Is.True, "down removed every container and network of the topology");
        }
        finally
        {
            await HarnessJanitor.RemoveAsync(run);
        }
    }

    [Test]
    public async Task CleanRemovesWhatARunKilledWithSigkillLeftBehind()
    {
        var run = ToolProcess.NewRunId();
        using var process = ToolProcess.Start(run, "run");
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        try
        {
            // Wait on the engine, not on time: until the killed run has created its firewall.
            using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            while (!(await HarnessJanitor.FindAsync(run, deadline.Token)).Containers.Any(c => c.EndsWith("-firewall", StringComparison.Ordinal)))
            {
                Assert.That(process.HasExited, Is.False, "the run ended before it created its topology");
                await Task.Delay(100, deadline.Token);
            }

            process.Kill(entireProcessTree: true); // SIGKILL: no chance to tidy up
            await process.WaitForExitAsync();
            Assert.That((await HarnessJanitor.FindAsync(run)).IsEmpty, Is.False, "the killed run left its topology behind");

            var clean = await ToolProcess.RunAsync(ToolProcess.NewRunId(), "clean", "--run", run);
            Assert.That(clean.ExitCode, Is.Zero, clean.ToString());
            Assert.That((await HarnessJanitor.FindAsync(run)).IsEmpty, Is.True, "clean left nothing labelled with the killed run");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await HarnessJanitor.RemoveAsync(run);
        }
    }
}
