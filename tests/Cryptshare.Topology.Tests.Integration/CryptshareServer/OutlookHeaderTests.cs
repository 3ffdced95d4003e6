using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Cryptshare.Topology.Fixtures.CryptshareServer;
using Headers = Cryptshare.Topology.Fixtures.CryptshareServer.CryptshareWeb.OutlookHeaders;

namespace Cryptshare.Topology.Tests.Integration.CryptshareServer;

/// <summary>
/// The REST call of Cryptshare for Outlook: rejected with 400 naming each of the five X-CS-*
/// headers that is missing or malformed, accepted when all five are right; the password's value
/// appears in no response and no log line.
/// </summary>
[TestFixture]
[Category("Hosts")]
public sealed class OutlookHeaderTests
{
    private static CryptshareServerContainer Server => SharedServer.Instance;

    [TestCase(CryptshareServerListener.UiHttp)]
    [TestCase(CryptshareServerListener.UiHttps)]
    public async Task AllFiveHeadersRightIsAccepted(CryptshareServerListener listener)
    {
        var (status, body) = await CallAsync(listener, ValidHeaders());
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body.ToString());
        Assert.That(body.GetProperty("headersSeen").EnumerateArray().Select(e => e.GetString()),
            Is.EquivalentTo(Headers.All));
    }

    [TestCaseSource(typeof(Headers), nameof(Headers.All))]
    public async Task MissingHeaderIsRejectedByName(string missing)
    {
        var headers = ValidHeaders();
        headers.Remove(missing);
        var (status, body) = await CallAsync(CryptshareServerListener.UiHttps, headers);
        Assert.Multiple(() =>
        {
            Assert.That((int)status, Is.InRange(400, 499));
            Assert.That(Rejected(body), Is.EqualTo(new[] { missing }), "exactly the missing header is named");
            Assert.That(ProblemOf(body, missing), Is.EqualTo("missing"));
        });
    }

    [Test]
    public async Task NoHeadersAtAllNamesAllFive()
    {
        var (status, body) = await CallAsync(CryptshareServerListener.UiHttp, []);
        Assert.That((int)status, Is.InRange(400, 499));
        Assert.That(Rejected(body), Is.EqualTo(Headers.All));
    }

    [TestCase(Headers.ClientId, 49, "letters and digits", TestName = "ClientId of 49 characters is too short")]
    [TestCase(Headers.ClientId, 4001, "letters and digits", TestName = "ClientId of 4001 characters is too long")]
    public async Task ClientIdOfWrongLengthIsRejectedByName(string header, int length, string problem)
    {
        var headers = ValidHeaders();
        headers[header] = RandomNumberGenerator.GetString("abcXYZ0123456789", length);
        await AssertRejectedAsync(headers, header, problem);
    }

    [TestCase(Headers.ClientId, "abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789", "other characters", TestName = "ClientId with dashes")]
    [TestCase(Headers.ClientId, "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789", "other characters", TestName = "ClientId with spaces")]
    [TestCase(Headers.MajorApiVersion, "2", "must be 1", TestName = "MajorApiVersion 2")]
    [TestCase(Headers.MajorApiVersion, "1.0", "must be 1", TestName = "MajorApiVersion 1.0")]
    [TestCase(Headers.MajorApiVersion, "one", "must be 1", TestName = "MajorApiVersion one")]
    [TestCase(Headers.MinimumMinorApiVersion, "-1", "non-negative integer", TestName = "MinimumMinorApiVersion -1")]
    [TestCase(Headers.MinimumMinorApiVersion, "x", "non-negative integer", TestName = "MinimumMinorApiVersion x")]
    [TestCase(Headers.MinimumMinorApiVersion, "11", "offers 10", TestName = "MinimumMinorApiVersion above what the server offers")]
    [TestCase(Headers.ProductKey, "", "empty", TestName = "ProductKey empty")]
    [TestCase(Headers.Password, " ", "empty", TestName = "Password blank")]
    public async Task MalformedHeaderIsRejectedByName(string header, string value, string problem)
    {
        var headers = ValidHeaders();
        headers[header] = value;
        await AssertRejectedAsync(headers, header, problem);
    }

    [TestCase(50)]
    [TestCase(4000)]
    public async Task ClientIdAtTheLengthLimitsIsAccepted(int length)
    {
        var headers = ValidHeaders();
        headers[Headers.ClientId] = RandomNumberGenerator.GetString("abcXYZ0123456789", length);
        var (status, body) = await CallAsync(CryptshareServerListener.UiHttp, headers);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body.ToString());
    }

    [Test]
    public async Task HeaderSentTwiceIsRejectedByName()
    {
        using var client = ServerClients.For(Server, CryptshareServerListener.UiHttp);
        using var request = Request(ValidHeaders());
        request.Headers.TryAddWithoutValidation(Headers.MajorApiVersion, "1");
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(Rejected(body), Is.EqualTo(new[] { Headers.MajorApiVersion }));
    }

    [TestCase(CryptshareServerListener.AdminHttps)]
    [TestCase(CryptshareServerListener.AdminHttp)]
    public async Task OutlookApiIsNotOnTheAdministrationInterface(CryptshareServerListener listener)
    {
        var (status, _) = await CallAsync(listener, ValidHeaders(), expectJson: false);
        Assert.That(status, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task PasswordValueAppearsInNoResponseAndNoLogLine()
    {
        var password = "pw" + RandomNumberGenerator.GetHexString(24);
        var accepted = ValidHeaders();
        accepted[Headers.Password] = password;
        var rejected = new Dictionary<string, string>(accepted);
        rejected.Remove(Headers.ProductKey);
        rejected[Headers.MajorApiVersion] = password; // as if a proxy had shuffled the headers

        var bodies = new List<string>();
        foreach (var headers in new[] { accepted, rejected })
        {
            var (_, body) = await CallAsync(CryptshareServerListener.UiHttp, headers);
            bodies.Add(body.GetRawText());
        }

        var (stdout, stderr) = await Server.GetLogsAsync();
        var log = stdout + stderr;
        Assert.Multiple(() =>
        {
            Assert.That(log, Does.Contain("200, headers seen").And.Contain("400, headers rejected"), "the log has lines about these calls");
            // Boolean checks: a failing Does.Not.Contain would print the secret itself.
            Assert.That(log.Contains(password, StringComparison.Ordinal), Is.False, "password value in the container log");
            Assert.That(bodies.Any(b => b.Contains(password, StringComparison.Ordinal)), Is.False, "password value in a response");
        });
    }

    private async Task AssertRejectedAsync(Dictionary<string, string> headers, string header, string problem)
    {
        var (status, body) = await CallAsync(CryptshareServerListener.UiHttps, headers);
        Assert.Multiple(() =>
        {
            Assert.That((int)status, Is.InRange(400, 499));
            Assert.That(Rejected(body), Is.EqualTo(new[] { header }), body.ToString());
            Assert.That(ProblemOf(body, header), Does.Contain(problem));
        });
    }

    private static Dictionary<string, string> ValidHeaders() => new()
    {
        [Headers.ClientId] = RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 64),
        [Headers.MajorApiVersion] = "1",
        [Headers.MinimumMinorApiVersion] = "7",
        [Headers.ProductKey] = "outlook",
        [Headers.Password] = "transfer-" + RandomNumberGenerator.GetHexString(8),
    };

    private static HttpRequestMessage Request(Dictionary<string, string> headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, CryptshareWeb.OutlookPingPath);
        foreach (var (name, value) in headers)
        {
            // Without validation: malformed and empty values must reach the server as they are.
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> CallAsync(
        CryptshareServerListener listener, Dictionary<string, string> headers, bool expectJson = true)
    {
        using var client = ServerClients.For(Server, listener);
        using var request = Request(headers);
        using var response = await client.SendAsync(request);
        var body = expectJson ? await response.Content.ReadFromJsonAsync<JsonElement>() : default;
        return (response.StatusCode, body);
    }

    private static string?[] Rejected(JsonElement body) =>
        body.GetProperty("rejectedHeaders").EnumerateArray().Select(e => e.GetString()).ToArray();

    private static string? ProblemOf(JsonElement body, string header) =>
        body.GetProperty("problems").EnumerateArray()
            .Where(p => p.GetProperty("header").GetString() == header)
            .Select(p => p.GetProperty("problem").GetString())
            .SingleOrDefault();
}
