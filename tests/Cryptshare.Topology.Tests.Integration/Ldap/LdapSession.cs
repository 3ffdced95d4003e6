using System.DirectoryServices.Protocols;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Cryptshare.Topology.Fixtures.Ldap;

namespace Cryptshare.Topology.Tests.Integration.Ldap;

/// <summary>
/// A System.DirectoryServices.Protocols connection from the test process to a listener of an LDAP
/// host, through its published port on loopback. On Linux S.DS.P runs on libldap; TLS trust is
/// given per connection as a CA directory (libldap's CACERTDIR; Debian's GnuTLS build reads every
/// PEM file in it) followed by a new TLS context, so nothing process-wide (LDAPTLS_CACERT,
/// ldap.conf) is touched and connections with different trust can run side by side.
/// </summary>
internal static class LdapSession
{
    public static LdapConnection Open(LdapContainer ldap, int containerPort, NetworkCredential? credential, TrustedCaDirectory? trust = null)
    {
        var identifier = new LdapDirectoryIdentifier(LdapContainer.PublishedHost, ldap.GetListenerPort(containerPort), fullyQualifiedDnsHostName: true, connectionless: false);
        var connection = new LdapConnection(identifier)
        {
            AuthType = credential is null ? AuthType.Anonymous : AuthType.Basic,
            Timeout = TimeSpan.FromSeconds(10),
        };
        if (credential is not null)
        {
            connection.Credential = credential;
        }

        connection.SessionOptions.ProtocolVersion = 3;
        if (ldap.LdapsPorts.Contains(containerPort))
        {
            if (OperatingSystem.IsWindows())
            {
                // Windows' LDAP client takes a callback instead (not exercised on our Linux machines).
                connection.SessionOptions.VerifyServerCertificate = (_, certificate) => trust?.Validates(certificate) ?? false;
            }
            else
            {
                if (trust is not null)
                {
                    connection.SessionOptions.TrustedCertificatesDirectory = trust.Path;
                }

                // The trust options only apply to a TLS context made after they are set.
                connection.SessionOptions.StartNewTlsSessionContext();
            }

            connection.SessionOptions.SecureSocketLayer = true;
        }

        return connection;
    }

    /// <summary>Every entry under the base DN that matches the filter, with the given attributes.</summary>
    public static IReadOnlyList<SearchResultEntry> Search(LdapConnection connection, string baseDn, string filter, params string[] attributes)
    {
        var response = (SearchResponse)connection.SendRequest(new SearchRequest(baseDn, filter, SearchScope.Subtree, attributes));
        return response.Entries.Cast<SearchResultEntry>().ToList();
    }

    public static string Single(SearchResultEntry entry, string attribute) =>
        entry.Attributes[attribute] is { Count: 1 } values ? (string)values[0] : throw new AssertionException($"{entry.DistinguishedName}: expected one '{attribute}'");

    public static IEnumerable<string> All(SearchResultEntry entry, string attribute) =>
        entry.Attributes[attribute]?.GetValues(typeof(string)).Cast<string>() ?? [];
}

/// <summary>A temporary directory holding one CA certificate, for <see cref="LdapSessionOptions.TrustedCertificatesDirectory"/>.</summary>
internal sealed class TrustedCaDirectory : IDisposable
{
    private readonly X509Certificate2 _authority;

    public TrustedCaDirectory(X509Certificate2 authority)
    {
        _authority = authority;
        Path = Directory.CreateTempSubdirectory("ctt-ldap-ca-").FullName;
        File.WriteAllText(System.IO.Path.Combine(Path, "ca.pem"), authority.ExportCertificatePem());
    }

    public string Path { get; }

    /// <summary>Chain validation against this CA alone, for clients that take a callback.</summary>
    public bool Validates(X509Certificate certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
