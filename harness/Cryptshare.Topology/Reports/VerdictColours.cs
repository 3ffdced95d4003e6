using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Reports;

/// <summary>One colour per verdict, shared by the SVG and the HTML so the picture and the table agree.</summary>
public static class VerdictColours
{
    public static string Of(Verdict verdict) => verdict switch
    {
        Verdict.Allowed => "#2e7d32",
        Verdict.Dropped => "#c62828",
        Verdict.Rejected => "#ef6c00",
        Verdict.Broken => "#d4a000",
        Verdict.Unroutable => "#8a8a8a",
        Verdict.HostFailed => "#4e342e",
        _ => "#000000",
    };

    public static string Meaning(Verdict verdict) => verdict switch
    {
        Verdict.Allowed => "allowed: the protocol exchange completed",
        Verdict.Dropped => "dropped: no answer (the firewall dropped it)",
        Verdict.Rejected => "rejected: refused with a reset or ICMP",
        Verdict.Broken => "broken: connected, but the protocol failed",
        Verdict.Unroutable => "unroutable: the harness could not route it",
        Verdict.HostFailed => "host-failed: not tested, a host failed during the run",
        _ => verdict.ToWord(),
    };
}
