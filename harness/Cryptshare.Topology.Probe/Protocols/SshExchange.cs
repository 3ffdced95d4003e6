using System.Net.Sockets;
using System.Text;
using Cryptshare.Topology.Probing;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Cryptshare.Topology.Probe.Protocols;

/// <summary>
/// Login with SSH.NET, then what the subclass does with the session. SSH.NET cannot take a
/// connected socket, so the agent's classified connect only proves the path and is closed; SSH.NET
/// then connects again to the same address and port. The host key is reported (SHA256, as OpenSSH
/// prints it) and, when <c>options.hostKeySha256</c> is given, must match.
/// </summary>
internal abstract class SshExchange : IProtocolProbe
{
    public abstract ProbeProtocol Protocol { get; }

    private string Name => Protocol.ToString().ToLowerInvariant();

    public string? Invalid(ProbeRequest request, ProbeContext context) =>
        request.Credentials is { User.Length: > 0 } c && (!string.IsNullOrEmpty(c.Password) || !string.IsNullOrEmpty(c.PrivateKeyPem))
            ? null
            : $"{Name} needs credentials.user and a password or a privateKeyPem";

    public async Task<ExchangeOutcome> ExchangeAsync(ProbeRequest request, Socket connected, ProbeContext context, string marker, CancellationToken ct)
    {
        connected.Dispose();
        var credentials = request.Credentials!;
        List<IDisposable> owned = [];
        try
        {
            var methods = new List<AuthenticationMethod>();
            if (!string.IsNullOrEmpty(credentials.PrivateKeyPem))
            {
                PrivateKeyFile key;
                try
                {
                    key = new PrivateKeyFile(new MemoryStream(Encoding.UTF8.GetBytes(credentials.PrivateKeyPem)));
                }
                catch (Exception e) when (e is SshException or ArgumentException or FormatException or NotSupportedException)
                {
                    // Name the problem, never the key.
                    return ExchangeOutcome.Broken($"{Name}: the private key could not be read ({e.GetType().Name})");
                }

                owned.Add(key);
                methods.Add(Own(owned, new PrivateKeyAuthenticationMethod(credentials.User, key)));
            }

            if (!string.IsNullOrEmpty(credentials.Password))
            {
                methods.Add(Own(owned, new PasswordAuthenticationMethod(credentials.User, credentials.Password)));
            }

            var connection = new ConnectionInfo(request.Address, request.Port, credentials.User, methods.ToArray())
            {
                Timeout = ProbeContext.ExchangeTimeout(request),
            };
            PreferCurve25519(connection);
            return await LoginAndRunAsync(request, connection, marker, ct);
        }
        finally
        {
            owned.ForEach(o => o.Dispose());
        }
    }

    /// <summary>
    /// curve25519-sha256 first, every other algorithm kept in SSH.NET's order behind it. SSH.NET
    /// offers the post-quantum hybrids first, and an OpenSSH server then picks sntrup761x25519,
    /// whose key generation SSH.NET does in managed code: CPU that every SSH and SCP probe paid and
    /// the firewall cannot tell apart (the flow is the same TCP connection whatever the key
    /// exchange). A server without curve25519 still agrees on one of the others.
    /// </summary>
    private static void PreferCurve25519(ConnectionInfo connection)
    {
        const string curve25519 = "curve25519-sha256";
        if (connection.KeyExchangeAlgorithms.ContainsKey(curve25519))
        {
            connection.KeyExchangeAlgorithms.SetPosition(curve25519, 0);
        }
    }

    /// <summary>What the protocol does once logged in; <paramref name="session"/> is connected and authenticated.</summary>
    protected abstract Task<ExchangeOutcome> AfterLoginAsync(ProbeRequest request, BaseClient session, string hostKey, string marker, CancellationToken ct);

    /// <summary>The SSH.NET client this protocol needs (a shell client or an SCP client).</summary>
    protected abstract BaseClient CreateClient(ConnectionInfo connection, ProbeRequest request);

    private async Task<ExchangeOutcome> LoginAndRunAsync(ProbeRequest request, ConnectionInfo connection, string marker, CancellationToken ct)
    {
        var expected = request.Options?.HostKeySha256?.TrimEnd('=');
        var expectedShort = expected?.StartsWith("SHA256:", StringComparison.Ordinal) == true ? expected["SHA256:".Length..] : expected;
        string? seen = null;
        // Only SCP delivers something a marker can name.
        var delivered = Protocol == ProbeProtocol.Scp ? marker : null;
        using var client = CreateClient(connection, request);
        client.HostKeyReceived += (_, e) =>
        {
            seen = e.FingerPrintSHA256;
            e.CanTrust = expectedShort is null || string.Equals(expectedShort, seen, StringComparison.Ordinal);
        };
        try
        {
            await client.ConnectAsync(ct);
            var outcome = await AfterLoginAsync(request, client, $"SHA256:{seen}", marker, ct);
            client.Disconnect();
            return outcome;
        }
        catch (SshConnectionException) when (expectedShort is not null && seen is not null && seen != expectedShort)
        {
            return ExchangeOutcome.Broken($"{Name}: host key SHA256:{seen} is not the expected SHA256:{expectedShort}", delivered);
        }
        catch (SshAuthenticationException e)
        {
            return ExchangeOutcome.Broken($"{Name}: login refused for {connection.Username}: {e.Message}", delivered);
        }
        catch (ScpException e)
        {
            return ExchangeOutcome.Broken($"{Name}: SCP failed: {e.Message}", delivered);
        }
        catch (SshOperationTimeoutException e)
        {
            return ExchangeOutcome.Broken($"{Name}: timed out: {e.Message}", delivered);
        }
        catch (SshException e)
        {
            return ExchangeOutcome.Broken($"{Name}: {e.Message}", delivered);
        }
    }

    private static T Own<T>(List<IDisposable> owned, T item)
        where T : IDisposable
    {
        owned.Add(item);
        return item;
    }
}
