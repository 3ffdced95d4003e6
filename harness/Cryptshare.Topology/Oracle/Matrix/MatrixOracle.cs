using System.Net;
using Cryptshare.Topology.Flows;
using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Oracle.Matrix;

/// <summary>How the matrix oracle builds its packets.</summary>
public sealed record MatrixOracleOptions
{
    /// <summary>The source's ephemeral port range (Linux default 32768–60999): a prediction must hold for every port in it.</summary>
    public int EphemeralLow { get; init; } = 32768;

    public int EphemeralHigh { get; init; } = 60999;

    /// <summary>The server's own interface, as its host firewall sees it (one network per container: eth0).</summary>
    public string HostInterface { get; init; } = "eth0";
}

/// <summary>The server's own firewall: its address and nft's JSON of it (the harness's table <c>inet ctt_host</c> around a fragment, or the server's whole ruleset).</summary>
public sealed record HostFirewallInput(IPAddress Address, string Json);

/// <summary>
/// Predicts each probe of the matrix from the rule sets alone: the perimeter firewall's (nft's JSON,
/// the harness's trace table left out) and, when there is one, the server's own firewall as a
/// second hop. A probe is a TCP connection, so the oracle follows its handshake: the SYN (new), the
/// SYN-ACK back (established, reversed addresses, ports and interfaces) and, for a protocol
/// exchange, the established packets that follow from the source. The first packet a firewall does
/// not accept decides; when all pass, the rule that accepted the SYN at the perimeter decides.
/// </summary>
public sealed class MatrixOracle
{
    private readonly MatrixOracleOptions _options;
    private readonly HostFirewallInput? _host;

    public MatrixOracle(StaticRouting routing, string firewallJson, HostFirewallInput? hostFirewall = null, MatrixOracleOptions? options = null)
    {
        Routing = routing;
        _options = options ?? new MatrixOracleOptions();
        Firewall = NftOracle.FromJson(HarnessTables.Without(firewallJson), new OracleOptions { Routing = routing });
        _host = hostFirewall;
        // The server's whole ruleset is walked as the perimeter's is: every table hooked at input
        // (prerouting first) or output (then postrouting), in priority order, the harness's trace
        // table left out.
        HostFirewall = hostFirewall is null ? null : NftOracle.FromJson(HarnessTables.Without(hostFirewall.Json));
    }

    public StaticRouting Routing { get; }

    public NftOracle Firewall { get; }

    public NftOracle? HostFirewall { get; }

    /// <summary>The oracle for a topology: the firewall routes between its zones (through each zone's interface name).</summary>
    public static MatrixOracle For(TopologyDefinition topology, string firewallJson, string? hostFirewallJson = null, MatrixOracleOptions? options = null)
    {
        var server = topology.Hosts.FirstOrDefault(h => h.Kind == HostKinds.CryptshareServer);
        var host = hostFirewallJson is not null && server is not null ? new HostFirewallInput(server.Address, hostFirewallJson) : null;
        return new MatrixOracle(RoutingOf(topology), firewallJson, host, options);
    }

    /// <summary>The firewall's routing table in a topology: each zone's subnet through the interface named after it.</summary>
    public static StaticRouting RoutingOf(TopologyDefinition topology)
    {
        var routing = new StaticRouting();
        foreach (var zone in topology.Zones)
        {
            routing.WithInterface(zone.Interface, zone.FirewallAddress, zone.Subnet.PrefixLength);
        }

        return routing;
    }

    /// <summary>The connection a probe case opens: from its source host's zone to its address (the published one for a DNAT case).</summary>
    public static ProbedConnection ConnectionOf(ProbeCase probeCase) =>
        new(probeCase.Source.Address, probeCase.SourceInterface, probeCase.Address, probeCase.Port, Exchange: probeCase.Flow.Protocol != FlowProtocol.Tcp);

    public MatrixPrediction Predict(ProbeCase probeCase) => Predict(ConnectionOf(probeCase));

    /// <summary>
    /// The prediction for one connection. It must not depend on the source's ephemeral port: the
    /// handshake is followed from both ends of the range, and a difference gives no prediction.
    /// </summary>
    public MatrixPrediction Predict(ProbedConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var low = new Handshake(this, connection, _options.EphemeralLow).Follow();
        var high = new Handshake(this, connection, _options.EphemeralHigh).Follow();
        if (low.Verdict != high.Verdict || !RuleReference.Same(low.Rule, high.Rule))
        {
            return new MatrixPrediction(null, null, low.Step, low.Hop,
                $"depends on the source's ephemeral port: from port {_options.EphemeralLow} {Describe(low)}, from port {_options.EphemeralHigh} {Describe(high)}");
        }

        return low;
    }

    private static string Describe(MatrixPrediction p) => $"{p.Verdict?.ToWord() ?? "unknown"} ({p.Detail})";

    /// <summary>One handshake from one source port, packet by packet, hop by hop.</summary>
    private sealed class Handshake(MatrixOracle oracle, ProbedConnection connection, int sourcePort)
    {
        private readonly List<string> _trail = [];

        public MatrixPrediction Follow()
        {
            var (source, destination, port) = (connection.Source, connection.Destination, connection.Port);
            var route = oracle.Routing.Route(destination);
            if (route is null)
            {
                return Unknown(HandshakeStep.Syn, Hops.Firewall, null, $"the firewall has no route to {destination}");
            }

            var syn = new Packet
            {
                Source = source,
                Destination = destination,
                Protocol = IpProtocol.Tcp,
                SourcePort = sourcePort,
                DestinationPort = port,
                InputInterface = connection.SourceZone,
                OutputInterface = route.IsLocal ? "" : route.OutputInterface,
                Path = route.IsLocal ? HookPath.Input : HookPath.Forward,
            };

            // The server's own firewall sees the SYN leave when the server is the source.
            if (LeavesHost(source, HandshakeStep.Syn, syn.Destination, port, syn.Source, sourcePort, ConntrackState.New, TcpFlags.Syn) is { } hostSyn)
            {
                return hostSyn;
            }

            var accepted = oracle.Firewall.Evaluate(syn);
            if (Stop(HandshakeStep.Syn, Hops.Firewall, accepted) is { } stopped)
            {
                return stopped;
            }

            if (accepted.Path == HookPath.Input)
            {
                // Delivered to the firewall itself, where nothing listens: its TCP stack answers RST.
                return new MatrixPrediction(Verdict.Rejected, accepted.DecidingRule, HandshakeStep.Syn, Hops.Firewall,
                    Trail($"SYN accepted to the firewall itself by {Name(accepted.DecidingRule)}; nothing listens there, its TCP stack answers RST"))
                {
                    RuleAction = PacketVerdict.Accept,
                };
            }

            var translated = accepted.DestinationTranslation;
            if (translated is not null && translated.Address is null)
            {
                return Unknown(HandshakeStep.Syn, Hops.Firewall, translated.Rule, "the SYN's destination was translated to an address the rule set alone does not fix");
            }

            // What conntrack holds for the connection from here on (ct status snat/dnat of its later packets).
            var nat = (translated is null ? ConntrackNat.None : ConntrackNat.Dnat) | (accepted.SourceTranslation is null ? ConntrackNat.None : ConntrackNat.Snat);
            var realDestination = translated?.Address ?? destination;
            var realPort = translated?.Port ?? port;
            _trail.Add($"SYN accepted by {Name(accepted.DecidingRule)}" + (translated is null ? "" : $" (to {realDestination}:{realPort})"));
            if (EntersHost(realDestination, HandshakeStep.Syn, source, sourcePort, realPort, ConntrackState.New, TcpFlags.Syn) is { } hostIn)
            {
                return hostIn;
            }

            // The SYN-ACK: reply direction, established. In the forward hook it carries the real
            // (un-DNATed) server address and the original source (conntrack undoes SNAT before forward).
            if (LeavesHost(realDestination, HandshakeStep.SynAck, source, sourcePort, realDestination, realPort, ConntrackState.Established, TcpFlags.Syn | TcpFlags.Ack) is { } hostReply)
            {
                return hostReply;
            }

            var replyIn = oracle.Routing.Route(realDestination);
            var replyOut = oracle.Routing.Route(source);
            if (replyIn is null || replyIn.IsLocal || replyOut is null || replyOut.IsLocal)
            {
                return Unknown(HandshakeStep.SynAck, Hops.Firewall, null, $"no route on the firewall between {realDestination} and {source} for the reply");
            }

            var reply = oracle.Firewall.Evaluate(new Packet
            {
                Source = realDestination,
                Destination = source,
                Protocol = IpProtocol.Tcp,
                SourcePort = realPort,
                DestinationPort = sourcePort,
                InputInterface = replyIn.OutputInterface,
                OutputInterface = replyOut.OutputInterface,
                State = ConntrackState.Established,
                Nat = nat,
                TcpFlags = TcpFlags.Syn | TcpFlags.Ack,

                // After a masquerade or snat the reply comes addressed to the translated source until prerouting's NAT slot.
                DestinationBeforeNat = accepted.SourceTranslation?.Address,
            });
            if (Stop(HandshakeStep.SynAck, Hops.Firewall, reply) is { } replyStopped)
            {
                return replyStopped;
            }

            _trail.Add($"SYN-ACK accepted by {Name(reply.DecidingRule)}");
            if (EntersHost(source, HandshakeStep.SynAck, realDestination, realPort, sourcePort, ConntrackState.Established, TcpFlags.Syn | TcpFlags.Ack) is { } hostReplyIn)
            {
                return hostReplyIn;
            }

            // The source's ACK (and, for a protocol exchange, the established packets after it), as
            // the forward hook sees them (conntrack has applied the connection's DNAT in prerouting
            // without running the NAT chains again). A connect-only probe notices only a reject: the
            // RST or ICMP error reaches the socket before its owner has seen the connect complete.
            if (LeavesHost(source, HandshakeStep.Ack, realDestination, realPort, source, sourcePort, ConntrackState.Established, TcpFlags.Ack) is { } hostAck)
            {
                return hostAck;
            }

            var ack = oracle.Firewall.Evaluate(syn with
            {
                Destination = realDestination,
                DestinationPort = realPort,
                OutputInterface = replyIn.OutputInterface,
                Path = HookPath.Forward,
                State = ConntrackState.Established,
                Nat = nat,
                TcpFlags = TcpFlags.Ack,
            });
            if (Stop(HandshakeStep.Ack, Hops.Firewall, ack) is { } ackStopped)
            {
                return ackStopped;
            }

            if (EntersHost(realDestination, HandshakeStep.Ack, source, sourcePort, realPort, ConntrackState.Established, TcpFlags.Ack) is { } hostAckIn)
            {
                return hostAckIn;
            }

            return new MatrixPrediction(Verdict.Allowed, accepted.DecidingRule, HandshakeStep.Syn, Hops.Firewall, Trail("every packet of the handshake passes"))
            {
                RuleAction = PacketVerdict.Accept,
            };
        }

        /// <summary>The host firewall's output chain for a packet the server sends (only when the server sends it).</summary>
        private MatrixPrediction? LeavesHost(IPAddress sender, HandshakeStep step, IPAddress to, int toPort, IPAddress from, int fromPort, ConntrackState state, TcpFlags flags)
        {
            if (oracle._host is not { } host || oracle.HostFirewall is null || !host.Address.Equals(sender))
            {
                return null;
            }

            var result = oracle.HostFirewall.Evaluate(new Packet
            {
                Source = from,
                Destination = to,
                Protocol = IpProtocol.Tcp,
                SourcePort = fromPort,
                DestinationPort = toPort,
                OutputInterface = oracle._options.HostInterface,
                Path = HookPath.Output,
                State = state,
                Nat = ConntrackNat.None,
                TcpFlags = flags,
            });
            return Stop(step, Hops.Host, result);
        }

        /// <summary>The host firewall's input chain for a packet the server receives (only when the server is the receiver).</summary>
        private MatrixPrediction? EntersHost(IPAddress receiver, HandshakeStep step, IPAddress from, int fromPort, int toPort, ConntrackState state, TcpFlags flags)
        {
            if (oracle._host is not { } host || oracle.HostFirewall is null || !host.Address.Equals(receiver))
            {
                return null;
            }

            var result = oracle.HostFirewall.Evaluate(new Packet
            {
                Source = from,
                Destination = receiver,
                Protocol = IpProtocol.Tcp,
                SourcePort = fromPort,
                DestinationPort = toPort,
                InputInterface = oracle._options.HostInterface,
                Path = HookPath.Input,
                State = state,
                Nat = ConntrackNat.None,
                TcpFlags = flags,
            });
            if (Stop(step, Hops.Host, result) is { } stopped)
            {
                return stopped;
            }

            if (step != HandshakeStep.Ack || connection.Exchange)
            {
                _trail.Add($"{StepName(step)} accepted by the host firewall ({Name(result.DecidingRule)})");
            }

            return null;
        }

        /// <summary>The prediction when a packet is not accepted; null when it passes.</summary>
        private MatrixPrediction? Stop(HandshakeStep step, string hop, OracleResult result)
        {
            if (step == HandshakeStep.Ack && !connection.Exchange && result.Verdict != PacketVerdict.Reject)
            {
                // A connect-only probe has what it needs once the SYN-ACK is in.
                return null;
            }

            switch (result.Verdict)
            {
                case PacketVerdict.Accept:
                    return null;
                case PacketVerdict.Unknown:
                    return Unknown(step, hop, result.DecidingRule, result.Reason ?? "not modelled");
            }

            var where = hop == Hops.Host ? "the host firewall" : "the firewall";
            var action = result.Verdict == PacketVerdict.Reject ? $"rejected ({result.RejectWith ?? "reject"})" : "dropped";
            var observed = step switch
            {
                // Only a refused SYN tells the source anything: a reset or an ICMP error comes back.
                HandshakeStep.Syn => result.Verdict == PacketVerdict.Reject ? Verdict.Rejected : Verdict.Dropped,

                // A lost SYN-ACK leaves the source waiting: no answer (a reject goes to the server).
                HandshakeStep.SynAck => Verdict.Dropped,

                // A refused ACK: the RST resets the connection, an ICMP error fails the connect (the
                // socket reports errors, IP_RECVERR); a dropped one leaves the exchange after it waiting.
                _ => result.Verdict == PacketVerdict.Reject ? (result.RejectsWithTcpReset ? Verdict.Broken : Verdict.Rejected) : Verdict.Broken,
            };
            return new MatrixPrediction(observed, result.DecidingRule, step, hop, Trail($"{StepName(step)} {action} by {where}: {Name(result.DecidingRule)}"))
            {
                RuleAction = result.Verdict,
            };
        }

        private MatrixPrediction Unknown(HandshakeStep step, string hop, RuleReference? rule, string reason) =>
            new(null, rule, step, hop, Trail($"{StepName(step)} at the {hop}: unknown: {reason}"))
            {
                RuleAction = rule is null ? null : PacketVerdict.Unknown,
            };

        private string Trail(string last)
        {
            _trail.Add(last);
            return string.Join("; ", _trail);
        }

        private static string StepName(HandshakeStep step) => step switch
        {
            HandshakeStep.Syn => "SYN",
            HandshakeStep.SynAck => "SYN-ACK",
            _ => "ACK",
        };

        private static string Name(RuleReference? rule) => rule?.ToString() ?? "no base chain";
    }
}
