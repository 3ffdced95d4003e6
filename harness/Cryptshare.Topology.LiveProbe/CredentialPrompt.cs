using System.Text;
using Cryptshare.Topology.Flows;
using Cryptshare.Topology.Model;
using Cryptshare.Topology.Probing;

namespace Cryptshare.Topology.LiveProbe;

/// <summary>
/// <c>--prompt</c>: asks at the terminal for the login of each host whose flows need one and that the
/// credentials do not give. The password is read without echo. Only on a terminal: a piped answer
/// would have been written down somewhere first.
/// </summary>
internal static class CredentialPrompt
{
    public static SiteCredentials Ask(IEnumerable<SkippedProbe> needLogin, SiteCredentials credentials)
    {
        if (Console.IsInputRedirected)
        {
            throw new UsageException("ctt-live-probe: --prompt reads passwords from a terminal, and standard input is not one; use --credentials FILE");
        }

        foreach (var host in needLogin.Select(s => s.To).Distinct())
        {
            var flows = string.Join(", ", needLogin.Where(s => s.To == host).Select(s => s.FlowId));
            Console.Error.Write($"login for {host} ({flows}), user: ");
            var user = Console.ReadLine()?.Trim();
            if (string.IsNullOrEmpty(user))
            {
                Console.Error.WriteLine($"  no user: {flows} stay skipped");
                continue;
            }

            Console.Error.Write($"password for {user} on {host} (not shown): ");
            var password = ReadHidden();
            Console.Error.WriteLine();
            var headers = credentials.For(host)?.Headers ?? new Dictionary<string, string>();
            credentials = credentials.With(host, new HostCredentials(new ProbeCredentials(user, password), headers));
        }

        return credentials;
    }

    private static string ReadHidden()
    {
        var text = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                return text.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (text.Length > 0)
                {
                    text.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }
    }
}
