using EventDriven.Dispatch;
using EventDriven.Ring;
using EventDriven.Tests.Fixtures;
using FsCheck.Xunit;

namespace EventDriven.Tests.Ring;

/// <summary>Model-based: the ring, driven by random claim/publish/consume steps, behaves like a bounded <see cref="Queue{T}"/>.</summary>
public sealed class EventRingModelProperties
{
    /// <summary>
    /// Each step: Kind % 2 == 0 claims (Argument % 3 + 1) slots, writes them (class or struct events alternately) and publishes;
    /// otherwise consumes up to (Argument % 4 + 1) events. Small capacities make the ring wrap many times and fill up often.
    /// </summary>
    [Property(MaxTest = 300)]
    public bool Property_RingBehavesLikeABoundedQueue_AcrossWrapsAndFullRings((byte Kind, byte Argument)[] steps, bool singleProducer, byte capacityExponent)
    {
        int capacity = 1 << (capacityExponent % 4 + 1); // 2..16
        var ring = new EventRing(capacity, singleProducer ? ProducerType.Single : ProducerType.Multi, partition: 0);
        var classRoute = new EventRoute<Tick>(dispatcher: null);
        var structRoute = new EventRoute<TickStruct>(dispatcher: null);
        var model = new Queue<int>();
        int nextValue = 0;
        long next = 0;

        foreach ((byte kind, byte argument) in steps.Concat(Enumerable.Repeat(((byte)1, (byte)3), 40)))
        {
            if (kind % 2 == 0)
            {
                int count = argument % 3 + 1;
                bool claimed = ring.Sequencer.TryClaim(count, out long high);
                if (claimed != (model.Count + count <= capacity))
                {
                    return false;
                }

                if (!claimed)
                {
                    continue;
                }

                for (long sequence = high - count + 1; sequence <= high; sequence++)
                {
                    int value = nextValue++;
                    if (value % 2 == 0)
                    {
                        ring.Write(sequence, classRoute, new Tick(0, value, Guid.Empty));
                    }
                    else
                    {
                        ring.Write(sequence, structRoute, new TickStruct(0, value, Guid.Empty));
                    }

                    model.Enqueue(value);
                }

                ring.Sequencer.Publish(high - count + 1, high);
            }
            else
            {
                long available = ring.Sequencer.HighestPublished(next);
                if (available - next + 1 != model.Count)
                {
                    return false;
                }

                long last = Math.Min(available, next + argument % 4);
                for (; next <= last; next++)
                {
                    int expected = model.Dequeue();
                    ref EventRing.Slot slot = ref ring.SlotAt(next);
                    int actual = slot.Route == classRoute ? ((Tick)slot.Reference!).Number : ring.ColumnSlot<TickStruct>(next).Number;
                    if (actual != expected)
                    {
                        return false;
                    }
                }

                if (last >= next - 1 && next > 0)
                {
                    ring.Sequencer.MarkConsumed(next - 1);
                }
            }
        }

        return model.Count == 0 && ring.Depth == 0;
    }
}
