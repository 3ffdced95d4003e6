using System.DirectoryServices.Protocols;
using System.Net;
using System.Net.Sockets;
using Cryptshare.Topology.Probe.Security;
using Cryptshare.Topology.Probing;

namespace Cryptshare.Topology.Probe.Protocols;

/// <summary>
/// Bind and search with System.DirectoryServices.Protocols (libldap underneath on Linux).
/// libldap cannot take a connected socket, so the agent's classified connect only proves the path
/// and is closed; libldap then makes its own connection to the same address and port. For ldaps,
/// libldap checks the certificate against the name it connected to, so it connects to
/// <c>tlsName</c>, which must resolve (hosts entry) to the probe's address.
/// </summary>
internal abstract class LdapExchange : IProtocolProbe
{
    public abstract ProbeProtocol Protocol { get; }

    protected abstract bool UsesTls { get; }

    private string Name => Protocol.ToString().ToLowerInvariant();

    public string? Invalid(ProbeRequest request, ProbeContext context)
    {
        if (UsesTls && context.Trust is null)
        {
            return $"{Name} needs the batch's caPem";
        }

        return request.Credentials is { Password: null or "" } ? $"{Name} bind needs credentials.password (omit credentials for an anonymous bind)" : null;
    }

    public async Task<ExchangeOutcome> ExchangeAsync(ProbeRequest request, Socket connected, ProbeContext context, string marker, CancellationToken ct)
    {
        connected.Dispose();
        var server = request.Address;
        if (UsesTls && request.TlsName is { } name)
        {
            var mismatch = await NameMismatchAsync(name, request.Address, ct);
            if (mismatch is not null)
            {
                return ExchangeOutcome.Broken(mismatch);
            }

            server = name;
        }

        // S.DS.P is synchronous; an abandoned call ends with the process at the end of the batch.
        var (outcome, ldapError) = await Task.Run(() => BindAndSearch(request, server), ct).WaitAsync(ct);
        if (UsesTls && ldapError == ServerDown)
        {
            var endpoint = new IPEndPoint(IPAddress.Parse(request.Address), request.Port);
            var why = await TlsDiagnosis.WhyHandshakeFailsAsync(endpoint, server, context.Trust!, ct);
            if (why is not null)
            {
                return ExchangeOutcome.Broken($"{Name}: TLS: {why}");
            }
        }

        return outcome;
    }

    /// <summary>libldap checks the certificate against the name it connects to, so that name must lead to the probe's address.</summary>
    private static async Task<string?> NameMismatchAsync(string name, string address, CancellationToken ct)
    {
        IPAddress[] resolved;
        try
        {
            resolved = await Dns.GetHostAddressesAsync(name, ct);
        }
        catch (SocketException)
        {
            return $"{name} does not resolve in the source: it needs a hosts entry for {address}";
        }

        return resolved.Any(a => a.ToString() == address)
            ? null
            : $"{name} resolves to [{string.Join(", ", resolved.Select(a => a.ToString()))}], not {address}: the source needs a hosts entry";
    }

    /// <summary>LDAP_SERVER_DOWN: what libldap reports for any connect or TLS failure.</summary>
    private const int ServerDown = 81;

    private (ExchangeOutcome Outcome, int? LdapError) BindAndSearch(ProbeRequest request, string server)
    {
        var timeout = ProbeContext.ExchangeTimeout(request);
        var credentials = request.Credentials;
        var identifier = new LdapDirectoryIdentifier(server, request.Port, fullyQualifiedDnsHostName: true, connectionless: false);
        using var connection = credentials is null
            ? new LdapConnection(identifier, null, AuthType.Anonymous)
            : new LdapConnection(identifier, new NetworkCredential(credentials.User, credentials.Password), AuthType.Basic);
        connection.Timeout = timeout;
        connection.SessionOptions.ProtocolVersion = 3;
        // Never follow a referral: it could name a host outside the topology.
        connection.SessionOptions.ReferralChasing = ReferralChasingOptions.None;
        if (UsesTls)
        {
            connection.SessionOptions.SecureSocketLayer = true;
        }

        var baseDn = request.Options?.BaseDn;
        try
        {
            connection.Bind();
            var search = new SearchRequest(baseDn ?? string.Empty, request.Options?.Filter ?? "(objectClass=*)", baseDn is null ? SearchScope.Base : SearchScope.Subtree, "1.1");
            var response = (SearchResponse)connection.SendRequest(search, timeout);
            var who = credentials is null ? "anonymously" : $"as {credentials.User}";
            var where = baseDn is null ? "the root DSE" : $"'{baseDn}'";
            return (ExchangeOutcome.Allowed($"{Name}: bound {who}; search of {where} returned {response.Entries.Count} entr{(response.Entries.Count == 1 ? "y" : "ies")}"), null);
        }
        catch (LdapException e)
        {
            var serverMessage = string.IsNullOrEmpty(e.ServerErrorMessage) ? string.Empty : $" ({e.ServerErrorMessage})";
            return (ExchangeOutcome.Broken($"{Name}: LDAP error {e.ErrorCode}: {e.Message}{serverMessage}"), e.ErrorCode);
        }
        catch (DirectoryOperationException e)
        {
            return (ExchangeOutcome.Broken($"{Name}: search failed: {e.Response?.ResultCode} {e.Message}"), null);
        }
    }
}
