using Cryptshare.Topology.Fixtures.Topology;
using Cryptshare.Topology.Reports;

namespace Cryptshare.Topology.Runs.Live;

/// <summary>The Docker engine stopped answering (or restarted) during a run: said as such, with when.</summary>
public sealed class EngineFailedException(string message, Exception? cause = null) : Exception(message, cause);

/// <summary>The firewall failed during a run: with it no flow can be tested, so the run stops there.</summary>
public sealed class FirewallFailedException(HostFailure failure) : Exception(
    $"the firewall failed: {failure.Meaning}; every flow passes through it, so none can be tested any more")
{
    public HostFailure Failure { get; } = failure;
}

/// <summary>
/// The matrix stopped before its end (a signal, the engine, the firewall, a harness failure):
/// <see cref="Partial"/> holds what was measured up to then, its report marked incomplete;
/// <see cref="Exception.InnerException"/> is what stopped it.
/// </summary>
public sealed class MatrixCutShortException(MatrixRun partial, Exception cause) : Exception(partial.Report.Incomplete?.Reason ?? cause.Message, cause)
{
    public MatrixRun Partial { get; } = partial;
}

/// <summary>A host that failed during a run, and where the run was when it was found.</summary>
public sealed record FailedHost(HostFailure Failure, int Repetition, string RuleSet, DateTimeOffset At)
{
    public HostFailureReport ToReport() =>
        new(Failure.Host, Failure.Kind, Failure.Zone, Failure.What, Failure.ExitCode, Failure.Meaning, Repetition, RuleSet, Failure.LastLog);

    /// <summary>Why a flow of this host was not tested, for its report line.</summary>
    public string NotTested => $"not tested: {Failure} (found in repetition {Repetition}, rule set {RuleSet})";
}
