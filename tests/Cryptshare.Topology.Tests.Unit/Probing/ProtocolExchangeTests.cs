using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Cryptshare.Topology.Fixtures.Pki;
using Cryptshare.Topology.Probe.Protocols;
using Cryptshare.Topology.Probing;

namespace Cryptshare.Topology.Tests.Unit.Probing;

/// <summary>
/// The exchanges that need no real server, against scripted loopback servers: HTTP, HTTPS with the
/// harness CA (and without it, and under the wrong name), SMTP with the marker as subject, and a
/// server that echoes the password, which must not reach the output.
/// </summary>
[TestFixture]
public sealed class ProtocolExchangeTests
{
    private const string TlsName = "svc.unit.test";

    [Test]
    public async Task HttpIsAllowedWithTheStatusAndCarriesTheMarker()
    {
        using var server = new LoopbackServer<string>(stream => AnswerHttpAsync(stream, "HTTP/1.1 404 Not Found"));
        var request = ProbeHarness.Loopback(ProbeProtocol.Http, server.Port) with { Options = new ProbeOptions(Path: "/status?x=1") };

        var result = await ProbeHarness.RunAsync(request);

        Assert.That(result.Verdict, Is.EqualTo(ProbeVerdict.Allowed), result.Detail);
        Assert.That(result.HttpStatus, Is.EqualTo(404), "any status counts as allowed: the flow went through");
        Assert.That(result.Detail, Is.EqualTo("HTTP 404 Not Found"));
        var seen = await server.Seen;
        Assert.That(seen, Does.StartWith("GET /status?x=1 HTTP/1.1"));
        Assert.That(seen, Does.Contain($"{HttpExchange.MarkerHeader}: {result.Marker}"));
    }

    [Test]
    public async Task HttpsValidatesAgainstTheBatchCa()
    {
        var pki = new HarnessPki();
        using var server = new LoopbackServer<string>(stream => AnswerHttpsAsync(stream, pki.IssueServer(TlsName, [TlsName])));
        var request = ProbeHarness.Loopback(ProbeProtocol.Https, server.Port) with { TlsName = TlsName, Options = new ProbeOptions(Headers: new Dictionary<string, string> { ["X-CS-MajorApiVersion"] = "1" }) };

        var result = await ProbeHarness.RunAsync(request, pki.AuthorityPem);

        Assert.That(result.Verdict, Is.EqualTo(ProbeVerdict.Allowed), result.Detail);
        Assert.That(result.HttpStatus, Is.EqualTo(204));
        Assert.That(await server.Seen, Does.Contain("X-CS-MajorApiVersion: 1").And.Contain($"Host: {TlsName}:{server.Port}"));
    }

    [Test]
    public async Task HttpsUnderAnotherCaIsBroken()
    {
        var serverPki = new HarnessPki();
        var otherPki = new HarnessPki();
        using var server = new LoopbackServer<string>(stream => AnswerHttpsAsync(stream, serverPki.IssueServer(TlsName, [TlsName])));
        var request = ProbeHarness.Loopback(ProbeProtocol.Https, server.Port) with { TlsName = TlsName };

        var result = await ProbeHarness.RunAsync(request, otherPki.AuthorityPem);

        Assert.That(result.Verdict, Is.EqualTo(ProbeVerdict.Broken));
        Assert.That(result.Detail, Does.StartWith($"TLS: the certificate (CN={TlsName}").And.Contain("does not chain to the harness CA"));
    }

    [Test]
    public async Task HttpsUnderAnotherNameIsBroken()
    {
        var pki = new HarnessPki();
        using var server = new LoopbackServer<string>(stream => AnswerHttpsAsync(stream, pki.IssueServer("elsewhere.unit.test", ["elsewhere.unit.test"])));
        var request = ProbeHarness.Loopback(ProbeProtocol.Https, server.Port) with { TlsName = TlsName };

        var result = await ProbeHarness.RunAsync(request, pki.AuthorityPem);

        Assert.That(result.Verdict, Is.EqualTo(ProbeVerdict.Broken));
        Assert.That(result.Detail, Is.EqualTo($"TLS: name mismatch: the certificate is for elsewhere.unit.test, the client expected {TlsName}"));
    }

    [Test]
    public async Task SmtpIsAllowedWhenTheMessageIsAcceptedAndItsSubjectIsTheMarker()
    {
        using var server = new LoopbackServer<string>(stream => new FakeSmtpServer(stream).RunAsync());
        var request = ProbeHarness.Loopback(ProbeProtocol.Smtp, server.Port) with { Options = new ProbeOptions(MailTo: "sink@intranet.example") };

        var result = await ProbeHarness.RunAsync(request);

        Assert.That(result.Verdict, Is.EqualTo(ProbeVerdict.Allowed), result.Detail);
        Assert.That(result.Detail, Does.StartWith("message accepted (smtp): ").And.Contain("queued as 4711"));
        var transcript = await server.Seen;
        Assert.That(transcript, Does.Contain("EHLO unit-test"));
        Assert.That(transcript, Does.Contain("RCPT TO:<sink@intranet.example>"));
        Assert.That(transcript, Does.Contain($"Subject: {result.Marker}"));
    }

    [Test]
    public async Task AnEchoedPasswordNeverReachesTheOutput()
    {
        const string Password = "s3cret-Passw0rd";
        using var server = new LoopbackServer<string>(stream => new FakeSmtpServer(stream).RunAsync());
        var request = ProbeHarness.Loopback(ProbeProtocol.Smtp, server.Port) with { Credentials = new ProbeCredentials("relay-user", Password) };

        var result = await ProbeHarness.RunAsync(request);

        Assert.That(result.Verdict, Is.EqualTo(ProbeVerdict.Broken));
        Assert.That(result.Detail, Does.StartWith("AUTH refused for relay-user"));
        Assert.That(result.Detail, Does.Contain("***"), "the server's echo is there, masked");
        Assert.That(ProbeJson.SerializeLine(result), Does.Not.Contain(Password));
        Assert.That(await server.Seen, Does.Contain("AUTH"), "the fake really received the credentials it echoed");
    }

    private static async Task<string> AnswerHttpAsync(Stream stream, string statusLine)
    {
        var head = await ReadHeadAsync(stream);
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{statusLine}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
        return head;
    }

    private static async Task<string> AnswerHttpsAsync(NetworkStream stream, IssuedCertificate certificate)
    {
        await using var tls = new SslStream(stream);
        try
        {
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate.Certificate });
        }
        catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException)
        {
            return "handshake refused by the client";
        }

        return await AnswerHttpAsync(tls, "HTTP/1.1 204 No Content");
    }

    private static async Task<string> ReadHeadAsync(Stream stream)
    {
        var head = new StringBuilder();
        var buffer = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(buffer) == 1)
        {
            head.Append((char)buffer[0]);
        }

        return head.ToString();
    }

    /// <summary>
    /// Just enough ESMTP for MailKit: accepts any mail, offers AUTH PLAIN and answers it with a 535
    /// that quotes the decoded credentials back (the worst a server could do). Returns the transcript.
    /// </summary>
    private sealed class FakeSmtpServer(NetworkStream stream)
    {
        private readonly StreamReader _reader = new(stream, Encoding.ASCII);
        private readonly StringBuilder _transcript = new();

        public async Task<string> RunAsync()
        {
            await SendAsync("220 fake.unit.test ESMTP");
            while (await _reader.ReadLineAsync() is { } line)
            {
                _transcript.AppendLine(line);
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await SendAsync("250-fake.unit.test\r\n250-AUTH PLAIN\r\n250 8BITMIME");
                        break;
                    case "AUTH":
                        var initial = line.Split(' ').ElementAtOrDefault(2);
                        if (initial is null)
                        {
                            await SendAsync("334 ");
                            initial = await _reader.ReadLineAsync() ?? string.Empty;
                        }

                        var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(initial)).Replace('\0', ' ');
                        await SendAsync($"535 5.7.8 no such user/password:{decoded}");
                        break;
                    case "DATA":
                        await SendAsync("354 go ahead");
                        while (await _reader.ReadLineAsync() is { } data && data != ".")
                        {
                            _transcript.AppendLine(data);
                        }

                        await SendAsync("250 2.0.0 Ok: queued as 4711");
                        break;
                    case "QUIT":
                        await SendAsync("221 bye");
                        return _transcript.ToString();
                    default:
                        await SendAsync("250 Ok");
                        break;
                }
            }

            return _transcript.ToString();
        }

        private Task SendAsync(string reply) => stream.WriteAsync(Encoding.ASCII.GetBytes(reply + "\r\n")).AsTask();
    }
}
