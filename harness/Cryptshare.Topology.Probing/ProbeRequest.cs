namespace Cryptshare.Topology.Probing;

/// <summary>
/// One flow to probe from the host the agent runs in.
/// </summary>
/// <param name="Flow">Flow id from the catalog (e.g. <c>smtps</c>); echoed in the result.</param>
/// <param name="Source">Name of the originating host; echoed, and used as the EHLO name.</param>
/// <param name="Destination">Name of the destination host; echoed.</param>
/// <param name="Address">The destination's IP address (a literal: the agent resolves nothing for the connect).</param>
/// <param name="Port">Destination TCP port.</param>
/// <param name="Protocol">What to speak once connected.</param>
/// <param name="TimeoutMs">Connect timeout: no SYN-ACK within it means <see cref="ProbeVerdict.Dropped"/>.</param>
/// <param name="TlsName">
/// The name the client knows the destination by: the TLS server name that must be in the
/// certificate (https, smtps, submission, ldaps), and the HTTP Host. For ldaps it must resolve (hosts
/// entry) to <paramref name="Address"/>, because libldap checks the name it connected to.
/// </param>
/// <param name="Credentials">AUTH / bind / login; required by smtps, submission, ssh and scp.</param>
/// <param name="Options">Protocol details (path, mail addresses, search base, remote folder, …).</param>
/// <param name="ExchangeTimeoutMs">Budget for the protocol exchange after the connect; default <see cref="DefaultExchangeTimeoutMs"/>.</param>
public sealed record ProbeRequest(
    string Flow,
    string Source,
    string Destination,
    string Address,
    int Port,
    ProbeProtocol Protocol,
    int TimeoutMs = ProbeRequest.DefaultTimeoutMs,
    string? TlsName = null,
    ProbeCredentials? Credentials = null,
    ProbeOptions? Options = null,
    int? ExchangeTimeoutMs = null)
{
    public const int DefaultTimeoutMs = 2000;

    public const int DefaultExchangeTimeoutMs = 10_000;
}

/// <summary>
/// A user and a password and/or a private key (PEM: OpenSSH, PKCS#1 or PKCS#8). For LDAP the user
/// is the bind DN. Never printed: <see cref="ToString"/> names the user only.
/// </summary>
public sealed record ProbeCredentials(string User, string? Password = null, string? PrivateKeyPem = null)
{
    /// <summary>Every form in which these secrets could show up in a message, for scrubbing.</summary>
    public IEnumerable<string> SecretForms()
    {
        if (!string.IsNullOrEmpty(Password))
        {
            yield return Password;
            yield return Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Password));
            // SASL PLAIN as sent by SMTP AUTH PLAIN and LDAP: "\0user\0password", base64.
            yield return Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"\0{User}\0{Password}"));
        }

        if (!string.IsNullOrEmpty(PrivateKeyPem))
        {
            yield return PrivateKeyPem;
            foreach (var line in PrivateKeyPem.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!line.StartsWith("-----", StringComparison.Ordinal))
                {
                    yield return line;
                }
            }
        }
    }

    public override string ToString() =>
        $"{nameof(ProbeCredentials)} {{ User = {User}, Password = {(Password is null ? "none" : "***")}, PrivateKey = {(PrivateKeyPem is null ? "none" : "***")} }}";
}

/// <summary>Protocol details; every field is optional and ignored by protocols it does not concern.</summary>
/// <param name="Path">http, https: the path to GET (default <c>/</c>).</param>
/// <param name="Headers">http, https: extra request headers (e.g. the X-CS-* headers of Cryptshare for Outlook).</param>
/// <param name="MailFrom">smtp, smtps, submission: envelope and header sender (default <c>ctt-probe@&lt;source&gt;.invalid</c>).</param>
/// <param name="MailTo">smtp, smtps, submission: recipient (default <c>ctt-sink@&lt;destination&gt;.invalid</c>).</param>
/// <param name="BaseDn">ldap, ldaps: search base (default: the root DSE, base scope).</param>
/// <param name="Filter">ldap, ldaps: search filter (default <c>(objectClass=*)</c>).</param>
/// <param name="RemoteDirectory">scp: folder the file is uploaded into (default the login's home).</param>
/// <param name="Command">ssh: command to run (default <c>true</c>); allowed when it exits 0.</param>
/// <param name="HostKeySha256">ssh, scp: the expected host key fingerprint (SHA256, base64 as OpenSSH prints it); when absent any key is accepted and reported.</param>
/// <param name="ReadBody">http, https: return the start of the response body (at most <see cref="ProbeResult.MaxBodyLength"/> characters, scrubbed) in <see cref="ProbeResult.Body"/>, for flows whose verdict depends on what the service answered (the Outlook REST call).</param>
public sealed record ProbeOptions(
    string? Path = null,
    IReadOnlyDictionary<string, string>? Headers = null,
    string? MailFrom = null,
    string? MailTo = null,
    string? BaseDn = null,
    string? Filter = null,
    string? RemoteDirectory = null,
    string? Command = null,
    string? HostKeySha256 = null,
    bool? ReadBody = null)
{
    /// <summary>
    /// Request headers whose values are secrets: the agent masks them in its output like a password
    /// (the Outlook add-in's password, product key and client id — the vendor says the client id
    /// "should be treated like a password" — and HTTP authorization).
    /// </summary>
    public static readonly IReadOnlyList<string> SecretHeaders = ["X-CS-Password", "X-CS-ProductKey", "X-CS-ClientId", "Authorization", "Proxy-Authorization", "Cookie"];

    /// <summary>The values of <see cref="SecretHeaders"/> this request carries, for scrubbing.</summary>
    public IEnumerable<string> SecretHeaderValues() =>
        (Headers ?? new Dictionary<string, string>())
            .Where(h => SecretHeaders.Contains(h.Key, StringComparer.OrdinalIgnoreCase) && h.Value.Length > 0)
            .Select(h => h.Value);

    public override string ToString() =>
        $"{nameof(ProbeOptions)} {{ Path = {Path}, Headers = [{string.Join(", ", (Headers ?? new Dictionary<string, string>()).Keys)}], ReadBody = {ReadBody} }}";
}
