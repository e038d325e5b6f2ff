using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using EventDriven.Ring;

namespace EventDriven.Benchmarks.Ring;

/// <summary>
/// Why <see cref="PaddedLong"/> (src/EventDriven/Ring/Sequence.cs) pads: two threads each increment their own counter, as the
/// ring's producer and consumer each advance their own sequence. Padded as the ring pads them (the real <see cref="PaddedLong"/>),
/// the counters never share a cache line; unpadded and adjacent (the losing design, kept as a benchmark) the line holding both
/// moves between the cores. Two ways to write, as the ring writes: a release store (<see cref="PaddedLong.SetValue"/>: the
/// single-producer cursor, the consumer's sequence) and a compare-and-swap (<see cref="PaddedLong.CompareAndSet"/>: the
/// multi-producer claim). Mean is per increment pair: both threads run <see cref="Increments"/> increments at the same time.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(RingConfig))]
public class FalseSharingBenchmarks
{
    public const string StoreCategory = "False sharing: 2 threads, release store";
    public const string CasCategory = "False sharing: 2 threads, CAS";
    private const int Increments = 10_000_000;

    // Pinned, so a 64-byte line boundary found once stays where it is: the unpadded pair is then always on one line.
    private readonly long[] _raw = GC.AllocateArray<long>(64, pinned: true);
    private readonly PaddedPair _padded = new();
    private int _line;
    private HelperThread _helper = null!;
    private Action _paddedStore = null!, _adjacentStore = null!, _apartStore = null!;
    private Action _paddedCas = null!, _adjacentCas = null!, _apartCas = null!;

    [GlobalSetup]
    public void Setup()
    {
        long address = Marshal.UnsafeAddrOfPinnedArrayElement(_raw, 0).ToInt64();
        _line = (int)((64 - address % 64) % 64 / sizeof(long));
        _helper = new HelperThread("Second incrementer");
        _paddedStore = () => Store(ref _padded.B, Increments);
        _adjacentStore = () => Store(ref _raw[_line + 1], Increments);
        _apartStore = () => Store(ref _raw[_line + 16], Increments);
        _paddedCas = () => Cas(ref _padded.B, Increments);
        _adjacentCas = () => Cas(ref _raw[_line + 1], Increments);
        _apartCas = () => Cas(ref _raw[_line + 16], Increments);
    }

    [GlobalCleanup]
    public void Cleanup() => _helper.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Increments, Description = "PaddedLong (56 B each side), release store")]
    [BenchmarkCategory(StoreCategory)]
    public void Padded_Store()
    {
        Start(_paddedStore);
        Store(ref _padded.A, Increments);
        _helper.Join();
    }

    [Benchmark(OperationsPerInvoke = Increments, Description = "Adjacent longs, one line (losing variant), release store")]
    [BenchmarkCategory(StoreCategory)]
    public void Adjacent_Store()
    {
        Start(_adjacentStore);
        Store(ref _raw[_line], Increments);
        _helper.Join();
    }

    [Benchmark(OperationsPerInvoke = Increments, Description = "Longs 128 B apart, release store")]
    [BenchmarkCategory(StoreCategory)]
    public void Apart128_Store()
    {
        Start(_apartStore);
        Store(ref _raw[_line], Increments);
        _helper.Join();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Increments, Description = "PaddedLong (56 B each side), CAS")]
    [BenchmarkCategory(CasCategory)]
    public void Padded_Cas()
    {
        Start(_paddedCas);
        Cas(ref _padded.A, Increments);
        _helper.Join();
    }

    [Benchmark(OperationsPerInvoke = Increments, Description = "Adjacent longs, one line (losing variant), CAS")]
    [BenchmarkCategory(CasCategory)]
    public void Adjacent_Cas()
    {
        Start(_adjacentCas);
        Cas(ref _raw[_line], Increments);
        _helper.Join();
    }

    [Benchmark(OperationsPerInvoke = Increments, Description = "Longs 128 B apart, CAS")]
    [BenchmarkCategory(CasCategory)]
    public void Apart128_Cas()
    {
        Start(_apartCas);
        Cas(ref _raw[_line], Increments);
        _helper.Join();
    }

    private void Start(Action work)
    {
        _helper.Work = work;
        _helper.Start();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Store(ref PaddedLong counter, int count)
    {
        for (int i = 0; i < count; i++)
        {
            counter.SetValue(counter.Value + 1);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Store(ref long counter, int count)
    {
        for (int i = 0; i < count; i++)
        {
            Volatile.Write(ref counter, Volatile.Read(ref counter) + 1);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Cas(ref PaddedLong counter, int count)
    {
        for (int i = 0; i < count; i++)
        {
            long value = counter.Value;
            counter.CompareAndSet(value, value + 1);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Cas(ref long counter, int count)
    {
        for (int i = 0; i < count; i++)
        {
            long value = Volatile.Read(ref counter);
            Interlocked.CompareExchange(ref counter, value + 1, value);
        }
    }

    private sealed class PaddedPair
    {
        public PaddedLong A;
        public PaddedLong B;
    }
}
