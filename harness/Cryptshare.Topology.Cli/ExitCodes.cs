using Cryptshare.Topology.Cli.History;
using Cryptshare.Topology.Fixtures.Firewall;
using Cryptshare.Topology.Fixtures.Topology;
using Cryptshare.Topology.Input;
using Cryptshare.Topology.Reports;
using Cryptshare.Topology.Runs;
using Cryptshare.Topology.Runs.Live;

namespace Cryptshare.Topology.Cli;

/// <summary>
/// What the tool's exit code means, for scripts and CI, and the one place that turns a verb's
/// outcome or failure into it. Every failure is one paragraph on standard error, never a stack trace.
/// </summary>
internal static class ExitCodes
{
    /// <summary>Every verdict as expected, nothing required blocked, nothing kept closed open (and, for analyze, every flow predicted).</summary>
    public const int Matched = 0;

    /// <summary>A verdict differs from its expectation, a required flow is blocked, a flow kept closed is open, or a flow was flaky.</summary>
    public const int Mismatch = 1;

    /// <summary>Bad input or a usage error: the file, line, option or variable and the problem were printed; nothing was started or left behind.</summary>
    public const int BadInput = 2;

    /// <summary>No Docker engine answers.</summary>
    public const int NoEngine = 3;

    /// <summary>The harness itself failed (an image did not build, the topology's own routing broke, another topology holds the subnets); the message says what.</summary>
    public const int HarnessFailure = 4;

    /// <summary>
    /// analyze: the oracle could not predict at least one flow (the flows are listed with what
    /// stopped it), and nothing it did predict is a problem. A problem (exit 1) outranks this.
    /// </summary>
    public const int NotPredicted = 5;

    /// <summary>Interrupted (Ctrl+C, SIGINT); what the verb had started is removed, what it measured is reported (marked incomplete).</summary>
    public const int Interrupted = 130;

    /// <summary>Terminated (SIGTERM); as <see cref="Interrupted"/>.</summary>
    public const int Terminated = 143;

    public static int For(JudgementOutcome outcome) => outcome switch
    {
        JudgementOutcome.AsExpected => Matched,
        JudgementOutcome.Problems => Mismatch,
        JudgementOutcome.NotPredicted => NotPredicted,
        // A host failed: what was tested is reported, but the run as a whole is the harness's failure.
        JudgementOutcome.Incomplete => HarnessFailure,
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };

    /// <summary>The exit code and the one paragraph for a failure that ended a verb.</summary>
    public static (int Code, string Paragraph) For(Exception failure) => failure switch
    {
        InputException or NftParseException or RuleSetRejectedException or UsageException => (BadInput, failure.Message),
        HistoryFailure history => (history.ExitCode, $"cryptshare-topology: {history.Message}"),
        EngineUnavailableException => (NoEngine, failure.Message),
        SubnetsHeldException or EngineFailedException or FirewallFailedException => (HarnessFailure, $"cryptshare-topology: {failure.Message}"),
        HostNotReadyException => (HarnessFailure, $"cryptshare-topology: the topology did not start: {failure.Message}"),
        PartialReportException partial => WithPartialReport(For(partial.InnerException!), partial.ReportPath),
        OperationCanceledException => (Interruptions.Current?.ExitCode ?? Interrupted, $"cryptshare-topology: {Interruptions.Describe()}; what this run started has been removed"),
        _ when DockerRefusal(failure) is { } refused =>
            (HarnessFailure, $"cryptshare-topology: the harness failed: the Docker engine refused one of its requests ({(int)refused.StatusCode} {refused.StatusCode}); the engine said: {Describe(refused)}"),
        _ => (HarnessFailure, $"cryptshare-topology: the harness failed: {Describe(failure)}"),
    };

    private static (int Code, string Paragraph) WithPartialReport((int Code, string Paragraph) stopped, string reportPath) =>
        (stopped.Code, $"{stopped.Paragraph}; what was done before is in {reportPath}, marked incomplete");

    /// <summary>A refusal of the engine's API in the failure's causes: its raw message only ever comes after a sentence saying what it is.</summary>
    private static Docker.DotNet.DockerApiException? DockerRefusal(Exception failure)
    {
        for (var cause = failure; cause is not null; cause = cause.InnerException)
        {
            if (cause is Docker.DotNet.DockerApiException refused)
            {
                return refused;
            }
        }

        return null;
    }

    /// <summary>The messages of a failure and what caused it, without types or stack frames.</summary>
    private static string Describe(Exception failure)
    {
        if (failure is AggregateException aggregate)
        {
            return string.Join("; ", aggregate.Flatten().InnerExceptions.Select(Describe).Distinct());
        }

        var message = string.IsNullOrWhiteSpace(failure.Message) ? failure.GetType().Name : failure.Message.Trim();
        return failure.InnerException is { } inner && !message.Contains(inner.Message, StringComparison.Ordinal)
            ? $"{message} ({Describe(inner)})"
            : message;
    }
}

/// <summary>A usage error found while a verb runs (an unknown image kind, …): exit 2, the message as it is.</summary>
internal sealed class UsageException(string message) : Exception(message);
