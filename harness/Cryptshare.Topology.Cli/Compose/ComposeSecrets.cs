using System.Net;
using Cryptshare.Topology.Fixtures.Archive;
using Cryptshare.Topology.Fixtures.Ldap;
using Cryptshare.Topology.Fixtures.Pki;
using Cryptshare.Topology.Fixtures.Topology;
using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Cli.Compose;

/// <summary>
/// What a compose topology's containers share and must never be committed: a certificate authority
/// of its own (its key stays in this process; only certificates issued by it are written), the
/// topology's random credentials (as the harness makes them per start) and the server's archive key.
/// </summary>
internal sealed class ComposeSecrets
{
    public HarnessPki Pki { get; } = new();

    public TopologySecrets Credentials { get; } = new();

    /// <summary>The Cryptshare Server's key for the archive host (secure copy with key auth).</summary>
    public SshKeyPair ArchiveKey { get; } = SshKeyPair.CreateEcdsa("cryptshare-archiving");

    public string LdapBindDn => $"{LdapBuilder.DefaultBindRdn},{LdapBuilder.DefaultBaseDn}";

    /// <summary>A certificate for a host, as the builders issue them: its name, localhost, loopback, and its topology address.</summary>
    public IssuedCertificate IssueFor(HostDefinition host) =>
        Pki.IssueServer(host.Name, [host.Name, "localhost"], [IPAddress.Loopback, host.Address]);

    /// <summary>The support folder's <c>credentials</c> file: the logins a person needs for manual work.</summary>
    public string Summary(TopologyDefinition topology)
    {
        var lines = new List<string>
        {
            "# Logins of this compose topology, random per `cryptshare-topology compose`. Keep this folder private.",
        };
        foreach (var host in topology.Hosts)
        {
            switch (host.Kind)
            {
                case HostKinds.CryptshareServer:
                    lines.Add($"{host.Name}: ssh {Credentials.AdminUser}@{host.Name}  password {Credentials.AdminPassword}");
                    lines.Add($"{host.Name}: its archive key is /root/.ssh/id_ecdsa (scp FILE archive-user@archive-host:{ArchiveBuilder.ArchiveFolder}/)");
                    break;
                case HostKinds.SmtpRelay:
                    lines.Add($"{host.Name}: SMTP AUTH user {Credentials.MailUser}  password {Credentials.MailPassword}");
                    break;
                case HostKinds.Ldap:
                    lines.Add($"{host.Name}: bind DN {LdapBindDn}  password {Credentials.LdapBindPassword}");
                    break;
                case HostKinds.Archive:
                    lines.Add($"{host.Name}: ssh/scp user {Credentials.ArchiveUser}  password {Credentials.ArchivePassword}");
                    break;
            }
        }

        return string.Join('\n', lines) + "\n";
    }
}
