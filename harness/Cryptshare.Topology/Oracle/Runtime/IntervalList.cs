namespace Cryptshare.Topology.Oracle.Runtime;

/// <summary>A union of closed intervals over 64-bit values, sorted and disjoint (the chain index's unit).</summary>
internal sealed class IntervalList
{
    private IntervalList((ulong Low, ulong High)[] items) => Items = items;

    public (ulong Low, ulong High)[] Items { get; }

    public static IntervalList Empty { get; } = new([]);

    public static IntervalList Single(ulong low, ulong high) => low > high ? Empty : new([(low, high)]);

    public static IntervalList Of(IEnumerable<(UInt128 Low, UInt128 High)> intervals) =>
        Normalize(intervals.Select(i => (Clamp(i.Low), Clamp(i.High))));

    public static IntervalList Normalize(IEnumerable<(ulong Low, ulong High)> intervals)
    {
        var merged = new List<(ulong Low, ulong High)>();
        foreach (var (low, high) in intervals.Where(i => i.Low <= i.High).OrderBy(i => i.Low))
        {
            if (merged.Count > 0 && (merged[^1].High == ulong.MaxValue || low <= merged[^1].High + 1))
            {
                merged[^1] = (merged[^1].Low, Math.Max(merged[^1].High, high));
            }
            else
            {
                merged.Add((low, high));
            }
        }

        return new IntervalList(merged.ToArray());
    }

    public bool Contains(ulong value)
    {
        foreach (var (low, high) in Items)
        {
            if (value >= low && value <= high)
            {
                return true;
            }
        }

        return false;
    }

    public IntervalList Complement(ulong max)
    {
        var result = new List<(ulong, ulong)>();
        ulong next = 0;
        var open = true;
        foreach (var (low, high) in Items)
        {
            if (low > max)
            {
                break;
            }

            if (low > next)
            {
                result.Add((next, low - 1));
            }

            if (high >= max)
            {
                open = false;
                break;
            }

            next = high + 1;
        }

        if (open)
        {
            result.Add((next, max));
        }

        return Normalize(result);
    }

    public IntervalList Intersect(IntervalList other)
    {
        var result = new List<(ulong, ulong)>();
        int i = 0, j = 0;
        while (i < Items.Length && j < other.Items.Length)
        {
            var low = Math.Max(Items[i].Low, other.Items[j].Low);
            var high = Math.Min(Items[i].High, other.Items[j].High);
            if (low <= high)
            {
                result.Add((low, high));
            }

            if (Items[i].High < other.Items[j].High)
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return new IntervalList(result.ToArray());
    }

    private static ulong Clamp(UInt128 value) => value > ulong.MaxValue ? ulong.MaxValue : (ulong)value;
}
