using System.Net;
using Cryptshare.Topology.Oracle;

namespace Cryptshare.Topology.Bench;

/// <summary>Random flows over the benchmark address plan: from a zone to another, mostly TCP to common ports, some new to the firewall's DNAT ports.</summary>
public static class FlowGenerator
{
    public static Packet[] Generate(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => One(random)).ToArray();
    }

    public static StaticRouting Routing()
    {
        var routing = new StaticRouting();
        for (var zone = 0; zone < RuleSetGenerator.Zones; zone++)
        {
            routing.WithInterface($"zone{zone}", IPAddress.Parse($"10.{zone * 16}.0.254"), 12);
        }

        return routing;
    }

    private static Packet One(Random random)
    {
        var from = random.Next(RuleSetGenerator.Zones);
        var to = (from + 1 + random.Next(RuleSetGenerator.Zones - 1)) % RuleSetGenerator.Zones;
        var roll = random.Next(100);
        var protocol = roll < 70 ? IpProtocol.Tcp : roll < 95 ? IpProtocol.Udp : IpProtocol.Icmp;
        var toFirewall = protocol == IpProtocol.Tcp && random.Next(20) == 0;
        var port = random.Next(3) == 0 ? 1 + random.Next(65535) : RuleSetGenerator.CommonPorts[random.Next(RuleSetGenerator.CommonPorts.Length)];
        var state = random.Next(10) switch
        {
            0 => ConntrackState.Established,
            1 => ConntrackState.Invalid,
            _ => ConntrackState.New,
        };
        return new Packet
        {
            Source = IPAddress.Parse(RuleSetGenerator.Host(random, from)),
            Destination = IPAddress.Parse(toFirewall ? $"10.{from * 16}.0.254" : RuleSetGenerator.Host(random, to)),
            Protocol = protocol,
            SourcePort = protocol == IpProtocol.Icmp ? null : 1024 + random.Next(60000),
            DestinationPort = protocol == IpProtocol.Icmp ? null : toFirewall ? 10000 + random.Next(40) : port,
            InputInterface = $"zone{from}",
            OutputInterface = toFirewall ? "" : $"zone{to}",
            Path = toFirewall ? HookPath.Input : HookPath.Forward,
            State = state,
        };
    }
}
