using EventDriven.Analyzers.Handlers;
using EventDriven.Analyzers.Tests.Infrastructure;

namespace EventDriven.Analyzers.Tests.Idempotency;

public sealed class NonIdempotentHandlerTests
{
    [Fact]
    public Task CompoundAssignment_ToAField_IsReported()
        => Verify<HandlerBodyAnalyzer>.AnalyzerAsync(Sources.Events + """
            [EventHandler]
            public sealed class Revenue : IEventHandler<OrderPlaced>
            {
                private decimal _total;

                public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
                {
                    {|ED0004:_total += @event.Total|};
                    return default;
                }
            }
            """);
}
