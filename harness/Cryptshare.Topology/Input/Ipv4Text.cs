using System.Buffers.Binary;
using System.Net;

namespace Cryptshare.Topology.Input;

/// <summary>
/// IPv4 addresses and networks in strict dotted decimal: four decimal parts 0–255 without leading
/// zeros, and for a network a prefix length 0–32 and no host bits. (<see cref="IPAddress.TryParse(string, out IPAddress)"/>
/// follows inet_aton: <c>10.77.2.010</c> is octal 10.77.2.8 there, and <c>10.77.520</c> is an address too.)
/// Each method gives the address or network, or says what is wrong in words a user can act on.
/// </summary>
public static class Ipv4Text
{
    public static bool TryParseAddress(string text, out IPAddress address, out string problem)
    {
        address = IPAddress.None;
        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            problem = $"'{Printable.Visible(text)}' is not an IPv4 address: write four decimal numbers 0–255 separated by dots, e.g. 10.77.1.10";
            return false;
        }

        var bytes = new byte[4];
        for (var i = 0; i < 4; i++)
        {
            var part = parts[i];
            var digits = part.Length is > 0 and <= 9 && part.All(char.IsAsciiDigit);
            if (digits && part.Length > 1 && part[0] == '0' && int.Parse(part) <= 255)
            {
                var octal = part.All(c => c < '8') ? $"as octal ({Convert.ToInt32(part, 8)})" : "as a bad octal number";
                problem = $"'{text}' has a leading zero in '{part}', which some tools read {octal} and others as decimal: write {int.Parse(part)}";
                return false;
            }

            if (!digits || int.Parse(part) > 255)
            {
                problem = $"'{Printable.Visible(text)}' is not an IPv4 address: '{Printable.Visible(part)}' is not a decimal number 0–255";
                return false;
            }

            bytes[i] = byte.Parse(part);
        }

        address = new IPAddress(bytes);
        problem = string.Empty;
        return true;
    }

    public static bool TryParseNetwork(string text, out IPNetwork network, out string problem)
    {
        network = default;
        var slash = text.IndexOf('/');
        if (slash < 0)
        {
            problem = $"'{Printable.Visible(text)}' is not an IPv4 network: write its network address and prefix length, e.g. 10.77.1.0/24";
            return false;
        }

        var (addressText, lengthText) = (text[..slash], text[(slash + 1)..]);
        if (!TryParseAddress(addressText, out var address, out problem))
        {
            return false;
        }

        if (lengthText.Length is 0 or > 2 || !lengthText.All(char.IsAsciiDigit) || int.Parse(lengthText) > 32 || (lengthText.Length > 1 && lengthText[0] == '0'))
        {
            problem = $"'{Printable.Visible(text)}': the prefix length '{Printable.Visible(lengthText)}' is not a decimal number 0–32";
            return false;
        }

        var length = int.Parse(lengthText);
        var mask = length == 0 ? 0u : uint.MaxValue << (32 - length);
        var value = BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes());
        if ((value & ~mask) != 0)
        {
            var networkBytes = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(networkBytes, value & mask);
            var networkAddress = new IPAddress(networkBytes);
            problem = $"'{text}' has host bits set: the network is {networkAddress}/{length} ({address} is an address in it)";
            return false;
        }

        network = new IPNetwork(address, length);
        return true;
    }
}
