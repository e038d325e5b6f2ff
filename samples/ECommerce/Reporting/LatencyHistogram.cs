using System.Numerics;

namespace ECommerce.Reporting;

/// <summary>
/// A fixed-size log-linear histogram of durations in microseconds (16 sub-buckets per power of two, so a percentile is within
/// about 6 % of the true value). Recording is one array increment: nothing is allocated per order.
/// </summary>
/// <remarks>Recorded from one thread (the bus's consumer); read after recording ended, or approximately while it runs.</remarks>
public sealed class LatencyHistogram
{
    private const int SubBucketBits = 4;
    private const int SubBuckets = 1 << SubBucketBits;
    private const int Powers = 40; // up to 2^40 µs, about 12 days
    private readonly long[] _counts = new long[Powers * SubBuckets];

    /// <summary>How many durations were recorded.</summary>
    public long Count { get; private set; }

    /// <summary>Records one duration of <paramref name="microseconds"/> (negative counts as 0).</summary>
    public void Record(long microseconds)
    {
        _counts[IndexOf(Math.Max(0, microseconds))]++;
        Count++;
    }

    /// <summary>The duration below which <paramref name="percentile"/> % of the recorded ones fall (upper edge of its bucket), or zero when empty.</summary>
    public TimeSpan Percentile(double percentile)
    {
        if (Count == 0)
        {
            return TimeSpan.Zero;
        }

        long rank = Math.Max(1, (long)Math.Ceiling(percentile / 100 * Count));
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return TimeSpan.FromMicroseconds(UpperEdge(i));
            }
        }

        return TimeSpan.FromMicroseconds(UpperEdge(_counts.Length - 1));
    }

    private static int IndexOf(long value)
    {
        if (value < SubBuckets)
        {
            return (int)value;
        }

        int power = 63 - BitOperations.LeadingZeroCount((ulong)value); // >= SubBucketBits
        int sub = (int)(value >> (power - SubBucketBits)) & (SubBuckets - 1);
        int index = ((power - SubBucketBits + 1) * SubBuckets) + sub;
        return Math.Min(index, (Powers * SubBuckets) - 1);
    }

    private static long UpperEdge(int index)
    {
        if (index < SubBuckets)
        {
            return index;
        }

        int power = (index / SubBuckets) + SubBucketBits - 1;
        int sub = index % SubBuckets;
        return ((long)(SubBuckets + sub + 1) << (power - SubBucketBits)) - 1;
    }
}
