using System.Text.Json;
using Cryptshare.Topology.Probing;

namespace Cryptshare.Topology.Tests.Unit.Probing;

/// <summary>The wire format between the harness and ctt-probe: names, words, strictness, and no secret in a ToString.</summary>
[TestFixture]
public sealed class ProbeJsonContractTests
{
    private const string BatchAsDocumented = """
        {
          "caPem": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
          "probes": [
            {
              "flow": "smtps", "source": "intranet-client", "destination": "mail-465",
              "address": "10.77.3.20", "port": 465, "protocol": "smtps", "timeoutMs": 2000,
              "tlsName": "mail.intranet.example",
              "credentials": { "user": "relay", "password": "pw-1", "privateKeyPem": null },
              "options": { "mailFrom": "server@dmz.example", "mailTo": "archive@intranet.example" }
            },
            { "flow": "ldap", "source": "server", "destination": "ldap", "address": "10.77.3.30", "port": 389, "protocol": "ldap" }
          ]
        }
        """;

    [Test]
    public void ReadsTheDocumentedBatch()
    {
        var batch = ProbeJson.DeserializeBatch(BatchAsDocumented);

        Assert.That(batch.CaPem, Does.StartWith("-----BEGIN CERTIFICATE-----"));
        Assert.That(batch.Probes, Has.Count.EqualTo(2));
        var smtps = batch.Probes[0];
        Assert.That(smtps.Protocol, Is.EqualTo(ProbeProtocol.Smtps));
        Assert.That(smtps.TlsName, Is.EqualTo("mail.intranet.example"));
        Assert.That(smtps.Credentials, Is.EqualTo(new ProbeCredentials("relay", "pw-1")));
        Assert.That(smtps.Options?.MailTo, Is.EqualTo("archive@intranet.example"));
        var ldap = batch.Probes[1];
        Assert.That(ldap.TimeoutMs, Is.EqualTo(ProbeRequest.DefaultTimeoutMs), "timeoutMs defaults");
        Assert.That(ldap.Credentials, Is.Null);
    }

    [Test]
    public void BatchRoundTrips()
    {
        var request = new ProbeRequest(
            "admin-https", "admin-client", "cryptshare", "10.77.2.10", 8080, ProbeProtocol.Https, 1500, "server.dmz.example",
            new ProbeCredentials("admin", "pw", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
            new ProbeOptions(Path: "/admin", Headers: new Dictionary<string, string> { ["X-CS-ClientId"] = "abc" }, RemoteDirectory: "/archive"),
            ExchangeTimeoutMs: 3000);
        var batch = new ProbeBatch([request], "CA");

        var back = ProbeJson.DeserializeBatch(ProbeJson.Serialize(batch));

        Assert.That(back.CaPem, Is.EqualTo("CA"));
        var copy = back.Probes.Single();
        Assert.That(copy with { Options = null }, Is.EqualTo(request with { Options = null }));
        Assert.That(copy.Options!.Headers, Is.EquivalentTo(request.Options!.Headers!));
        Assert.That(copy.Options with { Headers = null }, Is.EqualTo(request.Options with { Headers = null }));
    }

    [Test]
    public void ResultIsOneLineWithTheDocumentedNames()
    {
        var result = new ProbeResult("smtps", "intranet-client", "mail-465", "10.77.3.20", 465, ProbeProtocol.Smtps, ProbeVerdict.Allowed, 42,
            "message accepted: 2.0.0 \"queued\"\nsecond line", Marker: "ctt-smtps-x");

        var line = ProbeJson.SerializeLine(result);

        Assert.That(line, Does.Not.Contain("\n"));
        using var json = JsonDocument.Parse(line);
        var names = json.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.That(names, Is.EqualTo(new[] { "flow", "source", "destination", "address", "port", "protocol", "verdict", "elapsedMs", "detail", "marker" }),
            "httpStatus is null and so absent");
        Assert.That(json.RootElement.GetProperty("verdict").GetString(), Is.EqualTo("allowed"));
        Assert.That(ProbeJson.DeserializeResult(line), Is.EqualTo(result));
    }

    [Test]
    public void ResultCarriesTheConnectAndExchangeTimesWhenMeasuredAndOlderLinesStillRead()
    {
        var result = new ProbeResult("https", "admin-client", "cryptshare", "10.77.2.10", 443, ProbeProtocol.Https, ProbeVerdict.Allowed, 30, "200", ConnectMs: 2, ExchangeMs: 28);
        var line = ProbeJson.SerializeLine(result);
        Assert.That(line, Does.Contain("\"connectMs\":2").And.Contain("\"exchangeMs\":28"));
        Assert.That(ProbeJson.DeserializeResult(line), Is.EqualTo(result));

        const string older = """{"flow":"https","source":"a","destination":"b","address":"10.0.0.1","port":443,"protocol":"https","verdict":"allowed","elapsedMs":3,"detail":"200"}""";
        Assert.That(ProbeJson.DeserializeResult(older) is { ConnectMs: null, ExchangeMs: null }, Is.True);
    }

    [Test]
    public void StopCommandIsOneLineAndStrict()
    {
        var stop = new ProbeStop(3, "SYN dropped at the firewall by inet filter forward policy drop");
        var line = ProbeJson.SerializeLine(stop);
        Assert.That(line, Is.EqualTo("""{"probe":3,"evidence":"SYN dropped at the firewall by inet filter forward policy drop"}"""));
        Assert.That(ProbeJson.DeserializeStop(line), Is.EqualTo(stop));
        Assert.Throws<JsonException>(() => ProbeJson.DeserializeStop("""{"probe":3}"""), "the evidence is required");
        Assert.Throws<JsonException>(() => ProbeJson.DeserializeStop("""{"probe":3,"evidence":"x","verdict":"allowed"}"""), "an unknown field is an error");
    }

    [TestCase(ProbeVerdict.Allowed, "allowed")]
    [TestCase(ProbeVerdict.Dropped, "dropped")]
    [TestCase(ProbeVerdict.Rejected, "rejected")]
    [TestCase(ProbeVerdict.Broken, "broken")]
    [TestCase(ProbeVerdict.Unroutable, "unroutable")]
    public void VerdictWords(ProbeVerdict verdict, string word) =>
        Assert.That(JsonSerializer.Serialize(verdict, ProbeJson.Options), Is.EqualTo($"\"{word}\""));

    [TestCase(ProbeProtocol.Tcp, "tcp")]
    [TestCase(ProbeProtocol.Http, "http")]
    [TestCase(ProbeProtocol.Https, "https")]
    [TestCase(ProbeProtocol.Smtp, "smtp")]
    [TestCase(ProbeProtocol.Smtps, "smtps")]
    [TestCase(ProbeProtocol.Submission, "submission")]
    [TestCase(ProbeProtocol.Ldap, "ldap")]
    [TestCase(ProbeProtocol.Ldaps, "ldaps")]
    [TestCase(ProbeProtocol.Ssh, "ssh")]
    [TestCase(ProbeProtocol.Scp, "scp")]
    public void ProtocolWords(ProbeProtocol protocol, string word)
    {
        Assert.That(JsonSerializer.Serialize(protocol, ProbeJson.Options), Is.EqualTo($"\"{word}\""));
        Assert.That(JsonSerializer.Deserialize<ProbeProtocol>($"\"{word}\"", ProbeJson.Options), Is.EqualTo(protocol));
    }

    [TestCase("""{ "probes": [ { "flow": "f", "source": "s", "destination": "d", "port": 1, "protocol": "tcp" } ] }""", TestName = "A missing address is an error")]
    [TestCase("""{ "probes": [ { "flow": "f", "source": "s", "destination": "d", "address": "10.0.0.1", "port": 1, "protocol": "gopher" } ] }""", TestName = "An unknown protocol is an error")]
    [TestCase("""{ "probes": [ { "flow": "f", "source": "s", "destination": "d", "address": "10.0.0.1", "port": 1, "protocol": 0 } ] }""", TestName = "A protocol given as a number is an error")]
    [TestCase("""{ "probes": [ { "flow": "f", "source": "s", "destination": "d", "address": "10.0.0.1", "port": 1, "protocol": "tcp", "tiemoutMs": 5 } ] }""", TestName = "A misspelt field is an error")]
    [TestCase("""{ "probes": [ { "flow": null, "source": "s", "destination": "d", "address": "10.0.0.1", "port": 1, "protocol": "tcp" } ] }""", TestName = "A null flow is an error")]
    public void StrictOnInput(string json) =>
        Assert.That(() => ProbeJson.DeserializeBatch(json), Throws.InstanceOf<JsonException>());

    [Test]
    public void CredentialsNeverPrintTheirSecrets()
    {
        var credentials = new ProbeCredentials("archiver", "Pa55-word", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n-----END OPENSSH PRIVATE KEY-----\n");
        var request = new ProbeRequest("archive-scp", "server", "archive", "10.77.3.40", 22, ProbeProtocol.Scp, Credentials: credentials);

        foreach (var text in new[] { credentials.ToString(), request.ToString(), new ProbeBatch([request]).ToString() })
        {
            Assert.That(text, Does.Not.Contain("Pa55-word").And.Not.Contain("b3BlbnNzaC1rZXk"));
        }

        Assert.That(credentials.ToString(), Does.Contain("archiver"));
    }
}
