using System.Net.Sockets;
using Cryptshare.Topology.Probing;

namespace Cryptshare.Topology.Probe.Connecting;

/// <summary>Either a connected socket for the protocol to use, or the verdict that the connect alone decided.</summary>
internal sealed class ConnectOutcome
{
    private ConnectOutcome(Socket? socket, ProbeVerdict verdict, string detail)
    {
        Socket = socket;
        Verdict = verdict;
        Detail = detail;
    }

    public Socket? Socket { get; }

    /// <summary>Meaningful only when <see cref="Socket"/> is null.</summary>
    public ProbeVerdict Verdict { get; }

    public string Detail { get; }

    public static ConnectOutcome Connected(Socket socket) => new(socket, ProbeVerdict.Allowed, "connected");

    public static ConnectOutcome Failed(ProbeVerdict verdict, string detail) => new(null, verdict, detail);
}
