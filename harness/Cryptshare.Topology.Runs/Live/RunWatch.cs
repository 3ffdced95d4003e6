using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Fixtures.Progress;
using Cryptshare.Topology.Fixtures.Topology;
using Cryptshare.Topology.Flows;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Reports;

namespace Cryptshare.Topology.Runs.Live;

/// <summary>
/// Keeps watch over a live matrix while it runs: the engine's event stream, the hosts that failed
/// (each named once, with where the run was, and excluded from then on), and the verdict their
/// flows get. A lost engine or a failed firewall end the run (<see cref="EngineFailedException"/>,
/// <see cref="FirewallFailedException"/>); any other failed host only takes its own flows with it.
/// </summary>
internal sealed class RunWatch : IAsyncDisposable
{
    private readonly LiveTopology _topology;
    private readonly EngineWatch _engine;
    private readonly List<FailedHost> _failed = [];
    private readonly List<NotTestedFlow> _notTested = [];
    private readonly HashSet<string> _hungReported = [];

    public RunWatch(LiveTopology topology, EngineWatch engine)
    {
        _topology = topology;
        _engine = engine;
    }

    public IReadOnlyList<FailedHost> Failed => _failed;

    /// <summary>Every member of the topology still in use: what to look at when a step failed and nobody knows why.</summary>
    public IReadOnlySet<string> Everyone => _topology.Members().Select(m => m.Name).Where(n => !_topology.IsExcluded(n)).ToHashSet();

    /// <summary>The failed host at either end of a probe case, if any.</summary>
    public FailedHost? Involved(ProbeCase probeCase) =>
        _failed.FirstOrDefault(f => f.Failure.Host == probeCase.Source.Name || f.Failure.Host == probeCase.Destination.Name);

    /// <summary>
    /// The report line a flow of a failed host gets: <see cref="Verdict.HostFailed"/>, saying which
    /// host and what happened; the flow is listed in the incomplete section, whatever the repetition.
    /// </summary>
    public ProbeOutcome NotTested(ProbeCase probeCase, FailedHost host, int repetition, string ruleSet)
    {
        _notTested.Add(new NotTestedFlow(repetition, ruleSet, probeCase.Flow.Id, probeCase.Source.Zone, probeCase.Destination.Name, probeCase.Port, host.Failure.Host));
        return new ProbeOutcome(probeCase, Verdict.HostFailed, 0, host.NotTested);
    }

    /// <summary>
    /// Looks at the hosts (every container's condition; the readiness check of the
    /// <paramref name="suspects"/>), names and excludes each that failed, and returns those found
    /// now. A lost engine is said as such rather than as every host failing with it.
    /// </summary>
    public async Task<IReadOnlyList<FailedHost>> LookAsync(IReadOnlySet<string> suspects, int repetition, string ruleSet, IProgress<PhaseProgress>? progress, CancellationToken ct)
    {
        HostHealthReport health;
        try
        {
            health = await HostHealth.CheckAsync(_topology, suspects, _engine, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            if (await EngineFailureAsync(e) is { } engineLost)
            {
                throw engineLost;
            }

            throw;
        }

        if ((health.Failures.Count > 0 || _engine.LostAt is not null) && await EngineFailureAsync(null) is { } lost)
        {
            throw lost;
        }

        foreach (var hung in health.Hung.Where(h => _hungReported.Add(h.Host)))
        {
            progress?.Report(PhaseProgress.Notice(hung.ToString()));
        }

        var found = new List<FailedHost>();
        foreach (var failure in health.Failures)
        {
            var failed = new FailedHost(failure, repetition, ruleSet, DateTimeOffset.UtcNow);
            _failed.Add(failed);
            found.Add(failed);
            _topology.Exclude(failure.Host);
            progress?.Report(PhaseProgress.Notice($"host failed: {failure}; its flows are not tested from here on (host-failed)"));

            if (failure.Host == HostFailure.FirewallHost)
            {
                throw new FirewallFailedException(failure);
            }
        }

        return found;
    }

    /// <summary>
    /// The engine's failure, when it is one: its event stream ended (it stopped or restarted), or it
    /// does not answer now. Null while it answers and its stream runs.
    /// </summary>
    public Task<EngineFailedException?> EngineFailureAsync(Exception? cause) => EngineFailureAsync(_engine, cause);

    /// <inheritdoc cref="EngineFailureAsync(Exception?)"/>
    public static async Task<EngineFailedException?> EngineFailureAsync(EngineWatch engine, Exception? cause)
    {
        var lostAt = engine.LostAt;
        var answers = await EngineWatch.AnswersAsync();
        if (lostAt is null && answers)
        {
            return null;
        }

        var at = (lostAt ?? DateTimeOffset.UtcNow).ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        return new EngineFailedException(
            answers
                ? $"the Docker engine stopped answering at {at} UTC and answers again now: it restarted, and the containers of this run stopped with it"
                : $"the Docker engine stopped answering at {at} UTC and does not answer now",
            cause);
    }

    /// <summary>
    /// The incomplete section for a run that stopped (<paramref name="stoppedBy"/>) or lost hosts;
    /// null for a run that tested everything.
    /// </summary>
    public IncompleteRun? Incomplete(Exception? stoppedBy, string? stoppedAt, int repetitionsDone, int repetitionsAsked, IReadOnlyList<string> ruleSetsNotRun, CancellationToken ct)
    {
        if (stoppedBy is null && _failed.Count == 0)
        {
            return null;
        }

        var hosts = _failed.Select(f => $"{f.Failure.Host} ({f.Failure.Kind}, zone {f.Failure.Zone}) failed in repetition {f.Repetition}, rule set {f.RuleSet}: {f.Failure.Meaning}").ToList();
        var (cause, why) = stoppedBy switch
        {
            null => (IncompleteCauses.HostFailed, string.Empty),
            OperationCanceledException when ct.IsCancellationRequested => (IncompleteCauses.Interrupted, Interruptions.Describe()),
            EngineFailedException engine => (IncompleteCauses.EngineFailed, engine.Message),
            FirewallFailedException firewall => (IncompleteCauses.HostFailed, firewall.Message),
            _ => (IncompleteCauses.HarnessFailed, $"the harness failed: {stoppedBy.Message}"),
        };
        var sentences = new List<string>();
        if (why.Length > 0)
        {
            sentences.Add($"The run stopped{(stoppedAt is null ? string.Empty : $" {stoppedAt}")}: {why}.");
        }

        if (stoppedBy is not FirewallFailedException && hosts.Count > 0)
        {
            sentences.Add($"{string.Join("; ", hosts)}. {(hosts.Count == 1 ? "Its" : "Their")} flows from then on were not tested (host-failed).");
        }

        var at = _failed.Count > 0 && stoppedBy is null ? _failed[0].At : DateTimeOffset.UtcNow;
        return new IncompleteRun(cause, string.Join(" ", sentences), stoppedBy is OperationCanceledException && Interruptions.Current is { } signal ? signal.At : at,
            repetitionsDone, repetitionsAsked, ruleSetsNotRun, _failed.Select(f => f.ToReport()).ToList(), _notTested.ToList());
    }

    public ValueTask DisposeAsync() => _engine.DisposeAsync();
}
