using System.Text.RegularExpressions;
using Cryptshare.Topology.Input;
using Cryptshare.Topology.Probing;
using YamlDotNet.RepresentationModel;

namespace Cryptshare.Topology.Model;

/// <summary>
/// The credentials of a site, per host of the site: a login (user, password, private key) for the
/// protocols that authenticate, and request headers for Cryptshare for Outlook's REST call. They come
/// from a file named on the agent's command line (or a prompt), never from the site file or the
/// command line itself; <see cref="SecretValues"/> is everything an output must be scrubbed of.
/// </summary>
public sealed class SiteCredentials
{
    public static SiteCredentials None { get; } = new(new Dictionary<string, HostCredentials>());

    public SiteCredentials(IReadOnlyDictionary<string, HostCredentials> byHost) => ByHost = byHost;

    public IReadOnlyDictionary<string, HostCredentials> ByHost { get; }

    public HostCredentials? For(string host) => ByHost.GetValueOrDefault(host);

    /// <summary>These credentials with <paramref name="host"/>'s replaced (a prompt's answer).</summary>
    public SiteCredentials With(string host, HostCredentials credentials) =>
        new(new Dictionary<string, HostCredentials>(ByHost) { [host] = credentials });

    /// <summary>Every secret, in every form a message could show it (base64, SASL PLAIN, each line of a key), longest first.</summary>
    public IReadOnlyList<string> SecretValues =>
        ByHost.Values
            .SelectMany(c => (c.Login?.SecretForms() ?? []).Concat(c.Headers.Where(h => IsSecretHeader(h.Key)).Select(h => h.Value)))
            .Where(s => s.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(s => s.Length)
            .ToList();

    /// <summary>The text with every secret replaced by <c>***</c>.</summary>
    public string Scrub(string text) => SecretValues.Aggregate(text, (current, secret) => current.Replace(secret, "***", StringComparison.Ordinal));

    private static bool IsSecretHeader(string name) => ProbeOptions.SecretHeaders.Contains(name, StringComparer.OrdinalIgnoreCase);
}

/// <summary>One host's credentials: a login (null when none is given) and request headers.</summary>
public sealed record HostCredentials(ProbeCredentials? Login, IReadOnlyDictionary<string, string> Headers)
{
    public override string ToString() => $"{nameof(HostCredentials)} {{ Login = {Login}, Headers = [{string.Join(", ", Headers.Keys)}] }}";
}

/// <summary>
/// Reads a credentials file (YAML, strict): one entry per host of the site with <c>user</c>,
/// <c>password</c>, <c>privateKey</c> (PEM, as a block) and <c>headers</c>. Its messages name file,
/// line and key, and never a value: every value in it may be a secret.
/// </summary>
public static partial class SiteCredentialsLoader
{
    public static SiteCredentials Load(string path, SiteDefinition site) => Parse(path, YamlInput.ReadText(path), site);

    public static SiteCredentials Parse(string file, string text, SiteDefinition site)
    {
        var yaml = YamlInput.Parse(file, text);
        var byHost = new Dictionary<string, HostCredentials>();
        foreach (var (host, keyNode, value) in yaml.Entries(yaml.Root, "credentials"))
        {
            if (!site.Hosts.ContainsKey(host))
            {
                var nearest = NearestWord.Find(host, site.Hosts.Keys);
                throw yaml.Error(keyNode, $"`{Printable.Visible(host)}`: not a host of site {site.Name}; {(nearest is null ? $"its hosts are {string.Join(", ", site.Hosts.Keys)}" : $"did you mean `{nearest}`?")}");
            }

            var map = value as YamlMappingNode ?? throw yaml.Error(value, $"{host}: expected user, password, privateKey and/or headers (the value is not shown)");
            yaml.OnlyKeys(map, host, "user", "password", "privateKey", "headers");
            var user = Value(yaml, map, "user", host);
            var password = Value(yaml, map, "password", host);
            var key = Value(yaml, map, "privateKey", host);
            if (user is null && (password is not null || key is not null))
            {
                throw yaml.Error(map, $"{host}: a password or key needs its `user` (for LDAP the bind DN)");
            }

            if (key is not null && !key.TrimStart().StartsWith("-----BEGIN ", StringComparison.Ordinal))
            {
                throw yaml.Error(yaml.Optional(map, "privateKey")!, $"{host}.privateKey: expected a PEM block (-----BEGIN … PRIVATE KEY-----), written as a YAML block (privateKey: |); the value is not shown");
            }

            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (yaml.Optional(map, "headers") is { } headersNode)
            {
                foreach (var (name, nameNode, headerValue) in yaml.Entries(yaml.Mapping(headersNode, host + ".headers"), host + ".headers"))
                {
                    if (!HeaderName().IsMatch(name))
                    {
                        throw yaml.Error(nameNode, $"{host}.headers: `{Printable.Visible(name)}` is not an HTTP header name");
                    }

                    headers[name] = Value(yaml, headerValue, $"{host}.headers.{name}");
                }
            }

            byHost[host] = new HostCredentials(user is null ? null : new ProbeCredentials(user, password, key), headers);
        }

        return new SiteCredentials(byHost);
    }

    private static string? Value(YamlInput yaml, YamlMappingNode map, string key, string where) =>
        yaml.Optional(map, key) is { } node ? Value(yaml, node, $"{where}.{key}") : null;

    /// <summary>A single value, checked without ever quoting it.</summary>
    private static string Value(YamlInput yaml, YamlNode node, string where) =>
        node is YamlScalarNode { Value: { Length: > 0 } value } ? value : throw yaml.Error(node, $"{where}: expected a single, non-empty value (the value is not shown)");

    [GeneratedRegex(@"\A[A-Za-z0-9!#$%&'*+.^_`|~-]+\z")]
    private static partial Regex HeaderName();
}
