using EventDriven.Outbox;

namespace EventDriven.Storage.Contracts;

/// <summary>
/// A broker stand-in for the relay: records every message it is handed, in order, and confirms what <see cref="Script"/> says
/// (everything by default). Waiting is on exact counts, never on time.
/// </summary>
public sealed class RecordingOutboxTransport : IOutboxTransport
{
    private readonly Lock _gate = new();
    private readonly List<OutboxMessage> _received = [];
    private readonly List<OutboxMessage> _confirmed = [];
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];

    /// <summary>Decides, per batch (by its number from 0), what is confirmed; null confirms every message.</summary>
    public Func<int, IReadOnlyList<OutboxMessage>, OutboxSendResult>? Script { get; set; }

    public int Batches { get; private set; }

    /// <summary>Every message handed over, confirmed or not, in the order the relay sent them.</summary>
    public IReadOnlyList<OutboxMessage> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>The messages confirmed (the prefix of each batch the script confirmed), in order.</summary>
    public IReadOnlyList<OutboxMessage> Confirmed
    {
        get
        {
            lock (_gate)
            {
                return [.. _confirmed];
            }
        }
    }

    public ValueTask<OutboxSendResult> SendAsync(IReadOnlyList<OutboxMessage> batch, CancellationToken cancellationToken)
    {
        int number;
        lock (_gate)
        {
            number = Batches++;
            _received.AddRange(batch);
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_received.Count >= _waiters[i].Count)
                {
                    _waiters[i].Reached.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }

        OutboxSendResult result = Script?.Invoke(number, batch) ?? new OutboxSendResult(batch.Count, null);
        lock (_gate)
        {
            _confirmed.AddRange(batch.Take(Math.Clamp(result.Confirmed, 0, batch.Count)));
        }

        return new(result);
    }

    /// <summary>Completes once at least <paramref name="count"/> messages were handed over.</summary>
    public Task WaitForAsync(int count)
    {
        lock (_gate)
        {
            if (_received.Count >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, reached));
            return reached.Task;
        }
    }
}
