using System.Text;
using Cryptshare.Topology.Probing;

namespace Cryptshare.Topology.Tests.Unit.Probing;

/// <summary>
/// options.readBody: the start of the answer comes back (the Outlook flow's verdict reads it), bounded,
/// and a server that echoes a secret header's value gets it masked like a password.
/// </summary>
[TestFixture]
public sealed class HttpBodyTests
{
    [Test]
    public async Task BodyComesBackOnlyWhenAskedFor()
    {
        const string json = """{"rejectedHeaders":["X-CS-Password"]}""";
        using var asked = new LoopbackServer<string>(stream => AnswerAsync(stream, 400, json));
        using var notAsked = new LoopbackServer<string>(stream => AnswerAsync(stream, 400, json));

        var withBody = await ProbeHarness.RunAsync(ProbeHarness.Loopback(ProbeProtocol.Http, asked.Port) with { Options = new ProbeOptions(ReadBody: true) });
        var withoutBody = await ProbeHarness.RunAsync(ProbeHarness.Loopback(ProbeProtocol.Http, notAsked.Port));

        Assert.That(withBody.HttpStatus, Is.EqualTo(400));
        Assert.That(withBody.Body, Is.EqualTo(json));
        Assert.That(withoutBody.Body, Is.Null);
        Assert.That(ProbeJson.SerializeLine(withoutBody), Does.Not.Contain("\"body\""), "absent, not null, on the wire");
    }

    [Test]
    public async Task BodyIsCutAtTheLimit()
    {
        using var server = new LoopbackServer<string>(stream => AnswerAsync(stream, 200, new string('x', ProbeResult.MaxBodyLength * 3)));

        var result = await ProbeHarness.RunAsync(ProbeHarness.Loopback(ProbeProtocol.Http, server.Port) with { Options = new ProbeOptions(ReadBody: true) });

        Assert.That(result.Body, Has.Length.EqualTo(ProbeResult.MaxBodyLength));
    }

    [Test]
    public async Task SecretHeaderValuesEchoedByTheServerAreMasked()
    {
        const string password = "outlook-pass-Zq81xVv";
        const string clientId = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        using var server = new LoopbackServer<string>(async stream =>
        {
            var head = await ReadHeadAsync(stream);
            // The worst a proxy's error page could do: quote the request back.
            await WriteAsync(stream, 502, head);
            return head;
        });
        var headers = new Dictionary<string, string> { ["X-CS-Password"] = password, ["X-CS-ClientId"] = clientId, ["X-CS-MajorApiVersion"] = "1" };

        var result = await ProbeHarness.RunAsync(ProbeHarness.Loopback(ProbeProtocol.Http, server.Port) with { Options = new ProbeOptions(Headers: headers, ReadBody: true) });

        Assert.That(await server.Seen, Does.Contain(password), "the header did go out");
        Assert.That(result.Body, Does.Contain("X-CS-Password: ***").And.Contain("X-CS-ClientId: ***").And.Contain("X-CS-MajorApiVersion: 1"));
        Assert.That(ProbeJson.SerializeLine(result), Does.Not.Contain(password).And.Not.Contain(clientId));
    }

    [Test]
    public void OptionsNeverPrintHeaderValues()
    {
        var options = new ProbeOptions(Headers: new Dictionary<string, string> { ["X-CS-Password"] = "not-for-logs" });

        Assert.That(options.ToString(), Does.Contain("X-CS-Password").And.Not.Contain("not-for-logs"));
    }

    private static async Task<string> AnswerAsync(Stream stream, int status, string body)
    {
        var head = await ReadHeadAsync(stream);
        await WriteAsync(stream, status, body);
        return head;
    }

    private static async Task WriteAsync(Stream stream, int status, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status} X\r\nContent-Type: text/plain\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n"));
        await stream.WriteAsync(bytes);
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
}
