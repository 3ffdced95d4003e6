using Cryptshare.Topology.Cli;
using Cryptshare.Topology.Fixtures.Progress;
using Spectre.Console;

namespace Cryptshare.Topology.Tests.Unit.Cli;

/// <summary>The progress display on a terminal (Spectre's live bars) and without one (a line per finished phase).</summary>
[TestFixture]
[NonParallelizable] // installs the process-wide harness logger
public sealed class ProgressDisplayTests
{
    private static (IAnsiConsole Console, StringWriter Text) Console(bool interactive)
    {
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(text),
            Ansi = interactive ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        console.Profile.Width = interactive ? 80 : ConsoleOutput.RedirectedWidth; // a terminal of 80 columns; a log as the tool sets it up
        return (console, text);
    }

    /// <summary>Phases as a run reports them: from several threads, a phase with a long note, one never finished.</summary>
    private static async Task<int> PhasesAsync(IProgress<PhaseProgress> progress)
    {
        var hosts = PhaseTracker.Start(progress, Phase.Hosts, "hosts", 3, "starting");
        await Task.WhenAll(Enumerable.Range(1, 3).Select(i => Task.Run(() => hosts.Step($"host {i}"))));
        hosts.Finish("cryptshare, internet-client, updates, os-repo, intranet-client, relay-25 up, routed via the firewall");
        var ruleSet = PhaseTracker.Start(progress, Phase.RuleSet, "01-documented", 26, "swapping the rule set in");
        ruleSet.Step(steps: 10);
        ruleSet.Finish("26 flows probed, all as expected");
        PhaseTracker.Start(progress, Phase.Reports, "reports", 2);
        return 42;
    }

    [Test]
    public async Task OnATerminalEveryPhaseIsABarAndTheFinishedOnesAreNotedInTheLog()
    {
        var (console, text) = Console(interactive: true);
        using (EngineLog.Install(echo: null))
        {
            var result = await ProgressDisplay.RunAsync(console, live: true, EngineLog.Current, PhasesAsync);
            Assert.That(result, Is.EqualTo(42), "the work's own result comes back");
        }

        Assert.That(text.ToString(), Does.Contain("hosts: 3/3").And.Contain("01-documented: 26/26, 26 flows probed").And.Contain("reports: 0/2"));
    }

    [Test]
    public async Task WithoutATerminalEachFinishedPhaseIsOneLine()
    {
        var (console, text) = Console(interactive: false);
        using (EngineLog.Install(echo: null))
        {
            await ProgressDisplay.RunAsync(console, live: false, EngineLog.Current, PhasesAsync);
        }

        var lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.That(lines, Has.Length.EqualTo(2), "the two finished phases; the unfinished one says nothing");
        Assert.That(lines[0], Does.StartWith("hosts: 3/3, cryptshare, internet-client"));
        Assert.That(lines[1], Does.Match(@"^01-documented: 26/26, 26 flows probed, all as expected \(\d+\.\d s\)$"));
    }

    [Test]
    public async Task ANoticeIsALineOfItsOwnOnATerminalToo()
    {
        var (console, text) = Console(interactive: true);
        using (EngineLog.Install(echo: null))
        {
            await ProgressDisplay.RunAsync(console, live: true, EngineLog.Current, progress =>
            {
                PhaseTracker.Start(progress, Phase.RuleSet, "01-documented", 26, "probing");
                progress.Report(PhaseProgress.Notice("host failed: ldap (ldap, zone intranet)"));
                return Task.FromResult(0);
            });
        }

        var shown = text.ToString();
        Assert.That(shown, Does.Contain("host failed: ldap (ldap, zone intranet)").And.Contain("01-documented: 0/26, probing"));
        Assert.That(shown.IndexOf("host failed", StringComparison.Ordinal), Is.LessThan(shown.IndexOf("01-documented", StringComparison.Ordinal)), "the notice stands above the bars");
    }
}
