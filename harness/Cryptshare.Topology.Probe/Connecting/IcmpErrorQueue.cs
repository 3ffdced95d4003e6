using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Cryptshare.Topology.Probe.Connecting;

/// <summary>An ICMP destination-unreachable that aborted a connect: who sent it and what it said.</summary>
internal sealed record IcmpReport(IPAddress Sender, byte Type, byte Code)
{
    private const byte DestinationUnreachable = 3;

    /// <summary>
    /// True when this host generated the ICMP itself: the kernel does that when the next hop on the
    /// segment does not answer ARP. Nothing on the path rejected anything then.
    /// </summary>
    public bool FromThisHost { get; init; }

    /// <summary>Net- or host-unreachable: what a router sends when it cannot deliver, and what a reject rule can imitate.</summary>
    public bool IsUnreachable => Type == DestinationUnreachable && Code is 0 or 1;

    /// <summary>The ICMP in nft's words (<c>reject with icmp type …</c>), so a reader can find the rule.</summary>
    public string Describe()
    {
        var name = Type == DestinationUnreachable
            ? Code switch
            {
                0 => "net-unreachable",
                1 => "host-unreachable",
                2 => "prot-unreachable",
                3 => "port-unreachable",
                9 => "net-prohibited",
                10 => "host-prohibited",
                13 => "admin-prohibited",
                _ => $"destination-unreachable code {Code}",
            }
            : $"type {Type} code {Code}";
        return $"ICMP {name} from {Sender}";
    }
}

/// <summary>
/// Reads the ICMP error that aborted a connect (Linux, IPv4). A connect that fails with
/// ECONNREFUSED may have met a TCP RST or an ICMP port-unreachable; EHOSTUNREACH may be an
/// admin-prohibited from the firewall or this host's own failed ARP. The errno cannot tell them
/// apart; the socket's error queue can: with IP_RECVERR set before the connect, the kernel queues
/// the ICMP's type, code and sender beside the errno.
/// </summary>
internal static unsafe partial class IcmpErrorQueue
{
    private const int SolIp = 0;
    private const int IpRecvErr = 11;
    private const int MsgDontWait = 0x40;
    private const int MsgErrQueue = 0x2000;
    private const byte OriginIcmp = 2;

    /// <summary>Asks the kernel to queue ICMP errors on this socket. Must precede the connect.</summary>
    public static void Enable(Socket socket)
    {
        if (OperatingSystem.IsLinux() && socket.AddressFamily == AddressFamily.InterNetwork)
        {
            socket.SetRawSocketOption(SolIp, IpRecvErr, BitConverter.GetBytes(1));
        }
    }

    /// <summary>The queued ICMP error, or null when none is queued (a TCP RST queues nothing).</summary>
    public static IcmpReport? Read(Socket socket)
    {
        if (!OperatingSystem.IsLinux() || socket.AddressFamily != AddressFamily.InterNetwork)
        {
            return null;
        }

        var added = false;
        try
        {
            socket.SafeHandle.DangerousAddRef(ref added);
            var fd = (int)socket.SafeHandle.DangerousGetHandle();
            const int ControlSize = 512;
            var payload = stackalloc byte[64];
            var control = stackalloc byte[ControlSize];
            var iov = new IoVec { Base = payload, Length = 64 };
            var message = new MessageHeader { Iov = &iov, IovLength = 1, Control = control, ControlLength = ControlSize };
            if (RecvMsg(fd, &message, MsgErrQueue | MsgDontWait) < 0)
            {
                return null;
            }

            var offset = 0;
            while (offset + sizeof(ControlHeader) <= (int)message.ControlLength)
            {
                var header = (ControlHeader*)(control + offset);
                if ((int)header->Length < sizeof(ControlHeader))
                {
                    break;
                }

                if (header->Level == SolIp && header->Type == IpRecvErr)
                {
                    var error = (ExtendedError*)(control + offset + Align(sizeof(ControlHeader)));
                    if (error->Origin != OriginIcmp)
                    {
                        return null;
                    }

                    // The offender (struct sockaddr_in) follows the extended error: family, port, address.
                    var sender = new IPAddress(new ReadOnlySpan<byte>((byte*)(error + 1) + 4, 4));
                    return new IcmpReport(sender, error->Type, error->Code) { FromThisHost = IsOwnAddress(sender) };
                }

                offset += Align((int)header->Length);
            }

            return null;
        }
        finally
        {
            if (added)
            {
                socket.SafeHandle.DangerousRelease();
            }
        }
    }

    private static bool IsOwnAddress(IPAddress address) =>
        IPAddress.IsLoopback(address) ||
        NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Any(u => u.Address.Equals(address));

    private static int Align(int length) => (length + sizeof(nuint) - 1) & ~(sizeof(nuint) - 1);

    [LibraryImport("libc.so.6", EntryPoint = "recvmsg", SetLastError = true)]
    private static partial nint RecvMsg(int socket, MessageHeader* message, int flags);

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    /// <summary>struct msghdr.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct MessageHeader
    {
        public byte* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public byte* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary>struct cmsghdr.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct ControlHeader
    {
        public nuint Length;
        public int Level;
        public int Type;
    }

    /// <summary>struct sock_extended_err.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct ExtendedError
    {
        public uint Errno;
        public byte Origin;
        public byte Type;
        public byte Code;
        public byte Pad;
        public uint Info;
        public uint Data;
    }
}
