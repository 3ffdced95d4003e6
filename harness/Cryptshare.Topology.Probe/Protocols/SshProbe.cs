using Cryptshare.Topology.Probing;
using Renci.SshNet;

namespace Cryptshare.Topology.Probe.Protocols;

/// <summary>SSH login and a command (default <c>true</c>); allowed when it exits 0.</summary>
internal sealed class SshProbe : SshExchange
{
    public override ProbeProtocol Protocol => ProbeProtocol.Ssh;

    protected override BaseClient CreateClient(ConnectionInfo connection, ProbeRequest request) => new SshClient(connection);

    protected override async Task<ExchangeOutcome> AfterLoginAsync(ProbeRequest request, BaseClient session, string hostKey, string marker, CancellationToken ct)
    {
        var text = request.Options?.Command ?? "true";
        using var command = ((SshClient)session).CreateCommand(text);
        await command.ExecuteAsync(ct);
        return command.ExitStatus == 0
            ? ExchangeOutcome.Allowed($"ssh: logged in as {session.ConnectionInfo.Username}, '{text}' exited 0 (host key {hostKey})")
            : ExchangeOutcome.Broken($"ssh: logged in as {session.ConnectionInfo.Username}, but '{text}' exited {command.ExitStatus?.ToString() ?? "without a status"}{(command.Error.Trim() is { Length: > 0 } error ? ": " + error : string.Empty)}");
    }
}
