using System.Buffers;
using System.Collections.Concurrent;
using System.Numerics;

namespace Cryptshare.Topology.Oracle.Runtime;

/// <summary>The packet fields the chain index cuts on.</summary>
internal enum IndexDimension
{
    /// <summary>IP version and transport protocol together: (v6 ? 256 : 0) + protocol.</summary>
    FamilyProtocol,
    CtState,
    SourcePort,
    DestinationPort,
    Source4,
    Destination4,
}

/// <summary>
/// What a packet must satisfy for one rule to have any effect, as far as it is easy to say: per
/// dimension the values allowed (null: any), and the interface-name conditions. Only ever a
/// necessary condition — the rule is still evaluated in full — so leaving something out is safe.
/// </summary>
internal sealed class RuleConstraints
{
    public const int DimensionCount = 6;

    public IntervalList?[] Values { get; } = new IntervalList?[DimensionCount];

    public List<Step> InputNames { get; } = [];

    public List<Step> OutputNames { get; } = [];

    /// <summary>The IP version and protocol a key implies (<c>tcp dport</c>: TCP; <c>ip saddr</c>: IPv4).</summary>
    public void RequireDependency(Key key)
    {
        if (key.Family == 0 && key.Protocol < 0)
        {
            return;
        }

        Require(IndexDimension.FamilyProtocol, Dependency(key.Family, key.Protocol));
    }

    /// <summary>The values of a key's dependency, made once per (IP version, protocol): nearly every condition of every rule asks for one.</summary>
    private static readonly ConcurrentDictionary<(int Family, int Protocol), IntervalList> Dependencies = new();

    private static IntervalList Dependency(int family, int protocol) =>
        Dependencies.GetOrAdd((family, protocol), k => FamilyProtocols(k.Family, k.Protocol >= 0 ? [(ulong)k.Protocol] : null));

    public void RequireValues(Key key, IntervalList allowed)
    {
        switch (key.Field)
        {
            case KeyField.Source when key.Family == 4:
                Require(IndexDimension.Source4, allowed);
                break;
            case KeyField.Destination when key.Family == 4:
                Require(IndexDimension.Destination4, allowed);
                break;
            case KeyField.SourcePort:
                Require(IndexDimension.SourcePort, allowed);
                break;
            case KeyField.DestinationPort:
                Require(IndexDimension.DestinationPort, allowed);
                break;
            case KeyField.CtState:
                Require(IndexDimension.CtState, allowed);
                break;
            case KeyField.Protocol:
                Require(IndexDimension.FamilyProtocol,
                    FamilyProtocols(key.Family, allowed.Items.Where(i => i.Low <= 255).SelectMany(i => Range(i.Low, Math.Min(i.High, 255))).ToList()));
                break;
            case KeyField.NfProto:
                var families = new List<(ulong, ulong)>();
                if (allowed.Contains(2))
                {
                    families.Add((0, 255));
                }

                if (allowed.Contains(10))
                {
                    families.Add((256, 511));
                }

                Require(IndexDimension.FamilyProtocol, IntervalList.Normalize(families));
                break;
        }
    }

    public void RequireName(KeyField field, Step condition) =>
        (field == KeyField.InputInterface ? InputNames : OutputNames).Add(condition);

    private void Require(IndexDimension dimension, IntervalList allowed)
    {
        var current = Values[(int)dimension];
        Values[(int)dimension] = current is null ? allowed : current.Intersect(allowed);
    }

    private static IntervalList FamilyProtocols(int family, IReadOnlyList<ulong>? protocols)
    {
        var bases = family switch
        {
            4 => new ulong[] { 0 },
            6 => [256],
            _ => [0, 256],
        };
        return IntervalList.Normalize(protocols is null
            ? bases.Select(b => (b, b + 255))
            : bases.SelectMany(b => protocols.Select(p => (b + p, b + p))));
    }

    private static IEnumerable<ulong> Range(ulong low, ulong high)
    {
        for (var v = low; v <= high; v++)
        {
            yield return v;
        }
    }
}

/// <summary>
/// Bit-vector classification over a chain's rules: per dimension, the elementary intervals its rules'
/// constraints cut the value space into, each with the bit set of rules it admits. A packet's
/// candidate rules are the AND of one row per dimension; they are then evaluated in rule order.
/// </summary>
internal sealed class ChainIndex
{
    private readonly int _ruleCount;
    private readonly int _words;
    private readonly Dimension[] _dimensions;
    private readonly Step[]?[] _inputNames;
    private readonly Step[]?[] _outputNames;
    private readonly bool _anyTree;
    private readonly bool _anyInputNames;
    private readonly bool _anyOutputNames;
    private readonly ConcurrentDictionary<string, ulong[]> _inputRows = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ulong[]> _outputRows = new(StringComparer.Ordinal);
    private CachedRow? _lastInput;
    private CachedRow? _lastOutput;

    public ChainIndex(IReadOnlyList<RuleConstraints> rules)
    {
        _ruleCount = rules.Count;
        _words = (rules.Count + 63) / 64;
        _dimensions = Enumerable.Range(0, RuleConstraints.DimensionCount)
            .Where(d => rules.Any(r => r.Values[d] is not null))
            .Select(d => Dimension.Build((IndexDimension)d, rules.Select(r => r.Values[d]).ToList(), _words))
            .ToArray();
        _inputNames = rules.Select(r => r.InputNames.Count == 0 ? null : r.InputNames.ToArray()).ToArray();
        _outputNames = rules.Select(r => r.OutputNames.Count == 0 ? null : r.OutputNames.ToArray()).ToArray();
        _anyTree = _dimensions.Any(d => d.NeedsScratch);
        _anyInputNames = _inputNames.Any(n => n is not null);
        _anyOutputNames = _outputNames.Any(n => n is not null);
    }

    public int Words => _words;

    /// <summary>Fills <paramref name="bits"/> (length <see cref="Words"/>) with the rules that may match.</summary>
    public void Candidates(ref PacketFields packet, Span<ulong> bits)
    {
        bits.Fill(ulong.MaxValue);
        if (_ruleCount % 64 != 0)
        {
            bits[^1] = (1UL << (_ruleCount % 64)) - 1;
        }

        ulong[]? rented = null;
        var scratch = !_anyTree ? default : _words <= 64 ? stackalloc ulong[_words] : (rented = ArrayPool<ulong>.Shared.Rent(_words)).AsSpan(0, _words);
        try
        {
            foreach (var dimension in _dimensions)
            {
                if (ValueOf(dimension.Which, ref packet) is { } value)
                {
                    And(bits, dimension.Row(value, scratch));
                }
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<ulong>.Shared.Return(rented);
            }
        }

        if (_anyInputNames)
        {
            And(bits, Row(ref _lastInput, _inputRows, _inputNames, packet.InputInterface, input: true));
        }

        if (_anyOutputNames)
        {
            And(bits, Row(ref _lastOutput, _outputRows, _outputNames, packet.OutputInterface, input: false));
        }
    }

    private static ulong? ValueOf(IndexDimension dimension, ref PacketFields packet) => dimension switch
    {
        IndexDimension.FamilyProtocol => (ulong)((packet.Family == 6 ? 256 : 0) + (packet.Protocol & 0xff)),
        IndexDimension.CtState => (ulong)packet.CtState,
        IndexDimension.SourcePort => packet.SourcePort >= 0 && (packet.Unknown & UnknownFields.SourcePort) == 0 ? (ulong)packet.SourcePort : null,
        IndexDimension.DestinationPort => packet.DestinationPort >= 0 && (packet.Unknown & UnknownFields.DestinationPort) == 0 ? (ulong)packet.DestinationPort : null,
        IndexDimension.Source4 => packet.Family == 4 && (packet.Unknown & UnknownFields.Source) == 0 ? (ulong)packet.Source : null,
        IndexDimension.Destination4 => packet.Family == 4 && (packet.Unknown & UnknownFields.Destination) == 0 ? (ulong)packet.Destination : null,
        _ => null,
    };

    private static void And(Span<ulong> bits, ReadOnlySpan<ulong> row)
    {
        for (var i = 0; i < bits.Length; i++)
        {
            bits[i] &= row[i];
        }
    }

    /// <summary>The row of the last name asked for, then the cache: flows mostly come in runs from one interface.</summary>
    private ulong[] Row(ref CachedRow? last, ConcurrentDictionary<string, ulong[]> cache, Step[]?[] conditions, string name, bool input)
    {
        var seen = Volatile.Read(ref last);
        if (seen is not null && (ReferenceEquals(seen.Name, name) || seen.Name == name))
        {
            return seen.Row;
        }

        var row = NameRow(cache, conditions, name, input);
        Volatile.Write(ref last, new CachedRow(name, row));
        return row;
    }

    private sealed record CachedRow(string Name, ulong[] Row);

    /// <summary>The rules an interface name admits, computed on first sight of the name (a topology has a handful).</summary>
    private ulong[] NameRow(ConcurrentDictionary<string, ulong[]> cache, Step[]?[] conditions, string name, bool input) =>
        cache.GetOrAdd(name, n =>
        {
            var row = new ulong[_words];
            var probe = new PacketFields { InputInterface = input ? n : "", OutputInterface = input ? "" : n };
            for (var r = 0; r < conditions.Length; r++)
            {
                if (conditions[r] is not { } steps || steps.All(s => s.Test(ref probe) != Tri.False))
                {
                    row[r >> 6] |= 1UL << (r & 63);
                }
            }

            return row;
        });

    /// <summary>
    /// One dimension's cut of the value space into elementary intervals (between consecutive rule
    /// bounds) and, per elementary interval, the rules it admits. A table of one bit row per
    /// elementary interval costs intervals × rules bits: quadratic in the chain's length, since
    /// every rule adds its own bounds (a 25,000-rule chain with an address per rule: 25,000 rows of
    /// 25,000 bits, 78 MB for one dimension, and as many row writes per unconstrained rule). So the
    /// table is built only where it stays within <see cref="DenseBudgetWordsPerRule"/> words per
    /// rule (few bounds: protocols, connection states, a short chain); otherwise the rules that do
    /// not constrain the dimension are one row, and each constrained rule is filed under the
    /// O(log n) nodes of a segment tree over the elementary intervals that cover its ranges; a
    /// packet's row is the unconstrained row plus the rules on its leaf's path to the root. Both
    /// are linear (the tree: n log n entries) in the rules and their ranges.
    /// </summary>
    private sealed class Dimension
    {
        /// <summary>The bit table's size limit: this many 64-bit words per rule of the chain (and at least <see cref="DenseBudgetMinimumWords"/>).</summary>
        private const int DenseBudgetWordsPerRule = 8;

        private const int DenseBudgetMinimumWords = 4096;

        private ulong[] _starts = [];
        private int _words;

        /// <summary>The bit table (one row per elementary interval), or null when the tree is used.</summary>
        private ulong[]? _rows;

        /// <summary>The tree: rules without a constraint here, and per node (heap order, leaves at n…2n-1) its rules, as offsets into one array.</summary>
        private ulong[] _unconstrained = [];
        private int[] _nodeFirst = [];
        private int[] _nodeRules = [];

        public IndexDimension Which { get; private init; }

        /// <summary>Whether <see cref="Row"/> needs a scratch row (the tree), rather than returning a row of the table.</summary>
        public bool NeedsScratch => _rows is null;

        public static Dimension Build(IndexDimension which, IReadOnlyList<IntervalList?> rules, int words)
        {
            var cuts = new HashSet<ulong> { 0 };
            foreach (var list in rules)
            {
                foreach (var (low, high) in list?.Items ?? [])
                {
                    cuts.Add(low);
                    if (high != ulong.MaxValue)
                    {
                        cuts.Add(high + 1);
                    }
                }
            }

            var starts = cuts.ToArray();
            Array.Sort(starts);
            var dimension = new Dimension { Which = which, _starts = starts, _words = words };
            if ((long)starts.Length * words <= Math.Max(DenseBudgetMinimumWords, (long)DenseBudgetWordsPerRule * rules.Count))
            {
                dimension.BuildTable(rules);
            }
            else
            {
                dimension.BuildTree(rules);
            }

            return dimension;
        }

        private void BuildTable(IReadOnlyList<IntervalList?> rules)
        {
            var rows = new ulong[_starts.Length * _words];
            for (var r = 0; r < rules.Count; r++)
            {
                var word = r >> 6;
                var bit = 1UL << (r & 63);
                if (rules[r] is not { } list)
                {
                    for (var s = 0; s < _starts.Length; s++)
                    {
                        rows[s * _words + word] |= bit;
                    }

                    continue;
                }

                foreach (var (low, high) in list.Items)
                {
                    for (var s = Array.BinarySearch(_starts, low); s < _starts.Length && _starts[s] <= high; s++)
                    {
                        rows[s * _words + word] |= bit;
                    }
                }
            }

            _rows = rows;
        }

        /// <summary>Files each rule's ranges under their tree nodes: counted first, then written, so the entries take one array.</summary>
        private void BuildTree(IReadOnlyList<IntervalList?> rules)
        {
            var leaves = _starts.Length;
            _unconstrained = new ulong[_words];
            var first = new int[2 * leaves + 1];
            ForEachNode(rules, (node, _) => first[node + 1]++);
            for (var node = 0; node < 2 * leaves; node++)
            {
                first[node + 1] += first[node];
            }

            var entries = new int[first[^1]];
            var next = first[..^1];
            ForEachNode(rules, (node, rule) => entries[next[node]++] = rule);
            for (var r = 0; r < rules.Count; r++)
            {
                if (rules[r] is null)
                {
                    _unconstrained[r >> 6] |= 1UL << (r & 63);
                }
            }

            _nodeFirst = first;
            _nodeRules = entries;
        }

        /// <summary>Every (node, rule) pair: the nodes whose leaves together are exactly the elementary intervals of each of the rule's ranges.</summary>
        private void ForEachNode(IReadOnlyList<IntervalList?> rules, Action<int, int> visit)
        {
            var leaves = _starts.Length;
            for (var r = 0; r < rules.Count; r++)
            {
                foreach (var (low, high) in rules[r]?.Items ?? [])
                {
                    // Every bound is a cut, so both searches find their value: the range is leaves [from, to).
                    var from = Array.BinarySearch(_starts, low) + leaves;
                    var to = (high == ulong.MaxValue ? leaves : Array.BinarySearch(_starts, high + 1)) + leaves;
                    for (; from < to; from >>= 1, to >>= 1)
                    {
                        if ((from & 1) == 1)
                        {
                            visit(from++, r);
                        }

                        if ((to & 1) == 1)
                        {
                            visit(--to, r);
                        }
                    }
                }
            }
        }

        /// <summary>The rules that admit <paramref name="value"/>: a row of the table, or built in <paramref name="scratch"/> (length: words) from the tree.</summary>
        public ReadOnlySpan<ulong> Row(ulong value, Span<ulong> scratch)
        {
            int lo = 0, hi = _starts.Length - 1;
            while (lo <= hi)
            {
                var mid = (lo + hi) >>> 1;
                if (_starts[mid] <= value)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid - 1;
                }
            }

            if (_rows is not null)
            {
                return _rows.AsSpan(hi * _words, _words);
            }

            _unconstrained.CopyTo(scratch);
            for (var node = hi + _starts.Length; node >= 1; node >>= 1)
            {
                for (var e = _nodeFirst[node]; e < _nodeFirst[node + 1]; e++)
                {
                    var rule = _nodeRules[e];
                    scratch[rule >> 6] |= 1UL << (rule & 63);
                }
            }

            return scratch;
        }
    }

    /// <summary>Index of the next set bit at or after <paramref name="from"/>, or -1.</summary>
    public static int NextSet(ReadOnlySpan<ulong> bits, int from)
    {
        var word = from >> 6;
        if (word >= bits.Length)
        {
            return -1;
        }

        var current = bits[word] & (ulong.MaxValue << (from & 63));
        while (true)
        {
            if (current != 0)
            {
                return (word << 6) + BitOperations.TrailingZeroCount(current);
            }

            if (++word >= bits.Length)
            {
                return -1;
            }

            current = bits[word];
        }
    }
}
