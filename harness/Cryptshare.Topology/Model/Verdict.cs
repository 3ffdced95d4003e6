namespace Cryptshare.Topology.Model;

/// <summary>
/// What one flow probe observed: the one verdict type of observations (expectations, predictions,
/// reports, history). The probe agent's wire enum maps to it in <c>Flows.ProbeWire</c>. Serialized
/// as the lower-case word (<see cref="VerdictWords"/>).
/// </summary>
public enum Verdict
{
    /// <summary>The protocol exchange completed (HTTP status, TLS validated, mail accepted, bind+search, SCP copy).</summary>
    Allowed,

    /// <summary>No answer before the timeout, or the firewall's trace saw a drop.</summary>
    Dropped,

    /// <summary>A TCP reset or an ICMP unreachable came back.</summary>
    Rejected,

    /// <summary>Connected, but the protocol failed (stripped header, TLS name mismatch, auth refused).</summary>
    Broken,

    /// <summary>The harness's own routing failed: the source has no route to the destination.</summary>
    Unroutable,

    /// <summary>
    /// Not tested: a host at one end of the flow failed during the run (its container exited, was
    /// killed, paused or removed, or its service stopped answering its readiness check). A harness
    /// outcome, never a firewall's: a dead host would otherwise look like a drop or a reject. The
    /// report's <c>incomplete</c> section says which host and what happened. Written
    /// <c>host-failed</c>; never an expectation.
    /// </summary>
    HostFailed,
}

public static class VerdictWords
{
    private const string HostFailedWord = "host-failed";

    public static string ToWord(this Verdict verdict) => verdict == Verdict.HostFailed ? HostFailedWord : verdict.ToString().ToLowerInvariant();

    public static bool TryParse(string word, out Verdict verdict)
    {
        if (word == HostFailedWord)
        {
            verdict = Verdict.HostFailed;
            return true;
        }

        return Enum.TryParse(word, ignoreCase: true, out verdict) && word.All(char.IsLower) && verdict != Verdict.HostFailed;
    }

    /// <summary>Whether the flow was tested: every verdict but <see cref="Verdict.HostFailed"/>, which says nothing about the firewall.</summary>
    public static bool IsTested(this Verdict verdict) => verdict != Verdict.HostFailed;

    public static string AllWords => string.Join(", ", Enum.GetValues<Verdict>().Select(ToWord));

    /// <summary>The words a rule set's expectation may use: what a firewall can do to a flow.</summary>
    public static string ExpectableWords => string.Join(", ", Enum.GetValues<Verdict>().Where(IsTested).Select(ToWord));
}
