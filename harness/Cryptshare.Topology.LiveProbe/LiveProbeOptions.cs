using Cryptshare.Topology.Input;

namespace Cryptshare.Topology.LiveProbe;

/// <summary>A command line the agent cannot work with: one paragraph, exit 2, nothing contacted.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>
/// The agent's command line. Paths and switches only: a credential is never a command-line value
/// (it would sit in the shell's history and in the process list), so there is no option for one and
/// the word after an unknown option is never echoed.
/// </summary>
internal sealed record LiveProbeOptions(
    string SitePath,
    string Zone,
    string? CredentialsPath,
    bool Prompt,
    string? CaBundlePath,
    bool InsecureTls,
    string OutPath,
    bool DryRun,
    int TimeoutMs)
{
    public const string Usage =
        "usage: ctt-live-probe --site FILE --zone ZONE [--credentials FILE | --prompt] [--ca-bundle FILE | --insecure-tls] [--out FILE] [--timeout-ms N] [--dry-run]\n" +
        "       ctt-live-probe --version";

    private static readonly string[] ValueOptions = ["--site", "--zone", "--credentials", "--ca-bundle", "--out", "--timeout-ms"];

    private static readonly string[] Switches = ["--prompt", "--insecure-tls", "--dry-run"];

    public static LiveProbeOptions Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>();
        var switches = new HashSet<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var word = args[i];
            if (Switches.Contains(word))
            {
                switches.Add(word);
            }
            else if (ValueOptions.Contains(word))
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new UsageException($"ctt-live-probe: {word} needs a value\n{Usage}");
                }

                if (!values.TryAdd(word, args[++i]))
                {
                    throw new UsageException($"ctt-live-probe: {word} is given twice\n{Usage}");
                }
            }
            else
            {
                throw new UsageException($"ctt-live-probe: {Unknown(word)}\n{Usage}");
            }
        }

        var site = values.GetValueOrDefault("--site") ?? throw new UsageException($"ctt-live-probe: --site FILE is required: the site file the support engineer sent\n{Usage}");
        var zone = values.GetValueOrDefault("--zone") ?? throw new UsageException($"ctt-live-probe: --zone ZONE is required: the zone of the site this machine is in (see the site file's zones)\n{Usage}");
        if (values.ContainsKey("--credentials") && switches.Contains("--prompt"))
        {
            throw new UsageException("ctt-live-probe: give either --credentials FILE or --prompt, not both");
        }

        if (values.ContainsKey("--ca-bundle") && switches.Contains("--insecure-tls"))
        {
            throw new UsageException("ctt-live-probe: --ca-bundle checks certificates against a CA, --insecure-tls checks none; give one of them");
        }

        var timeout = ProbeTimeout(values.GetValueOrDefault("--timeout-ms"));
        return new LiveProbeOptions(site, zone, values.GetValueOrDefault("--credentials"), switches.Contains("--prompt"), values.GetValueOrDefault("--ca-bundle"),
            switches.Contains("--insecure-tls"), values.GetValueOrDefault("--out") ?? Reports.LiveReport.FileName, switches.Contains("--dry-run"), timeout);
    }

    private static int ProbeTimeout(string? text)
    {
        if (text is null)
        {
            return Probing.ProbeRequest.DefaultTimeoutMs;
        }

        return int.TryParse(text, out var ms) && ms is >= 100 and <= 60_000
            ? ms
            : throw new UsageException($"ctt-live-probe: --timeout-ms: '{Printable.Visible(text)}' is not a number of milliseconds from 100 to 60000");
    }

    /// <summary>What was wrong with a word the agent does not know, never echoing what may be a secret.</summary>
    private static string Unknown(string word)
    {
        if (!word.StartsWith('-'))
        {
            return "an argument it does not take (not shown: it may be a secret)";
        }

        var option = word.Split('=', ':')[0];
        if (option.Contains("pass", StringComparison.OrdinalIgnoreCase) || option.Contains("user", StringComparison.OrdinalIgnoreCase) || option.Contains("key", StringComparison.OrdinalIgnoreCase))
        {
            return $"no option '{Printable.Visible(option)}': credentials never come from the command line; put them in a file (--credentials FILE) or type them (--prompt)";
        }

        var nearest = NearestWord.Find(option, [.. ValueOptions, .. Switches]);
        return $"unknown option '{Printable.Visible(option)}'{(option.Length < word.Length ? " (its value is not shown)" : string.Empty)}{(nearest is null ? string.Empty : $"; did you mean {nearest}?")}";
    }
}
