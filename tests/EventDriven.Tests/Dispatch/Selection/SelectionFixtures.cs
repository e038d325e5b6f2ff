using System.Collections.Concurrent;

namespace EventDriven.Tests.Dispatch.Selection
{
    /// <summary>Served at a table: the kitchen and the till (two services' handlers in one assembly) both react to it.</summary>
    public sealed record TableServed(int Table) : IEvent
    {
        public Guid Id { get; init; } = Guid.NewGuid();
        public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
        public string EventType => "TableServed";
        public string Source => "Tests";
    }

    /// <summary>Only the till reacts to it.</summary>
    public sealed record BillSettled(int Table) : IEvent
    {
        public Guid Id { get; init; } = Guid.NewGuid();
        public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
        public string EventType => "BillSettled";
        public string Source => "Tests";
    }

    /// <summary>Which selection handlers ran, in order.</summary>
    public sealed class SelectionLog
    {
        public ConcurrentQueue<string> Calls { get; } = new();
    }

    /// <summary>The till's own dependency: a process that does not run the till does not register it.</summary>
    public sealed class TillDrawer;
}

namespace EventDriven.Tests.Dispatch.Selection.Kitchen
{
    // Idempotent: the log is the test's record of calls, and a second call is exactly what it would show.
    [EventHandler(Order = 1, Idempotent = true)]
    public sealed class ClearTable(SelectionLog log) : IEventHandler<TableServed>
    {
        public ValueTask HandleAsync(TableServed @event, CancellationToken cancellationToken = default)
        {
            log.Calls.Enqueue("kitchen " + @event.Table);
            return default;
        }
    }
}

namespace EventDriven.Tests.Dispatch.Selection.Till
{
    [EventHandler(Order = 2, Idempotent = true)]
    public sealed class PrintBill(SelectionLog log, TillDrawer drawer) : IEventHandler<TableServed>, IEventHandler<BillSettled>
    {
        public TillDrawer Drawer => drawer;

        public ValueTask HandleAsync(TableServed @event, CancellationToken cancellationToken = default)
        {
            log.Calls.Enqueue("till " + @event.Table);
            return default;
        }

        public ValueTask HandleAsync(BillSettled @event, CancellationToken cancellationToken = default)
        {
            log.Calls.Enqueue("settled " + @event.Table);
            return default;
        }
    }
}
