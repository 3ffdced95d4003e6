using System.Text;
using Cryptshare.Topology.Probing;
using Renci.SshNet;

namespace Cryptshare.Topology.Probe.Protocols;

/// <summary>
/// SSH login and an SCP upload of a small file named <c>&lt;marker&gt;.txt</c> into
/// <c>options.remoteDirectory</c> (default: the login's home). The detail and the marker name the
/// file so the harness can check that it arrived on the archive host.
/// </summary>
internal sealed class ScpProbe : SshExchange
{
    public override ProbeProtocol Protocol => ProbeProtocol.Scp;

    protected override BaseClient CreateClient(ConnectionInfo connection, ProbeRequest request) =>
        new ScpClient(connection, RemotePathTransformation.ShellQuote) { OperationTimeout = ProbeContext.ExchangeTimeout(request) };

    protected override Task<ExchangeOutcome> AfterLoginAsync(ProbeRequest request, BaseClient session, string hostKey, string marker, CancellationToken ct)
    {
        var directory = request.Options?.RemoteDirectory;
        var fileName = marker + ".txt";
        var path = string.IsNullOrEmpty(directory) ? fileName : $"{directory.TrimEnd('/')}/{fileName}";
        var content = Encoding.UTF8.GetBytes($"CryptshareTopologyTests probe {marker}: {request.Flow} from {request.Source} to {request.Destination}\n");
        // ScpClient.Upload is synchronous; the exchange timeout still bounds it through OperationTimeout.
        return Task.Run(() =>
        {
            ((ScpClient)session).Upload(new MemoryStream(content), path);
            return ExchangeOutcome.Allowed($"scp: uploaded {path} ({content.Length} bytes) as {session.ConnectionInfo.Username} (host key {hostKey})", fileName);
        }, ct);
    }
}
