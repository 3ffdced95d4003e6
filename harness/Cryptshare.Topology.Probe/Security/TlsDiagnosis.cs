using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace Cryptshare.Topology.Probe.Security;

/// <summary>
/// libldap reports every TLS failure as "server unavailable" (LDAP error 81). When that happens the
/// agent connects once more and runs a .NET handshake under the same trust and the same expected
/// name, so the report says what was wrong (name, issuer, no TLS at all). Failure path only.
/// </summary>
internal static class TlsDiagnosis
{
    /// <summary>Why a handshake to this endpoint fails under the harness trust, or null when it succeeds.</summary>
    public static async Task<string?> WhyHandshakeFailsAsync(IPEndPoint endpoint, string serverName, HarnessTrust trust, CancellationToken ct)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(endpoint, ct);
        }
        catch (SocketException e)
        {
            return $"the endpoint no longer accepts connections ({e.SocketErrorCode})";
        }

        var check = new TlsCheck();
        await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false));
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = serverName,
                RemoteCertificateValidationCallback = trust.CallbackFor(check, serverName),
                CertificateChainPolicy = HarnessTrust.OfflineChainPolicy(),
            }, ct);
            return null;
        }
        catch (AuthenticationException e)
        {
            return check.Failure ?? e.Message;
        }
        catch (IOException e)
        {
            return $"no TLS handshake: {e.Message}";
        }
    }
}
