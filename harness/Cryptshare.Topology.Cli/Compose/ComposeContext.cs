using System.Globalization;
using Cryptshare.Topology.Fixtures.Archive;
using Cryptshare.Topology.Fixtures.Client;
using Cryptshare.Topology.Fixtures.CryptshareServer;
using Cryptshare.Topology.Fixtures.Ldap;
using Cryptshare.Topology.Fixtures.OsRepo;
using Cryptshare.Topology.Fixtures.SmtpRelay;
using Cryptshare.Topology.Fixtures.UpdateServer;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.RuleSets;

namespace Cryptshare.Topology.Cli.Compose;

/// <summary>
/// Per host kind, the environment, files and readiness check its builder gives the container in the
/// harness (and its <c>Topology/Hosts/&lt;Kind&gt;Host</c> asks the builder for), turned into a
/// compose service. Keep in step with those builders: the same paths, variables and ports.
/// </summary>
internal sealed class ComposeContext(FlowCatalog catalog, RuleSet ruleSet, string ruleSetFolder, ComposeSecrets secrets)
{
    public const string AuthorityPath = "/etc/ctt/ca.pem";

    public string RuleSetFolder { get; } = ruleSetFolder;

    public ComposeService Service(HostDefinition host) => host.Kind switch
    {
        HostKinds.Client => Client(host),
        HostKinds.CryptshareServer => CryptshareServer(host),
        HostKinds.SmtpRelay => SmtpRelay(host),
        HostKinds.Ldap => Ldap(host),
        HostKinds.Archive => Archive(host),
        HostKinds.UpdateServer => UpdateServer(host),
        HostKinds.OsRepo => OsRepo(host),
        _ => throw new ArgumentOutOfRangeException(nameof(host), host.Kind, "unknown host kind"),
    };

    private ComposeService Client(HostDefinition host) =>
        new(host, [], [Authority()], [], ["CMD", ClientBuilder.ProbeCommand, "--version"]);

    private ComposeService CryptshareServer(HostDefinition host)
    {
        var port = (string flow, int fallback) => host.Ports.TryGetValue(flow, out var p) ? p : fallback;
        var certificate = secrets.IssueFor(host);
        var credentials = secrets.Credentials;
        var mounts = new List<RepositoryMount>();
        if (ruleSet.HostFirewall is not null)
        {
            // The rule set's own host firewall, loaded by the server's entrypoint before any service starts.
            var companion = Path.GetFileName(RuleSetLoader.CompanionFile(ruleSet.SourceFile, RuleSetLoader.HostFirewallSuffix));
            mounts.Add(new RepositoryMount($"{RuleSetFolder}/{companion}", "/etc/ctt/host-firewall.rules"));
        }

        return new ComposeService(host,
            [
                new("CTT_UI_HTTP_PORT", Text(port("ui-http", CryptshareServerBuilder.UiHttpPort))),
                new("CTT_UI_HTTPS_PORT", Text(port("ui-https", CryptshareServerBuilder.UiHttpsPort))),
                new("CTT_ADMIN_HTTPS_PORT", Text(port("admin-https", CryptshareServerBuilder.AdminHttpsPort))),
                new("CTT_ADMIN_HTTP_PORT", Text(port("admin-http", CryptshareServerBuilder.AdminHttpPort))),
                new("CTT_SSH_PORT", Text(port("ssh-shell", CryptshareServerBuilder.SshPort))),
                new("CTT_TLS_NAME", host.Name),
            ],
            [
                Authority(),
                new($"{host.Name}/server.crt", "/etc/ctt/tls/server.crt", false, certificate.CertificatePem),
                new($"{host.Name}/server.key", "/etc/ctt/tls/server.key", true, certificate.PrivateKeyPem),
                new($"{host.Name}/admin-credentials", "/etc/ctt/admin-credentials", true, $"{credentials.AdminUser}:{credentials.AdminPassword}\n"),
                // For manual work only (the harness hands the key to each probe): `scp FILE archive@archive:/srv/archive/` from the server's shell.
                new($"{host.Name}/id_ecdsa", "/root/.ssh/id_ecdsa", true, secrets.ArchiveKey.PrivateKeyOpenSsh),
            ],
            mounts,
            ["CMD", "ctt-ready"]);
    }

    private ComposeService SmtpRelay(HostDefinition host)
    {
        var flow = host.Serves.Select(catalog.Get).FirstOrDefault(f => f.Protocol is FlowProtocol.Smtp or FlowProtocol.Smtps or FlowProtocol.Submission)
            ?? throw new InvalidOperationException($"{host.Name}: a smtp-relay host serves one of smtp, smtps, submission");
        var mode = flow.Protocol switch
        {
            FlowProtocol.Smtps => "implicit-tls",
            FlowProtocol.Submission => "starttls",
            _ => "plain",
        };
        var credentials = secrets.Credentials;
        var files = new List<SupportFile>
        {
            new($"{host.Name}/smtp-credentials", "/etc/ctt/smtp/credentials", true, $"{credentials.MailUser}\n{credentials.MailPassword}\n"),
        };
        if (mode != "plain")
        {
            var certificate = secrets.IssueFor(host);
            files.Add(new($"{host.Name}/server.pem", "/etc/ctt/tls/server.pem", false, certificate.CertificatePem));
            files.Add(new($"{host.Name}/server.key", "/etc/ctt/tls/server.key", true, certificate.PrivateKeyPem));
        }

        return new ComposeService(host,
            [
                new("CTT_SMTP_MODE", mode),
                new("CTT_SMTP_PORT", Text(PortOf(host, flow))),
                new("CTT_API_PORT", Text(SmtpRelayBuilder.ApiPort)),
            ],
            files, [], ["CMD", "ctt-smtp-ready"]);
    }

    private ComposeService Ldap(HostDefinition host)
    {
        // As LdapHost: every flow the host serves gets a listener on its port, TLS by the flow's protocol.
        var listeners = host.Serves.Select(catalog.Get).Select(f => (f.Protocol, Port: PortOf(host, f))).ToList();
        var plain = listeners.Where(l => l.Protocol == FlowProtocol.Ldap).Select(l => l.Port).Distinct().ToList();
        var tls = listeners.Where(l => l.Protocol == FlowProtocol.Ldaps).Select(l => l.Port).Distinct().ToList();
        plain = plain.Count > 0 ? plain : [.. LdapBuilder.DefaultLdapPorts];
        tls = tls.Count > 0 ? tls : [.. LdapBuilder.DefaultLdapsPorts];
        var credentials = new LdapCredentials(secrets.LdapBindDn, secrets.Credentials.LdapBindPassword);
        var directory = LdapDirectory.Generate(LdapBuilder.DefaultBaseDn, LdapBuilder.DefaultSeed, LdapBuilder.DefaultUserCount, LdapBuilder.DefaultGroupCount);
        var certificate = secrets.IssueFor(host);
        return new ComposeService(host,
            [
                new("CTT_BASE_DN", LdapBuilder.DefaultBaseDn),
                new("CTT_BIND_DN", credentials.BindDn),
                new("CTT_LISTENERS", string.Join(' ', plain.Select(p => $"ldap:{p}").Concat(tls.Select(p => $"ldaps:{p}")))),
            ],
            [
                Authority(),
                new($"{host.Name}/directory.ldif", "/etc/ctt/directory.ldif", true, Ldif.Write(directory, credentials)),
                new($"{host.Name}/server.pem", "/etc/ctt/tls/server.pem", false, certificate.CertificatePem),
                new($"{host.Name}/server.key", "/etc/ctt/tls/server.key", true, certificate.PrivateKeyPem),
                // No trailing newline: ldapsearch -y sends the file's bytes as they are.
                new($"{host.Name}/bind.pw", "/etc/ctt/bind.pw", true, credentials.Password),
            ],
            [], ["CMD", "ctt-ready"]);
    }

    private ComposeService Archive(HostDefinition host) =>
        new(host,
            [new("CTT_ARCHIVE_USER", secrets.Credentials.ArchiveUser)],
            [
                new($"{host.Name}/password", "/etc/ctt/archive/password", true, secrets.Credentials.ArchivePassword + "\n"),
                new($"{host.Name}/authorized_keys", "/etc/ctt/archive/authorized_keys", true, secrets.ArchiveKey.AuthorizedKeysLine + "\n"),
            ],
            [], ["CMD-SHELL", "ssh-keyscan -T 2 -t ed25519 127.0.0.1 | grep -q ssh-ed25519"]);

    private ComposeService UpdateServer(HostDefinition host)
    {
        var certificate = secrets.IssueFor(host);
        var release = UpdateServerBuilder.DefaultLatestRelease;
        return new ComposeService(host,
            [
                new("CTT_LATEST_VERSION", release.Version),
                new("CTT_RELEASE_DATE", release.ReleaseDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            ],
            [
                Authority(),
                new($"{host.Name}/server.crt", "/etc/ctt/tls/server.crt", false, certificate.CertificatePem),
                new($"{host.Name}/server.key", "/etc/ctt/tls/server.key", true, certificate.PrivateKeyPem),
            ],
            [],
            [
                "CMD", "curl", "--fail", "--silent", "--max-time", "2", "--output", "/dev/null", "--cacert", AuthorityPath,
                "--resolve", $"{host.Name}:{UpdateServerBuilder.HttpsPort}:127.0.0.1",
                $"https://{host.Name}:{UpdateServerBuilder.HttpsPort}{UpdateServerBuilder.CheckPathAndQuery("0.0.0")}",
            ]);
    }

    private static ComposeService OsRepo(HostDefinition host) =>
        new(host, [], [], [],
            ["CMD", "curl", "--fail", "--silent", "--max-time", "2", "--output", "/dev/null", $"http://127.0.0.1:{OsRepoBuilder.HttpPort}{OsRepoBuilder.ReleasePath}"]);

    private SupportFile Authority() => new("ca.pem", AuthorityPath, false, secrets.Pki.AuthorityPem);

    private int PortOf(HostDefinition host, FlowDefinition flow) => host.Ports.TryGetValue(flow.Id, out var port) ? port : flow.Port;

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
