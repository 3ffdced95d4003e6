using System.Text.RegularExpressions;
using Cryptshare.Topology.Input;

namespace Cryptshare.Topology.Model;

/// <summary>
/// The names a zone gives the firewall's interfaces (the zone's name, or its <c>interface:</c>):
/// the kernel must accept each, and none may clash with an interface the firewall already has or
/// uses on the way (its loopback, the kernel's reserved names, the temporary names of the renaming).
/// </summary>
public static partial class InterfaceNames
{
    /// <summary>Linux keeps an interface name in 16 bytes with its terminating NUL (IFNAMSIZ).</summary>
    public const int MaxLength = 15;

    /// <summary>Why <paramref name="name"/> cannot name a firewall interface, or null when it can.</summary>
    public static string? Problem(string name)
    {
        if (name.Length == 0)
        {
            return "is empty";
        }

        if (name.Any(char.IsControl))
        {
            return $"contains a control character ('{Printable.Visible(name)}')";
        }

        if (name.Length > MaxLength)
        {
            return $"has {name.Length} characters; the kernel allows at most {MaxLength} in an interface name";
        }

        if (name.Contains('/'))
        {
            return "contains '/', which the kernel refuses in an interface name (it is a path under /sys/class/net)";
        }

        if (name.Any(char.IsWhiteSpace))
        {
            return "contains whitespace, which the kernel refuses in an interface name";
        }

        if (name.Contains(':'))
        {
            return "contains ':', which the kernel refuses in an interface name (the old alias syntax, eth0:1)";
        }

        if (name == "lo")
        {
            return "is the loopback interface, which every network namespace has already; a zone needs an interface of its own";
        }

        if (name is "all" or "default" or "." or "..")
        {
            return $"is a name the kernel reserves (/proc/sys/net/ipv4/conf/{name} is not an interface)";
        }

        if (TemporaryName().IsMatch(name))
        {
            return "is the name the firewall gives an interface for a moment while it renames them all (ctt-tmpN)";
        }

        return Allowed().IsMatch(name)
            ? null
            : "is not 1–15 of a–z, 0–9, '-' and '_', starting with a letter";
    }

    [GeneratedRegex(@"\A[a-z][a-z0-9_-]*\z")]
    private static partial Regex Allowed();

    [GeneratedRegex(@"\Actt-tmp[0-9]+\z")]
    private static partial Regex TemporaryName();
}
