using System.Runtime.CompilerServices;

namespace Cryptshare.Topology.Oracle.Runtime;

/// <summary>
/// One value of a set element: a numeric interval (a single value is an interval of one), an
/// interface name, or an interface-name prefix (<c>"eth*"</c>).
/// </summary>
internal readonly record struct ElementPart(UInt128 Low, UInt128 High, string? Name, bool NamePrefix)
{
    public static ElementPart Number(UInt128 value) => new(value, value, null, false);

    public static ElementPart Interval(UInt128 low, UInt128 high) => new(low, high, null, false);

    public static ElementPart InterfaceName(string name, bool prefix) => new(0, 0, name, prefix);

    public bool IsExact => Name is null ? Low == High : !NamePrefix;

    public bool Matches(UInt128 number, string? name) =>
        Name is null
            ? number >= Low && number <= High
            : name is not null && (NamePrefix ? name.StartsWith(Name, StringComparison.Ordinal) : name == Name);
}

/// <summary>
/// A set or map with a single key, compiled for lookup: numbers as sorted disjoint intervals
/// (binary search), names in a hash set plus wildcard prefixes. A lookup gives the element's index
/// (which a map uses for its data) or -1.
/// </summary>
internal sealed class ElementSet
{
    private readonly UInt128[] _low;
    private readonly UInt128[] _high;
    private readonly int[] _numberElement;
    private readonly Dictionary<string, int> _names = new(StringComparer.Ordinal);
    private readonly (string Prefix, int Element)[] _prefixes;

    private ElementSet(UInt128[] low, UInt128[] high, int[] numberElement, (string, int)[] prefixes)
    {
        _low = low;
        _high = high;
        _numberElement = numberElement;
        _prefixes = prefixes;
    }

    /// <summary>Why the set cannot be used (overlapping map intervals, whose winner nft does not define); null when it can.</summary>
    public string? Problem { get; private init; }

    /// <summary>Builds the set; overlapping intervals of a plain set are merged, of a map they are a <see cref="Problem"/>.</summary>
    public static ElementSet Build(IReadOnlyList<ElementPart> elements, bool isMap)
    {
        var numbers = elements.Select((part, index) => (Part: part, Index: index)).Where(e => e.Part.Name is null)
            .OrderBy(e => e.Part.Low).ThenByDescending(e => e.Part.High).ToList();
        var low = new List<UInt128>();
        var high = new List<UInt128>();
        var owner = new List<int>();
        string? problem = null;
        foreach (var (part, index) in numbers)
        {
            if (low.Count > 0 && part.Low <= high[^1])
            {
                if (isMap)
                {
                    problem = "map elements with overlapping intervals";
                }

                high[^1] = UInt128.Max(high[^1], part.High);
                continue;
            }

            low.Add(part.Low);
            high.Add(part.High);
            owner.Add(index);
        }

        var set = new ElementSet(low.ToArray(), high.ToArray(), owner.ToArray(),
            elements.Select((part, index) => (Part: part, Index: index)).Where(e => e.Part.Name is not null && e.Part.NamePrefix)
                .Select(e => (e.Part.Name!, e.Index)).ToArray())
        {
            Problem = problem,
        };
        for (var i = 0; i < elements.Count; i++)
        {
            if (elements[i] is { Name: { } name, NamePrefix: false })
            {
                set._names.TryAdd(name, i);
            }
        }

        return set;
    }

    public int Find(UInt128 number)
    {
        int lo = 0, hi = _low.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_low[mid] <= number)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return hi >= 0 && number <= _high[hi] ? _numberElement[hi] : -1;
    }

    public int Find(string name)
    {
        if (_names.TryGetValue(name, out var element))
        {
            return element;
        }

        foreach (var (prefix, index) in _prefixes)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                return index;
            }
        }

        return -1;
    }

    /// <summary>The numeric members as intervals, for the chain index.</summary>
    public IntervalList Intervals() => IntervalList.Of(_low.Zip(_high));
}

/// <summary>A set or map keyed by a concatenation (<c>ip saddr . tcp dport</c>); exact elements by hash, the others by a scan.</summary>
internal sealed class ConcatSet
{
    private readonly ElementPart[][] _elements;
    private readonly Dictionary<int, int[]>? _exactByHash;

    public ConcatSet(IReadOnlyList<ElementPart[]> elements)
    {
        _elements = elements.ToArray();
        if (_elements.All(e => e.All(p => p.IsExact)))
        {
            _exactByHash = _elements.Select((e, index) => (Hash: Hash(e), Index: index))
                .GroupBy(e => e.Hash).ToDictionary(g => g.Key, g => g.Select(e => e.Index).ToArray());
        }
    }

    public int Find(ReadOnlySpan<UInt128> numbers, ReadOnlySpan<string?> names)
    {
        if (_exactByHash is not null)
        {
            var hash = new HashCode();
            for (var i = 0; i < numbers.Length; i++)
            {
                hash.Add(names[i] is { } name ? name.GetHashCode(StringComparison.Ordinal) : numbers[i].GetHashCode());
            }

            if (!_exactByHash.TryGetValue(hash.ToHashCode(), out var candidates))
            {
                return -1;
            }

            foreach (var candidate in candidates)
            {
                if (Matches(_elements[candidate], numbers, names))
                {
                    return candidate;
                }
            }

            return -1;
        }

        for (var e = 0; e < _elements.Length; e++)
        {
            if (Matches(_elements[e], numbers, names))
            {
                return e;
            }
        }

        return -1;
    }

    private static bool Matches(ElementPart[] element, ReadOnlySpan<UInt128> numbers, ReadOnlySpan<string?> names)
    {
        for (var i = 0; i < element.Length; i++)
        {
            if (!element[i].Matches(numbers[i], names[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static int Hash(ElementPart[] element)
    {
        var hash = new HashCode();
        foreach (var part in element)
        {
            hash.Add(part.Name is { } name ? name.GetHashCode(StringComparison.Ordinal) : part.Low.GetHashCode());
        }

        return hash.ToHashCode();
    }
}

/// <summary>Stack room for the values of a concatenation (nft allows at most 16 components).</summary>
[InlineArray(16)]
internal struct NumberBuffer
{
    private UInt128 _first;
}

[InlineArray(16)]
internal struct NameBuffer
{
    private string? _first;
}

/// <summary>
/// A named or anonymous set or map as the rules use it: its key types, its lookup structure (single
/// or concatenated key) and, for a map, the data of each element.
/// </summary>
internal sealed class CompiledSet
{
    public required string Name { get; init; }

    public required IReadOnlyList<Compile.ValueKind> KeyTypes { get; init; }

    public ElementSet? Single { get; init; }

    public ConcatSet? Concat { get; init; }

    /// <summary>Verdict-map data by element.</summary>
    public VerdictSpec[]? Verdicts { get; init; }

    /// <summary>NAT-map data by element.</summary>
    public NatTarget[]? NatTargets { get; init; }

    /// <summary>Why a lookup in this set cannot be evaluated; null when it can.</summary>
    public string? Problem { get; init; }
}
