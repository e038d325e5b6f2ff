using EventDriven.Dispatch;
using EventDriven.Tests.Fixtures;

namespace EventDriven.Tests.Dispatch;

/// <summary>Two assemblies that handle the same event each generate a dispatcher; merged, they must keep one global run order.</summary>
public sealed class MergedEventDispatcherTests
{
    private sealed class ListDispatcher(List<string> log, params HandlerDescriptor[] handlers) : EventDispatcher<CouponApplied>(handlers)
    {
        public override ValueTask DispatchAsync(CouponApplied @event, CancellationToken cancellationToken) => throw new NotSupportedException("merged dispatch calls InvokeAsync");

        public override ValueTask InvokeAsync(int handlerIndex, CouponApplied @event, CancellationToken cancellationToken)
        {
            if (Handlers[handlerIndex].Name.Contains("Throws", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("boom");
            }

            log.Add(Handlers[handlerIndex].Name);
            return default;
        }
    }

    [Fact]
    public async Task Merge_InterleavesHandlersOfSeveralAssemblies_ByOrderThenName()
    {
        var log = new List<string>();
        var fromA = new ListDispatcher(log, new HandlerDescriptor("A.Second", 5, false), new HandlerDescriptor("A.Zeta", 10, false));
        var fromB = new ListDispatcher(log, new HandlerDescriptor("B.First", -1, false), new HandlerDescriptor("B.Alpha", 10, false));

        EventDispatcher<CouponApplied> merged = MergedEventDispatcher<CouponApplied>.Create([fromA, fromB]);
        await merged.DispatchAsync(new CouponApplied("X"), CancellationToken.None);

        Assert.Equal(["B.First", "A.Second", "A.Zeta", "B.Alpha"], merged.Handlers.Select(h => h.Name));
        Assert.Equal(["B.First", "A.Second", "A.Zeta", "B.Alpha"], log);
    }

    [Fact]
    public async Task Merge_WhenOneHandlerThrows_StillRunsTheRest()
    {
        var log = new List<string>();
        var fromA = new ListDispatcher(log, new HandlerDescriptor("A.Throws", 0, false));
        var fromB = new ListDispatcher(log, new HandlerDescriptor("B.After", 1, false));

        EventDispatcher<CouponApplied> merged = MergedEventDispatcher<CouponApplied>.Create([fromA, fromB]);
        var exception = await Assert.ThrowsAsync<EventDispatchException>(async () => await merged.DispatchAsync(new CouponApplied("X"), CancellationToken.None));

        Assert.Equal(["B.After"], log);
        Assert.Equal("A.Throws", Assert.Single(exception.Failures).HandlerName);
    }

    [Fact]
    public void Merge_OfOneDispatcher_ReturnsItUnchanged()
    {
        var only = new ListDispatcher([], new HandlerDescriptor("A.Only", 0, false));

        Assert.Same(only, MergedEventDispatcher<CouponApplied>.Create([only]));
    }
}
