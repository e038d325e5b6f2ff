using System.Collections.Concurrent;
using EventDriven;

namespace EventDriven.Tests.Dispatch;

/// <summary>Handled by a scoped, a transient and a singleton handler; <see cref="FailFirstAttempt"/> makes the scoped one throw once.</summary>
public sealed record ShelfCounted(int Number, bool FailFirstAttempt = false) : IEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
    public string EventType => "ShelfCounted";
    public string Source => "Tests";
}

/// <summary>What the lifetime handlers saw: which unit of work (scope) served each call, and which were disposed, when.</summary>
public sealed class LifetimeLog
{
    public ConcurrentQueue<(int Number, int UnitOfWork, bool DisposedDuringCall)> ScopedCalls { get; } = new();

    public ConcurrentQueue<int> Disposed { get; } = new();

    public ConcurrentQueue<int> TransientInstances { get; } = new();

    public ConcurrentQueue<int> SingletonInstances { get; } = new();

    private int _nextInstance;

    public int NextInstance() => Interlocked.Increment(ref _nextInstance);

    public ConcurrentDictionary<int, int> Attempts { get; } = new();

    private int _nextUnitOfWork;

    public int NextUnitOfWork() => Interlocked.Increment(ref _nextUnitOfWork);
}

/// <summary>A stand-in for a <c>DbContext</c>: registered scoped, disposable, numbered per instance.</summary>
public sealed class UnitOfWork(LifetimeLog log) : IDisposable
{
    public int Number { get; } = log.NextUnitOfWork();

    public bool IsDisposed { get; private set; }

    public void Dispose()
    {
        IsDisposed = true;
        log.Disposed.Enqueue(Number);
    }
}

/// <summary>A service one test registers as scoped to see a singleton handler that takes it refused at start; singleton elsewhere.</summary>
public sealed class TenantSettings;

#pragma warning disable ED0004 // Records every call on purpose: the tests count scopes per delivery.
[EventHandler(Lifetime = HandlerLifetime.Scoped)]
public sealed class ScopedStockHandler(UnitOfWork work, LifetimeLog log) : IEventHandler<ShelfCounted>
{
    public async ValueTask HandleAsync(ShelfCounted @event, CancellationToken cancellationToken = default)
    {
        int attempt = log.Attempts.AddOrUpdate(@event.Number, 1, static (_, n) => n + 1);
        await Task.Yield(); // the scope must outlive an asynchronous handler
        log.ScopedCalls.Enqueue((@event.Number, work.Number, work.IsDisposed));
        if (@event.FailFirstAttempt && attempt == 1)
        {
            throw new InvalidOperationException("first attempt fails");
        }
    }
}

[EventHandler(Lifetime = HandlerLifetime.Transient)]
public sealed class TransientStockHandler(LifetimeLog log) : IEventHandler<ShelfCounted>
{
    private readonly int _instance = log.NextInstance();

    public ValueTask HandleAsync(ShelfCounted @event, CancellationToken cancellationToken = default)
    {
        log.TransientInstances.Enqueue(_instance);
        return default;
    }
}

[EventHandler]
public sealed class SingletonStockHandler(LifetimeLog log, TenantSettings settings) : IEventHandler<ShelfCounted>
{
    private readonly int _instance = log.NextInstance();

    public ValueTask HandleAsync(ShelfCounted @event, CancellationToken cancellationToken = default)
    {
        GC.KeepAlive(settings);
        log.SingletonInstances.Enqueue(_instance);
        return default;
    }
}
#pragma warning restore ED0004
