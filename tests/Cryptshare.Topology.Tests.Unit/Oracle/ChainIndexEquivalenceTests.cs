using System.Globalization;
using System.Net;
using System.Text.Json;
using Cryptshare.Topology.Fixtures.Engine;
using Cryptshare.Topology.Oracle;

namespace Cryptshare.Topology.Tests.Unit.Oracle;

/// <summary>
/// The chain index is an optimisation only: for random flows built from each rule set's own
/// addresses, ports and interface names (and their neighbours, to hit every boundary), the indexed
/// oracle and a plain scan must give the same verdict, rule, reason and translations. The seed is
/// printed; CTT_ORACLE_SEED replays it.
/// </summary>
[TestFixture]
[Category("Oracle")]
public sealed class ChainIndexEquivalenceTests
{
    private const int FlowsPerRuleSet = 3000;

    public static IEnumerable<TestCaseData> RuleSets() =>
        OracleSamples.Names.Select(n => new TestCaseData(Path.Combine(OracleSamples.Folder, n + ".json"), OracleSamples.Routing(n)).SetName($"{n}: index equals scan"))
            .Concat(new[] { "flat-500", "zoned-500" }.Select(n => new TestCaseData(
                Path.Combine(RepositoryLayout.Root, "bench", "Cryptshare.Topology.Bench", "data", n + ".json"), BenchRouting()).SetName($"bench {n}: index equals scan")));

    [TestCaseSource(nameof(RuleSets))]
    public void IndexedAndScannedAgree(string jsonPath, StaticRouting? routing)
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("CTT_ORACLE_SEED"), CultureInfo.InvariantCulture, out var s) ? s : 20_250_501;
        var json = File.ReadAllText(jsonPath);
        var indexed = NftOracle.FromJson(json, new OracleOptions { Routing = routing });
        var scanned = NftOracle.FromJson(json, new OracleOptions { Routing = routing, UseChainIndex = false });
        var flows = new LiteralFlows(json, seed);
        var disagreements = new List<string>();
        var verdicts = new Dictionary<PacketVerdict, int>();
        for (var i = 0; i < FlowsPerRuleSet && disagreements.Count < 5; i++)
        {
            var flow = flows.Next();
            var a = indexed.Evaluate(flow);
            var b = scanned.Evaluate(flow);
            verdicts[a.Verdict] = verdicts.GetValueOrDefault(a.Verdict) + 1;
            if (Describe(a) != Describe(b))
            {
                disagreements.Add($"{flow}\n    index: {Describe(a)}\n    scan:  {Describe(b)}");
            }
        }

        Assert.That(disagreements, Is.Empty, $"seed {seed} (CTT_ORACLE_SEED={seed} replays it):\n  {string.Join("\n  ", disagreements)}");
        TestContext.Out.WriteLine($"seed {seed}: {string.Join(", ", verdicts.Select(v => $"{v.Key} {v.Value}"))}");
    }

    private static string Describe(OracleResult result) =>
        $"{result} {result.RejectWith} [{string.Join("; ", result.Translations.Select(t => $"{t.Kind} {t.Address}:{t.Port}"))}] {result.Path}";

    private static StaticRouting BenchRouting()
    {
        var routing = new StaticRouting();
        for (var zone = 0; zone < 4; zone++)
        {
            routing.WithInterface($"zone{zone}", IPAddress.Parse($"10.{zone * 16}.0.254"), 12);
        }

        return routing;
    }

    /// <summary>Random flows over the literals of a rule set's JSON.</summary>
    private sealed class LiteralFlows
    {
        private readonly Random _random;
        private readonly List<IPAddress> _v4 = [];
        private readonly List<IPAddress> _v6 = [];
        private readonly List<int> _ports = [1, 80, 443, 40000, 65535];
        private readonly List<string> _names = ["internet", "dmz", "intranet", "admin", "lo"];

        public LiteralFlows(string json, int seed)
        {
            _random = new Random(seed);
            using var document = JsonDocument.Parse(json);
            Collect(document.RootElement, null);
            _v4.Add(IPAddress.Parse("198.51.100.7"));
            _v6.Add(IPAddress.Parse("2001:db8::7"));
        }

        public Packet Next()
        {
            var v6 = _random.Next(5) == 0;
            var roll = _random.Next(10);
            var protocol = roll switch
            {
                < 6 => IpProtocol.Tcp,
                < 9 => IpProtocol.Udp,
                _ => v6 ? IpProtocol.IcmpV6 : IpProtocol.Icmp,
            };
            var hasPorts = protocol is IpProtocol.Tcp or IpProtocol.Udp;
            var path = _random.Next(6) switch
            {
                0 => HookPath.Input,
                1 => HookPath.Output,
                _ => HookPath.Forward,
            };
            return new Packet
            {
                Source = Pick(v6 ? _v6 : _v4),
                Destination = Pick(v6 ? _v6 : _v4),
                Protocol = protocol,
                SourcePort = hasPorts ? Pick(_ports) : null,
                DestinationPort = hasPorts ? Pick(_ports) : null,
                InputInterface = path == HookPath.Output ? "" : Pick(_names),
                OutputInterface = path == HookPath.Input ? "" : Pick(_names),
                Path = path,
                State = _random.Next(8) switch
                {
                    0 => ConntrackState.Established,
                    1 => ConntrackState.Related,
                    2 => ConntrackState.Invalid,
                    _ => ConntrackState.New,
                },
                TcpFlags = protocol == IpProtocol.Tcp && _random.Next(4) == 0 ? (TcpFlags)_random.Next(256) : null,
            };
        }

        private T Pick<T>(List<T> items) => items[_random.Next(items.Count)];

        private void Collect(JsonElement element, string? key)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        Collect(property.Value, property.Name);
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        Collect(item, key);
                    }

                    break;
                case JsonValueKind.Number when element.TryGetInt32(out var number) && number is > 0 and < 65536 && key is not ("handle" or "len" or "prio"):
                    _ports.AddRange([number, number - 1, Math.Min(65535, number + 1)]);
                    break;
                case JsonValueKind.String:
                    var text = element.GetString()!;
                    if (IPAddress.TryParse(text, out var address) && text.Contains(address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? '.' : ':'))
                    {
                        var list = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? _v4 : _v6;
                        list.AddRange([address, Neighbour(address, -1), Neighbour(address, +1)]);
                    }
                    else if (key == "right" && text.Length is > 0 and < 16 && !text.StartsWith('@') && char.IsLetter(text[0]))
                    {
                        _names.AddRange([text.TrimEnd('*'), text.TrimEnd('*') + "9"]);
                    }

                    break;
            }
        }

        private static IPAddress Neighbour(IPAddress address, int step)
        {
            var bytes = address.GetAddressBytes();
            for (var i = bytes.Length - 1; i >= 0; i--)
            {
                var value = bytes[i] + step;
                bytes[i] = (byte)value;
                if (value is >= 0 and <= 255)
                {
                    break;
                }
            }

            return new IPAddress(bytes);
        }
    }
}
