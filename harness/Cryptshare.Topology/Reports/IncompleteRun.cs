namespace Cryptshare.Topology.Reports;

/// <summary>
/// The <c>incomplete</c> section of report.json: the run did not test everything it was asked to,
/// and why. A report holds what was measured up to the failure; this says what is missing and what
/// happened. Absent from a complete run's report (an optional field written last, so older readers
/// keep working); while it is there <see cref="MatrixReport.AllMatched"/> is false, so a reader that
/// knows only that field never takes a partial report for a pass.
/// </summary>
/// <param name="Cause">What ended or thinned the run: one of <see cref="IncompleteCauses"/>.</param>
/// <param name="Reason">The same sentences the console printed.</param>
/// <param name="At">When it happened (the first failure, the signal, the engine's silence).</param>
/// <param name="RepetitionsDone">Repetitions that ran to their end (host-failed flows included).</param>
/// <param name="RepetitionsAsked">Repetitions asked for (<c>--repeat</c>, else 1).</param>
/// <param name="RuleSetsNotRun">Rule sets of the report's repetition that were not run (or not to their end) and are missing from it.</param>
/// <param name="HostFailures">Every host that failed, in the order found; its flows from then on are <c>host-failed</c>.</param>
/// <param name="NotTested">
/// Every flow a failed host took with it, in any repetition (the report's matrix is the first
/// repetition's; a host that fails later shows here).
/// </param>
public sealed record IncompleteRun(
    string Cause,
    string Reason,
    DateTimeOffset At,
    int RepetitionsDone,
    int RepetitionsAsked,
    IReadOnlyList<string> RuleSetsNotRun,
    IReadOnlyList<HostFailureReport> HostFailures,
    IReadOnlyList<NotTestedFlow>? NotTested = null)
{
    /// <summary>
    /// What a person reads after the reason, line by line: each failed host with where it was found
    /// and its last log lines (indented), then the rule sets not run. The console and junit.xml say it alike.
    /// </summary>
    public IEnumerable<string> Account()
    {
        foreach (var host in HostFailures)
        {
            yield return $"host failed: {host} (repetition {host.Repetition}, rule set {host.RuleSet}); its last log lines:";
            foreach (var line in host.LastLog.DefaultIfEmpty("(none)"))
            {
                yield return $"    {line}";
            }
        }

        if (RuleSetsNotRun.Count > 0)
        {
            yield return $"not run: {string.Join(", ", RuleSetsNotRun)}";
        }
    }
}

/// <summary>A flow not tested because a host at one end had failed (<c>host-failed</c>): where in the run, which flow, which host.</summary>
public sealed record NotTestedFlow(int Repetition, string RuleSet, string Id, string From, string To, int Port, string Host);

/// <summary>The words of <see cref="IncompleteRun.Cause"/>.</summary>
public static class IncompleteCauses
{
    /// <summary>One or more hosts failed; the run went on without them, their flows are <c>host-failed</c>.</summary>
    public const string HostFailed = "host-failed";

    /// <summary>The Docker engine stopped answering (or restarted); the run stopped there.</summary>
    public const string EngineFailed = "engine-failed";

    /// <summary>SIGINT (Ctrl+C) or SIGTERM; the run stopped there.</summary>
    public const string Interrupted = "interrupted";

    /// <summary>The harness itself failed (its own routing, an agent, a firewall command); the run stopped there.</summary>
    public const string HarnessFailed = "harness-failed";
}

/// <summary>
/// A host that failed during a run: which one, what happened (<see cref="What"/>: one of
/// <c>exited</c>, <c>killed</c>, <c>oom-killed</c>, <c>paused</c>, <c>removed</c>, <c>restarting</c>,
/// <c>not-answering</c>), its exit code where it has one, that in a person's words
/// (<see cref="Meaning"/>), where the run was when it was found, and the last lines of its log
/// (secrets masked).
/// </summary>
public sealed record HostFailureReport(
    string Host,
    string Kind,
    string Zone,
    string What,
    int? ExitCode,
    string Meaning,
    int Repetition,
    string RuleSet,
    IReadOnlyList<string> LastLog)
{
    /// <summary>One line: host, kind, zone and what happened.</summary>
    public override string ToString() => $"{Host} ({Kind}, zone {Zone}): {Meaning}";
}
