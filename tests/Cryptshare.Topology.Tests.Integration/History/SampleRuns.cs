using System.Security.Cryptography;
using System.Text;
using Cryptshare.Topology.History;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Reports;

namespace Cryptshare.Topology.Tests.Integration.History;

/// <summary>
/// Reports as the matrix writes them: the documented rule set (whose text changes between runs)
/// and a customer's rule set that stays the same.
/// </summary>
internal static class SampleRuns
{
    public const string Documented = "01-documented";
    public const string Customer = "50-customer-acme";

    public static readonly string DocumentedV1 = Sha256("table inet filter { # v1: admin closed from the internet }");
    public static readonly string DocumentedV2 = Sha256("table inet filter { # v2: admin opened by mistake }");
    public static readonly string CustomerSha = Sha256("table inet filter { # acme }");
    public static readonly string TopologySha = Sha256("name: default");

    public static readonly DateTimeOffset FirstNight = new(2026, 11, 1, 2, 0, 0, TimeSpan.Zero);

    public static RunInfo Night(int night) =>
        new(FirstNight.AddDays(night), "default", TopologySha, "1.0.0", "0123456789abcdef0123456789abcdef01234567");

    /// <summary>The report of one night: the documented rule set at <paramref name="documentedSha"/> with admin-https from the internet <paramref name="adminFromInternet"/>.</summary>
    public static MatrixReport Report(string documentedSha, Verdict adminFromInternet, bool withCustomer = true)
    {
        var ruleSets = new List<RuleSetReport>
        {
            new(Documented, documentedSha,
            [
                Flow("ui-https", "internet", "cs-server", 443, Verdict.Allowed, Verdict.Allowed),
                Flow("admin-https", "internet", "cs-server", 8080, Verdict.Dropped, adminFromInternet),
                Flow("admin-https", "admin", "cs-server", 8080, Verdict.Allowed, Verdict.Allowed),
                Flow("ldaps", "dmz", "ldap", 636, Verdict.Allowed, Verdict.Allowed),
            ]),
        };
        if (withCustomer)
        {
            ruleSets.Add(new(Customer, CustomerSha,
            [
                Flow("smtp", "dmz", "relay", 25, Verdict.Allowed, Verdict.Allowed),
                Flow("admin-https", "internet", "cs-server", 8080, Verdict.Rejected, Verdict.Rejected),
            ]));
        }

        return new MatrixReport(ruleSets, new ReportTimings(TopologyUpMs: 1800, MatrixMs: 4200));
    }

    public static FlowReport Flow(string id, string from, string to, int port, Verdict expected, Verdict observed) =>
        new(id, from, to, port, expected, observed, ElapsedMs: 3, Detail: $"{observed.ToWord()} on {to}:{port}", Required: true, Exposure: false);

    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
