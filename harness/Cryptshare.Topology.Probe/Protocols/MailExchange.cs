using System.Net.Sockets;
using Cryptshare.Topology.Probe.Security;
using Cryptshare.Topology.Probing;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Cryptshare.Topology.Probe.Protocols;

/// <summary>
/// Sends one small mail with MailKit over the agent's own connection (MailKit takes a connected
/// socket). Allowed only when the server accepted the message after DATA; the subject is the
/// marker, so the harness can find the mail in smtp4dev.
/// </summary>
internal abstract class MailExchange : IProtocolProbe
{
    public abstract ProbeProtocol Protocol { get; }

    /// <summary>How TLS is used: none, implicit (SslOnConnect) or STARTTLS required.</summary>
    protected abstract SecureSocketOptions Security { get; }

    /// <summary>Whether AUTH is part of the flow (smtps, submission): the probe then needs credentials.</summary>
    protected abstract bool RequiresAuth { get; }

    private string Name => Protocol.ToString().ToLowerInvariant();

    public string? Invalid(ProbeRequest request, ProbeContext context)
    {
        if (RequiresAuth && (request.Credentials is null || string.IsNullOrEmpty(request.Credentials.Password)))
        {
            return $"{Name} needs credentials.user and credentials.password";
        }

        if (Security != SecureSocketOptions.None && context.Trust is null)
        {
            return $"{Name} needs the batch's caPem";
        }

        foreach (var address in new[] { request.Options?.MailFrom, request.Options?.MailTo })
        {
            if (address is not null && !MailboxAddress.TryParse(address, out _))
            {
                return $"'{address}' is not a mail address";
            }
        }

        return null;
    }

    public async Task<ExchangeOutcome> ExchangeAsync(ProbeRequest request, Socket connected, ProbeContext context, string marker, CancellationToken ct)
    {
        var check = new TlsCheck();
        var serverName = ProbeContext.ServerName(request);
        using var client = new SmtpClient
        {
            LocalDomain = request.Source,
            CheckCertificateRevocation = false,
            // The exchange timeout (ct) decides; MailKit's own must not fire first.
            Timeout = (int)ProbeContext.ExchangeTimeout(request).TotalMilliseconds + 5000,
        };
        if (context.Trust is not null)
        {
            client.ServerCertificateValidationCallback = context.Trust.CallbackFor(check, serverName);
        }

        try
        {
            await client.ConnectAsync(connected, serverName, request.Port, Security, ct);
            var credentials = request.Credentials;
            if (credentials is { Password: { Length: > 0 } password })
            {
                await client.AuthenticateAsync(credentials.User, password, ct);
            }

            var reply = await client.SendAsync(Message(request, marker), ct);
            var tls = client.IsSecure ? $", {client.SslProtocol}" : string.Empty;
            await client.DisconnectAsync(quit: true, ct);
            var auth = credentials is { Password.Length: > 0 } ? $", AUTH as {credentials.User}" : string.Empty;
            return ExchangeOutcome.Allowed($"message accepted ({Name}{tls}{auth}): {reply.Trim()}", marker);
        }
        catch (SslHandshakeException e)
        {
            return ExchangeOutcome.Broken($"TLS: {check.Failure ?? $"no TLS handshake ({Innermost(e).Message})"}", marker);
        }
        catch (AuthenticationException e)
        {
            return ExchangeOutcome.Broken($"AUTH refused for {request.Credentials?.User}: {e.Message}", marker);
        }
        catch (SmtpCommandException e)
        {
            return ExchangeOutcome.Broken($"{e.ErrorCode} refused: {(int)e.StatusCode} {e.Message}", marker);
        }
        catch (SmtpProtocolException e)
        {
            return ExchangeOutcome.Broken($"SMTP protocol error: {e.Message}", marker);
        }
        catch (NotSupportedException e)
        {
            // What MailKit throws when the server does not offer STARTTLS or AUTH.
            return ExchangeOutcome.Broken(e.Message, marker);
        }
        catch (Exception e) when (e is IOException or ServiceNotConnectedException)
        {
            return ExchangeOutcome.Broken($"connection lost: {e.Message}", marker);
        }
    }

    private static MimeMessage Message(ProbeRequest request, string marker)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(request.Options?.MailFrom ?? $"ctt-probe@{request.Source}.invalid"));
        message.To.Add(MailboxAddress.Parse(request.Options?.MailTo ?? $"ctt-sink@{request.Destination}.invalid"));
        message.Subject = marker;
        message.Body = new TextPart("plain")
        {
            Text = $"CryptshareTopologyTests probe\nflow: {request.Flow}\nfrom: {request.Source}\nto: {request.Destination} ({request.Address}:{request.Port})\nmarker: {marker}\n",
        };
        return message;
    }

    private static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);
}
