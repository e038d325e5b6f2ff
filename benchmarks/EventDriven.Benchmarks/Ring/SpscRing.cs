using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EventDriven.Benchmarks.Ring;

/// <summary>
/// The floor: the smallest single-producer single-consumer array ring that hands a reference from one core to another, with a
/// dedicated consumer thread that spins (never sleeps). No routes, no dispatch tables, no metrics, no stop protocol, one event type.
/// With handlers it calls <see cref="RingHandlerA"/>, <see cref="RingHandlerB"/> and <see cref="RingHandlerC"/> directly;
/// without, it only takes the reference out of the slot (the pure cost of the hand-off).
/// </summary>
public sealed class SpscRing : IDisposable
{
    private readonly RingOrder?[] _buffer;
    private readonly long _mask;
    private readonly RingHandlerA? _a;
    private readonly RingHandlerB? _b;
    private readonly RingHandlerC? _c;
    private readonly Thread _consumer;
    private Cursors _cursors;
    private volatile bool _stop;

    public SpscRing(int capacity, RingHandlerA? a, RingHandlerB? b, RingHandlerC? c)
    {
        _buffer = new RingOrder?[capacity];
        _mask = capacity - 1;
        (_a, _b, _c) = (a, b, c);
        _consumer = new Thread(Consume) { IsBackground = true, Name = "SPSC consumer" };
        _consumer.Start();
    }

    /// <summary>Everything up to here has been taken out of the ring (and handled).</summary>
    public ref long Consumed => ref _cursors.Head;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Publish(RingOrder item)
    {
        long tail = _cursors.Tail;
        if (tail - _cursors.HeadCache >= _buffer.Length)
        {
            WaitForSpace(tail);
        }

        _buffer[tail & _mask] = item;
        Volatile.Write(ref _cursors.Tail, tail + 1);
    }

    public void Dispose()
    {
        _stop = true;
        _consumer.Join();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WaitForSpace(long tail)
    {
        var spinner = new SpinWait();
        while (tail - (_cursors.HeadCache = Volatile.Read(ref _cursors.Head)) >= _buffer.Length)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    private void Consume()
    {
        RingOrder?[] buffer = _buffer;
        long head = 0;
        int idle = 0;
        while (!_stop)
        {
            long tail = Volatile.Read(ref _cursors.Tail);
            if (tail == head)
            {
                // Spin; on a shared 2-core machine let other threads run now and then.
                if (++idle % 1024 == 0)
                {
                    Thread.Yield();
                }
                else
                {
                    Thread.SpinWait(1);
                }

                continue;
            }

            idle = 0;
            for (; head < tail; head++)
            {
                ref RingOrder? slot = ref buffer[head & _mask];
                RingOrder item = slot!;
                slot = null;
                if (_a is not null)
                {
                    _a.HandleAsync(item).GetAwaiter().GetResult();
                    _b!.HandleAsync(item).GetAwaiter().GetResult();
                    _c!.HandleAsync(item).GetAwaiter().GetResult();
                }
            }

            Volatile.Write(ref _cursors.Head, head);
        }
    }

    /// <summary>The producer's cursor and cache of the consumer's, then the consumer's, each on its own cache lines.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 384)]
    private struct Cursors
    {
        [FieldOffset(128)]
        public long Tail;

        [FieldOffset(136)]
        public long HeadCache;

        [FieldOffset(256)]
        public long Head;
    }
}
