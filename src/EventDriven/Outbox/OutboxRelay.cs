using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EventDriven.Outbox;

/// <summary>
/// Moves what a store's outbox holds to the broker: claims the oldest messages, sends them through the
/// <see cref="IOutboxTransport"/>, and removes the ones the broker confirmed. Runs as a hosted service
/// (<c>AddOutboxRelay</c>, called by the transport's registration) or on its own through <see cref="RunAsync"/>.
/// </summary>
/// <remarks>
/// <para>
/// <b>Nothing lost.</b> A message leaves the outbox only after the broker confirmed it and every message before it in the batch.
/// A message the broker refused for itself (unroutable, rejected: <see cref="OutboxMessageRefusedException"/>) is deferred with its
/// partition key, and everything else goes on. A failed send (broker down) keeps the rest, and the relay backs off (<see cref="OutboxOptions.MinRetryDelay"/>,
/// doubling up to <see cref="OutboxOptions.MaxRetryDelay"/>) and sends them again in the same order. A crash between the confirm
/// and the removal sends the confirmed messages once more: delivery is at least once, and receivers absorb the copy with the inbox
/// (the copy keeps the event id).
/// </para>
/// <para>
/// <b>Order.</b> Messages go out in outbox order, one batch at a time, so messages of one partition key arrive in the order they
/// were committed while the broker accepts them.
/// </para>
/// <para>
/// <b>No busy polling.</b> With nothing to send the relay sleeps in <see cref="IOutboxSource.WaitAsync"/>, woken by the next commit
/// that wrote outbox rows, or after <see cref="OutboxOptions.PollInterval"/> at the latest.
/// </para>
/// </remarks>
public sealed class OutboxRelay
{
    private readonly IOutboxSource _source;
    private readonly IOutboxTransport _transport;
    private readonly OutboxOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _sent;
    private long _batches;
    private long _failures;
    private long _deferred;

    /// <summary>Creates a relay from <paramref name="source"/> to <paramref name="transport"/>.</summary>
    /// <param name="source">The store's outbox.</param>
    /// <param name="transport">The broker publisher.</param>
    /// <param name="options">Batch size, poll interval and back-off (validated here).</param>
    /// <param name="time">The clock back-off waits on; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Where failed sends are logged; nowhere when null.</param>
    public OutboxRelay(IOutboxSource source, IOutboxTransport transport, OutboxOptions options, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _source = source;
        _transport = transport;
        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Messages the broker confirmed and the outbox let go of.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Batches sent (fully or in part).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Sends, claims or removals that failed and were tried again.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Messages the broker refused for themselves and that were held back (with their partition key) to be tried again.</summary>
    public long Deferred => Interlocked.Read(ref _deferred);

    /// <summary>Relays until <paramref name="cancellationToken"/> is cancelled; returns then (not an error).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        TimeSpan delay = _options.MinRetryDelay;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (await RelayOnceAsync(cancellationToken).ConfigureAwait(false))
                {
                    delay = _options.MinRetryDelay;
                    continue;
                }

                await _source.WaitAsync(_options.PollInterval, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                Interlocked.Increment(ref _failures);
                OutboxLog.RelayFailed(_logger, delay.TotalMilliseconds, exception);
                try
                {
                    await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRetryDelay.Ticks));
            }
        }
    }

    /// <summary>The wait before a refused message's next try: <see cref="OutboxOptions.MinRetryDelay"/> doubling per refusal, at most <see cref="OutboxOptions.MaxRetryDelay"/>.</summary>
    private TimeSpan DeferDelay(int attempts)
        => TimeSpan.FromTicks((long)Math.Min(_options.MinRetryDelay.Ticks * Math.Pow(2, Math.Min(attempts, 30)), _options.MaxRetryDelay.Ticks));

    /// <summary>
    /// Claims one batch, sends it and removes what was confirmed. Returns false when the outbox had nothing for this relay; throws
    /// when the send confirmed less than the whole batch (after removing what it did confirm) or the store failed.
    /// </summary>
    public async Task<bool> RelayOnceAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<OutboxMessage> batch = await _source.ClaimAsync(_options.BatchSize, cancellationToken).ConfigureAwait(false);
        if (batch.Count == 0)
        {
            return false;
        }

        OutboxSendResult result;
        try
        {
            result = await _transport.SendAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            result = new OutboxSendResult(0, exception);
        }

        Interlocked.Increment(ref _batches);
        int confirmed = Math.Clamp(result.Confirmed, 0, batch.Count);
        if (confirmed > 0)
        {
            // Not cancellable: the broker has these, and forgetting to remove them would only send them twice.
            await _source.MarkSentAsync(batch, confirmed, CancellationToken.None).ConfigureAwait(false);
            Interlocked.Add(ref _sent, confirmed);
        }

        if (confirmed < batch.Count)
        {
            OutboxMessage next = batch[confirmed];
            if (result.Failure is OutboxMessageRefusedException refused)
            {
                // Refused for itself (unroutable, rejected): hold back only its key, retried later; the rest of the outbox goes on now.
                TimeSpan delay = DeferDelay(next.Attempts);
                await _source.DeferAsync(next, delay, refused.Message, CancellationToken.None).ConfigureAwait(false);
                Interlocked.Increment(ref _deferred);
                OutboxLog.MessageDeferred(_logger, next.EventId, next.EventType, next.PartitionKey, delay.TotalMilliseconds, refused.Message, null);
                return true;
            }

            throw new OutboxSendException(next, result.Failure);
        }

        return true;
    }
}
