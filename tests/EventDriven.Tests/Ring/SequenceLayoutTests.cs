using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using EventDriven.Ring;

namespace EventDriven.Tests.Ring;

public sealed class SequenceLayoutTests
{
    [Fact]
    public void PaddedLong_KeepsItsValueAtLeastOneCacheLineFromAnyNeighbour()
    {
        int size = Unsafe.SizeOf<PaddedLong>();
        int valueOffset = (int)Marshal.OffsetOf<PaddedLong>("_value");

        // 64-byte lines: >= 56 bytes of padding on both sides means no other field shares the value's line, however the struct is aligned.
        Assert.True(valueOffset >= 56, $"value at offset {valueOffset}");
        Assert.True(size - valueOffset - sizeof(long) >= 56, $"size {size}, value at {valueOffset}");
    }

    [Fact]
    public void TwoAdjacentPaddedLongs_HaveValuesMoreThanACacheLineApart()
    {
        var pair = new AdjacentPair();
        long distance = Unsafe.ByteOffset(ref Unsafe.As<PaddedLong, byte>(ref pair.First), ref Unsafe.As<PaddedLong, byte>(ref pair.Second));

        Assert.True(distance >= 64 + sizeof(long), $"distance {distance}");
    }

    private struct AdjacentPair
    {
        public PaddedLong First;
        public PaddedLong Second;
    }
}
