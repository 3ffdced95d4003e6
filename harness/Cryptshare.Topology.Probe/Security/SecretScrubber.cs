using Cryptshare.Topology.Probing;

namespace Cryptshare.Topology.Probe.Security;

/// <summary>
/// Removes every secret of a batch (passwords, private keys, and their base64 and SASL PLAIN forms;
/// the values of secret request headers such as X-CS-Password) from text before it leaves the agent. Exception messages of the client libraries and server
/// replies go into results; a server that echoes a password must not put it into a report.
/// </summary>
internal sealed class SecretScrubber
{
    public const string Mask = "***";

    private readonly string[] _secrets;

    public SecretScrubber(IEnumerable<ProbeCredentials?> credentials, IEnumerable<string>? secretValues = null)
    {
        // Longest first, so a secret that contains another is masked whole.
        _secrets = credentials
            .SelectMany(c => c?.SecretForms() ?? [])
            .Concat(secretValues ?? [])
            .Where(s => s.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(s => s.Length)
            .ToArray();
    }

    public string Scrub(string text)
    {
        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return text;
    }
}
