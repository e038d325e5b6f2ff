using System.Runtime;

namespace EventDriven.Tests.Fixtures;

/// <summary>
/// Holds garbage collections off (a no-GC region) while an allocation is measured. A collection triggered by any thread retires
/// every thread's allocation context, and <see cref="GC.GetAllocatedBytesForCurrentThread"/> then counts the unused rest of the
/// measuring thread's context (up to about 8 KB) as allocated though nothing was: on a busy machine that made a zero-allocation
/// check read 7,704 B now and then. Real allocations are still counted exactly; a measurement during which a collection ran
/// anyway (the budget was spent, or someone called <see cref="GC.Collect()"/>) is reported instead of trusted.
/// </summary>
internal sealed class CollectionsHeldOff : IDisposable
{
    private const long Budget = 64L * 1024 * 1024; // far more than the whole test process allocates during one measurement

    private readonly bool _held;
    private readonly int _collectionsAtStart;

    public CollectionsHeldOff()
    {
        _held = GC.TryStartNoGCRegion(Budget);
        _collectionsAtStart = GC.CollectionCount(0);
    }

    /// <summary>The bytes this thread allocated while running <paramref name="run"/>, measured with collections held off.</summary>
    public static long AllocatedOnThisThreadBy(Action run)
    {
        using var heldOff = new CollectionsHeldOff();
        long before = GC.GetAllocatedBytesForCurrentThread();
        run();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        heldOff.AssertNoCollectionRan();
        return allocated;
    }

    /// <summary>Throws when a collection ran since the start, so the measurement around it cannot be trusted.</summary>
    public void AssertNoCollectionRan()
    {
        if (!_held || GC.CollectionCount(0) != _collectionsAtStart)
        {
            throw new InvalidOperationException("A garbage collection ran during the allocation measurement, so GetAllocatedBytesForCurrentThread is not exact; rerun the test.");
        }
    }

    public void Dispose()
    {
        if (_held && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
        {
            GC.EndNoGCRegion();
        }
    }
}
