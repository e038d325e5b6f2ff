using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EventDriven.Ring;

/// <summary>
/// A 64-bit sequence number alone on its cache line(s): producers write the cursor and the consumer writes its sequence on
/// different cores, and sharing a line would make every write invalidate the other core's copy (false sharing).
/// </summary>
/// <remarks>
/// 56 bytes of padding on each side fill a 64-byte line whichever way the object is aligned; 128 would also cover adjacent-line
/// prefetching, measured as no better on our machines (see the padding benchmarks). <see cref="Value"/> reads with acquire
/// semantics (<c>Volatile.Read</c>) and <see cref="SetValue"/> writes with release semantics (<c>Volatile.Write</c>);
/// <see cref="CompareAndSet"/> is a full fence (<c>Interlocked.CompareExchange</c>).
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = ValueOffset + sizeof(long) + Padding)]
internal struct PaddedLong
{
    public const int Padding = 56;
    public const int ValueOffset = Padding;

    [FieldOffset(ValueOffset)]
    private long _value;

    public readonly long Value
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Volatile.Read(in _value);
    }

    /// <summary>A plain read, for the thread that is the only writer.</summary>
    public readonly long PlainValue
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetValue(long value) => Volatile.Write(ref _value, value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool CompareAndSet(long expected, long value) => Interlocked.CompareExchange(ref _value, value, expected) == expected;
}
