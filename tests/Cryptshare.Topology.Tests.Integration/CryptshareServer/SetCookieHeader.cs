namespace Cryptshare.Topology.Tests.Integration.CryptshareServer;

/// <summary>
/// One Set-Cookie header taken apart (RFC 6265 §5.2: name=value, then attributes separated by ';',
/// attribute names case-insensitive). CookieContainer would parse it too, but it drops SameSite,
/// which is the attribute these tests are about.
/// </summary>
internal sealed record SetCookieHeader(string Name, string Value, IReadOnlyDictionary<string, string?> Attributes)
{
    public bool Has(string attribute) => Attributes.ContainsKey(attribute);

    public string? this[string attribute] => Attributes.GetValueOrDefault(attribute);

    /// <summary>A cookie with neither Max-Age nor Expires lives until the browser session ends.</summary>
    public bool IsSessionCookie => !Has("Max-Age") && !Has("Expires");

    public static SetCookieHeader Parse(string header)
    {
        var parts = header.Split(';');
        var pair = parts[0].Split('=', 2);
        var attributes = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in parts.Skip(1))
        {
            var attribute = part.Split('=', 2);
            attributes[attribute[0].Trim()] = attribute.Length == 2 ? attribute[1].Trim() : null;
        }

        return new SetCookieHeader(pair[0].Trim(), pair.Length == 2 ? pair[1].Trim() : string.Empty, attributes);
    }

    // The value may be a session id: keep it out of assertion messages.
    public override string ToString() =>
        $"{Name}=…; {string.Join("; ", Attributes.Select(a => a.Value is null ? a.Key : $"{a.Key}={a.Value}"))}";
}
