using Microsoft.Extensions.Primitives;

namespace Cryptshare.Topology.ServerStandIn;

/// <summary>One header the Outlook add-in needs that did not arrive as it must.</summary>
internal sealed record HeaderProblem(string Header, string Problem);

/// <summary>
/// The application headers Cryptshare for Outlook sends with every REST call (vendor: network
/// configuration, "HTTP Headers"; rules from the REST API's "Basic request headers and client id").
/// A proxy or firewall that strips or rewrites one of them breaks the add-in; the stand-in names
/// each header that is missing or malformed so a probe can say which one was lost on the way.
/// Problem texts never contain a header's value, not even the version numbers: the password is a
/// secret, the vendor says the client id "should be treated like a password", and a proxy that
/// shuffles headers could put either into any of the others.
/// </summary>
internal static class OutlookHeaders
{
    public const string ClientId = "X-CS-ClientId";
    public const string MajorApiVersion = "X-CS-MajorApiVersion";
    public const string MinimumMinorApiVersion = "X-CS-MinimumMinorApiVersion";
    public const string ProductKey = "X-CS-ProductKey";
    public const string Password = "X-CS-Password";

    /// <summary>The only major API version there is.</summary>
    public const int SupportedMajorApiVersion = 1;

    /// <summary>The minor API version this stand-in offers (the vendor's current one at the time of writing).</summary>
    public const int OfferedMinorApiVersion = 10;

    public const int ClientIdMinLength = 50;
    public const int ClientIdMaxLength = 4000;

    /// <summary>The five, in the order the vendor lists them; problems are reported in this order.</summary>
    public static IReadOnlyList<string> Required { get; } = [ClientId, MajorApiVersion, MinimumMinorApiVersion, ProductKey, Password];

    public static IReadOnlyList<HeaderProblem> Check(IHeaderDictionary headers)
    {
        var problems = new List<HeaderProblem>();
        foreach (var name in Required)
        {
            var problem = CheckOne(name, headers.TryGetValue(name, out var values) ? values : StringValues.Empty);
            if (problem is not null)
            {
                problems.Add(new HeaderProblem(name, problem));
            }
        }

        return problems;
    }

    private static string? CheckOne(string name, StringValues values)
    {
        if (values.Count == 0)
        {
            return "missing";
        }

        if (values.Count > 1)
        {
            // A proxy that appends instead of passing through leaves two values; the server cannot tell which one counts.
            return $"sent {values.Count} times, expected once";
        }

        var value = values[0] ?? string.Empty;
        if (value.Trim().Length == 0)
        {
            return "empty";
        }

        return name switch
        {
            ClientId => CheckClientId(value),
            MajorApiVersion => CheckMajor(value),
            MinimumMinorApiVersion => CheckMinimumMinor(value),
            _ => null, // product key and password: any non-empty value is accepted
        };
    }

    private static string? CheckClientId(string value)
    {
        var lettersAndDigits = value.All(char.IsAsciiLetterOrDigit);
        var lengthOk = value.Length is >= ClientIdMinLength and <= ClientIdMaxLength;
        return (lettersAndDigits, lengthOk) switch
        {
            (true, true) => null,
            (false, _) => $"must be {ClientIdMinLength}–{ClientIdMaxLength} letters and digits; it contains other characters",
            (true, false) => $"must be {ClientIdMinLength}–{ClientIdMaxLength} letters and digits; it has {value.Length}",
        };
    }

    private static string? CheckMajor(string value) =>
        value == SupportedMajorApiVersion.ToString(System.Globalization.CultureInfo.InvariantCulture)
            ? null
            : $"must be {SupportedMajorApiVersion}";

    private static string? CheckMinimumMinor(string value)
    {
        if (value.Length == 0 || !value.All(char.IsAsciiDigit) || !int.TryParse(value, out var minimum))
        {
            return "must be a non-negative integer";
        }

        // The vendor: "If the server does not support your minimum minor API version, it returns an error".
        return minimum <= OfferedMinorApiVersion
            ? null
            : $"asks for minor API version {minimum} or later; this server offers {OfferedMinorApiVersion}";
    }
}
