using EventDriven.Outbox;

namespace EventDriven.RabbitMQ.Tests.Fixtures;

/// <summary>
/// The service's outbox as its relay uses it, counting what the relay did to it (claims, rows removed as sent, deferrals), so a test
/// waits for exactly that instead of polling the relay's counters.
/// </summary>
public sealed class ObservedOutbox(IOutboxSource inner) : IOutboxSource
{
    private readonly Lock _gate = new();
    private readonly List<(Func<ObservedOutbox, bool> Condition, TaskCompletionSource Reached)> _waiters = [];

    public long Claims { get; private set; }

    public long Sent { get; private set; }

    public long Deferred { get; private set; }

    /// <summary>Completes once <paramref name="condition"/> holds (checked now and after every claim, removal and deferral).</summary>
    public Task WhenAsync(Func<ObservedOutbox, bool> condition)
    {
        lock (_gate)
        {
            if (condition(this))
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((condition, reached));
            return reached.Task;
        }
    }

    public async ValueTask<IReadOnlyList<OutboxMessage>> ClaimAsync(int max, CancellationToken cancellationToken)
    {
        IReadOnlyList<OutboxMessage> batch = await inner.ClaimAsync(max, cancellationToken);
        Count(() => Claims++);
        return batch;
    }

    public async ValueTask MarkSentAsync(IReadOnlyList<OutboxMessage> batch, int count, CancellationToken cancellationToken)
    {
        await inner.MarkSentAsync(batch, count, cancellationToken);
        Count(() => Sent += count);
    }

    public async ValueTask DeferAsync(OutboxMessage message, TimeSpan delay, string reason, CancellationToken cancellationToken)
    {
        await inner.DeferAsync(message, delay, reason, cancellationToken);
        Count(() => Deferred++);
    }

    public ValueTask<int> RetryDeferredNowAsync(CancellationToken cancellationToken) => inner.RetryDeferredNowAsync(cancellationToken);

    public ValueTask WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => inner.WaitAsync(timeout, cancellationToken);

    public ValueTask<long> CountPendingAsync(CancellationToken cancellationToken) => inner.CountPendingAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private void Count(Action change)
    {
        lock (_gate)
        {
            change();
            _waiters.RemoveAll(waiter => waiter.Condition(this) && waiter.Reached.TrySetResult());
        }
    }
}
