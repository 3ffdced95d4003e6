using Cryptshare.Topology.Fixtures.SmtpRelay;
using MailKit.Security;

namespace Cryptshare.Topology.Tests.Integration.SmtpRelay;

/// <summary>The plain relay (25): mail without AUTH is accepted, no TLS is offered, and the API's paging is read to the end.</summary>
[TestFixture]
[Category("Hosts")]
public sealed class SmtpRelayPlainTests() : RelayFixture(SmtpRelayMode.Plain)
{
    [Test]
    public async Task OffersNoStartTls()
    {
        Assert.ThrowsAsync<NotSupportedException>(() => ConnectAsync(transport: SecureSocketOptions.StartTls));
        using var client = await ConnectAsync();
        Assert.That(client.Capabilities.HasFlag(MailKit.Net.Smtp.SmtpCapabilities.StartTLS), Is.False);
    }

    [Test]
    public async Task EveryMessageIsReadAcrossApiPages()
    {
        // 7 messages at 3 a page: three pages, the last one short.
        var batch = UniqueSubject("page");
        var subjects = Enumerable.Range(1, 7).Select(i => $"{batch} #{i}").ToList();
        using (var client = await ConnectAsync())
        {
            foreach (var subject in subjects)
            {
                await client.SendAsync(NewMessage(subject));
            }

            await client.DisconnectAsync(quit: true);
        }

        Assert.That(await Relay.FindMessageAsync(subjects[^1]), Is.Not.Null);
        var read = (await Relay.GetMessagesAsync(pageSize: 3)).Select(m => m.Subject).Where(s => s.StartsWith(batch, StringComparison.Ordinal));
        Assert.That(read, Is.EqualTo(subjects), "all seven, oldest first, none twice");
    }
}
