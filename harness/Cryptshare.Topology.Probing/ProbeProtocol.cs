using System.Text.Json.Serialization;

namespace Cryptshare.Topology.Probing;

/// <summary>
/// What a probe speaks once its TCP connection stands. The JSON names are the contract and are
/// spelled out per member, so renaming a member can never change the wire format.
/// </summary>
[JsonConverter(typeof(WordEnumConverter<ProbeProtocol>))]
public enum ProbeProtocol
{
    /// <summary>TCP connect only: for negative probes of services the harness does not speak.</summary>
    [JsonStringEnumMemberName("tcp")] Tcp,

    /// <summary>GET a path; allowed when any HTTP status comes back.</summary>
    [JsonStringEnumMemberName("http")] Http,

    /// <summary>TLS validated against the batch's CA with the expected name, then GET a path.</summary>
    [JsonStringEnumMemberName("https")] Https,

    /// <summary>Plain SMTP: EHLO, MAIL, RCPT, DATA, message accepted (AUTH only when credentials are given).</summary>
    [JsonStringEnumMemberName("smtp")] Smtp,

    /// <summary>Implicit TLS, AUTH, message accepted.</summary>
    [JsonStringEnumMemberName("smtps")] Smtps,

    /// <summary>STARTTLS (required), AUTH, message accepted.</summary>
    [JsonStringEnumMemberName("submission")] Submission,

    /// <summary>LDAP simple bind (anonymous without credentials) and a search.</summary>
    [JsonStringEnumMemberName("ldap")] Ldap,

    /// <summary>LDAP over implicit TLS, validated against the batch's CA with the expected name; bind and search.</summary>
    [JsonStringEnumMemberName("ldaps")] Ldaps,

    /// <summary>SSH login and a command (default <c>true</c>) that exits 0.</summary>
    [JsonStringEnumMemberName("ssh")] Ssh,

    /// <summary>SSH login and an SCP upload of a small file named after the probe's marker.</summary>
    [JsonStringEnumMemberName("scp")] Scp,
}
