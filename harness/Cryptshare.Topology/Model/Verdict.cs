namespace Cryptshare.Topology.Model;

/// <summary>
/// What one flow probe observed: the one verdict type of observations (expectations, predictions,
/// reports, history). The probe agent's wire enum maps to it in <c>Flows.ProbeWire</c>. Serialized
/// as the lower-case word.
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
}

public static class VerdictWords
{
    public static string ToWord(this Verdict verdict) => verdict.ToString().ToLowerInvariant();

    public static bool TryParse(string word, out Verdict verdict) =>
        Enum.TryParse(word, ignoreCase: true, out verdict) && word.All(char.IsLower);

    public static string AllWords => string.Join(", ", Enum.GetValues<Verdict>().Select(ToWord));
}
