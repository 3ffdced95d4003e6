using Cryptshare.Topology.Fixtures.Topology;
using Cryptshare.Topology.Probing;

namespace Cryptshare.Topology.Tests.Unit.L7;

/// <summary>
/// The outlook-rest verdict from what the server answered: allowed only for 200 listing all five
/// headers; broken naming each lost header for the stand-in's 400; broken for anything else that
/// is not the REST API's answer; the agent's own verdicts (dropped, TLS failures) stay as they are.
/// </summary>
[TestFixture]
public sealed class OutlookRestJudgeTests
{
    private static ProbeResult Answer(int status, string body) =>
        new("outlook-rest", "internet-client", "web-proxy", "10.88.2.20", 443, ProbeProtocol.Https, ProbeVerdict.Allowed, 12, $"HTTP {status}", "m", status, body);

    [Test]
    public void AllFiveSeenIsAllowed()
    {
        var judged = OutlookRestProbe.Judge(Answer(200, """{"status":"ok","headersSeen":["X-CS-ClientId","X-CS-MajorApiVersion","X-CS-MinimumMinorApiVersion","X-CS-Password","X-CS-ProductKey"]}"""));

        Assert.That(judged.Verdict, Is.EqualTo(ProbeVerdict.Allowed));
        Assert.That(judged.Detail, Does.Contain("received all five Outlook headers"));
    }

    [Test]
    public void AllMissingIsBrokenAndSaysSo()
    {
        const string body = """{"rejectedHeaders":["X-CS-ClientId","X-CS-MajorApiVersion","X-CS-MinimumMinorApiVersion","X-CS-ProductKey","X-CS-Password"],"problems":[{"header":"X-CS-ClientId","problem":"missing"},{"header":"X-CS-MajorApiVersion","problem":"missing"},{"header":"X-CS-MinimumMinorApiVersion","problem":"missing"},{"header":"X-CS-ProductKey","problem":"missing"},{"header":"X-CS-Password","problem":"missing"}]}""";

        var judged = OutlookRestProbe.Judge(Answer(400, body));

        Assert.That(judged.Verdict, Is.EqualTo(ProbeVerdict.Broken));
        Assert.That(judged.Detail, Does.Contain("all five X-CS-* headers are missing (X-CS-ClientId, X-CS-MajorApiVersion, X-CS-MinimumMinorApiVersion, X-CS-ProductKey, X-CS-Password)"));
    }

    [Test]
    public void SomeLostAreNamedWithTheirProblem()
    {
        const string body = """{"problems":[{"header":"X-CS-Password","problem":"missing"},{"header":"X-CS-ClientId","problem":"must be 50–4000 letters and digits; it has 12"}]}""";

        var judged = OutlookRestProbe.Judge(Answer(400, body));

        Assert.That(judged.Verdict, Is.EqualTo(ProbeVerdict.Broken));
        Assert.That(judged.Detail, Does.Contain("X-CS-Password missing; X-CS-ClientId must be 50–4000 letters and digits; it has 12 (X-CS-Password, X-CS-ClientId)"));
    }

    [Test]
    public void TwoHundredWithoutAllHeadersIsBroken()
    {
        var judged = OutlookRestProbe.Judge(Answer(200, """{"headersSeen":["X-CS-ClientId"]}"""));

        Assert.That(judged.Verdict, Is.EqualTo(ProbeVerdict.Broken));
        Assert.That(judged.Detail, Does.Contain("did not list X-CS-MajorApiVersion, X-CS-MinimumMinorApiVersion, X-CS-ProductKey, X-CS-Password"));
    }

    [TestCase(502, "<html>Bad Gateway</html>")]
    [TestCase(200, "<html>a login page</html>")]
    [TestCase(404, "")]
    public void AnythingElseIsNotTheApisAnswer(int status, string body)
    {
        var judged = OutlookRestProbe.Judge(Answer(status, body));

        Assert.That(judged.Verdict, Is.EqualTo(ProbeVerdict.Broken));
        Assert.That(judged.Detail, Does.StartWith($"HTTP {status}: not the answer of Cryptshare's REST API"));
    }

    [Test]
    public void TheAgentsOwnVerdictsStay()
    {
        var dropped = Answer(0, string.Empty) with { Verdict = ProbeVerdict.Dropped, HttpStatus = null, Body = null, Detail = "no answer" };
        Assert.That(OutlookRestProbe.Judge(dropped), Is.EqualTo(dropped));
    }

    [Test]
    public void TheRequestCarriesTheFiveHeadersAndAsksForTheBody()
    {
        var secrets = new TopologySecrets();
        var request = new ProbeRequest("outlook-rest", "c", "s", "10.0.0.1", 443, ProbeProtocol.Https);

        var described = OutlookRestProbe.Describe(request, secrets);

        Assert.That(described.Options!.Path, Is.EqualTo("/api/outlook/v1/ping"));
        Assert.That(described.Options.ReadBody, Is.True);
        Assert.That(described.Options.Headers!["X-CS-Password"], Is.EqualTo(secrets.OutlookPassword));
        Assert.That(described.Options.Headers["X-CS-ClientId"], Has.Length.GreaterThanOrEqualTo(50).And.Match("^[A-Za-z0-9]+$"));
        Assert.That(described.Options.Headers["X-CS-MajorApiVersion"], Is.EqualTo("1"));
        Assert.That(secrets.All, Does.Contain(secrets.OutlookPassword).And.Contain(secrets.OutlookClientId).And.Contain(secrets.OutlookProductKey));
        Assert.That(described.Options.SecretHeaderValues(), Is.EquivalentTo(new[] { secrets.OutlookPassword, secrets.OutlookClientId, secrets.OutlookProductKey }));
    }
}
