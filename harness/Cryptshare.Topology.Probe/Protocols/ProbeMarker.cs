using System.Security.Cryptography;
using System.Text;
using Cryptshare.Topology.Probing;

namespace Cryptshare.Topology.Probe.Protocols;

/// <summary>
/// The token a delivery carries (mail subject, uploaded file name, request header) so the harness
/// can find exactly this probe's delivery: <c>ctt-&lt;flow&gt;-&lt;source&gt;-&lt;12 random hex&gt;</c>, safe as a file name.
/// </summary>
internal static class ProbeMarker
{
    public static string For(ProbeRequest request) =>
        $"ctt-{Safe(request.Flow)}-{Safe(request.Source)}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";

    private static string Safe(string text)
    {
        var safe = new StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
        {
            safe.Append(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '.' ? c : '_');
        }

        return safe.Length > 40 ? safe.ToString(0, 40) : safe.ToString();
    }
}
