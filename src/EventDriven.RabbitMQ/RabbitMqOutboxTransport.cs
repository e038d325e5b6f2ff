using System.Diagnostics;
using System.Globalization;
using EventDriven.Outbox;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace EventDriven.RabbitMQ;

/// <summary>
/// The outbox relay's way to RabbitMQ (<see cref="IOutboxTransport"/>): publishes each batch to <see cref="RabbitMqOptions.Exchange"/>
/// with the event type as the routing key, <b>mandatory</b> (an event no queue is bound for comes back as an error, it is never
/// dropped) and persistent, on a channel with publisher confirms, and reports the confirmed prefix.
/// </summary>
/// <remarks>
/// A batch's messages are published back to back on one channel (the broker keeps their order) and their confirms awaited in
/// order. A connection that fails is dropped; the next batch opens a new one, so the relay's back-off is the reconnect delay.
/// </remarks>
public sealed class RabbitMqOutboxTransport : IOutboxTransport, IAsyncDisposable
{
    private readonly RabbitMqOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnection? _connection;
    private IChannel? _channel;
    private long _published;

    /// <summary>Creates the publisher; it connects at the first batch.</summary>
    public RabbitMqOutboxTransport(RabbitMqOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>Messages the broker confirmed.</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <inheritdoc />
    public async ValueTask<OutboxSendResult> SendAsync(IReadOnlyList<OutboxMessage> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            IChannel channel;
            try
            {
                channel = await EnsureChannelAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                await ResetAsync().ConfigureAwait(false);
                return new OutboxSendResult(0, new RabbitMqUnavailableException(_options.Uri, exception));
            }

            using Activity? span = RabbitMqActivitySource.StartSend(_options, batch.Count);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.ConfirmTimeout);
            var confirms = new Task[batch.Count];
            for (int i = 0; i < batch.Count; i++)
            {
                OutboxMessage message = batch[i];
                confirms[i] = channel.BasicPublishAsync(_options.Exchange, message.EventType, mandatory: true, Properties(message), message.Payload, timeout.Token).AsTask();
            }

            int confirmed = 0;
            Exception? failure = null;
            for (; confirmed < confirms.Length; confirmed++)
            {
                try
                {
                    await confirms[confirmed].ConfigureAwait(false);
                }
                catch (Exception exception)
                {
                    failure = Describe(batch[confirmed], exception);
                    break;
                }
            }

            if (failure is not null)
            {
                // Observe the rest (their outcome no longer matters: they are sent again), and drop a channel that failed for
                // anything but a broker's answer about one message.
                for (int i = confirmed + 1; i < confirms.Length; i++)
                {
                    try
                    {
                        await confirms[i].ConfigureAwait(false);
                    }
                    catch (Exception)
                    {
                        // Sent again with the rest of the batch.
                    }
                }

                if (failure is not RabbitMqPublishRefusedException)
                {
                    await ResetAsync().ConfigureAwait(false);
                }

                span?.SetStatus(ActivityStatusCode.Error, failure.Message);
            }

            Interlocked.Add(ref _published, confirmed);
            return new OutboxSendResult(confirmed, failure);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Closes the channel and the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await ResetAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static BasicProperties Properties(OutboxMessage message)
    {
        var headers = new Dictionary<string, object?>(4, StringComparer.Ordinal)
        {
            [RabbitMqHeaders.SchemaVersion] = message.SchemaVersion,
            [RabbitMqHeaders.PartitionKey] = message.PartitionKey,
            [RabbitMqHeaders.OccurredAt] = message.OccurredAt.ToString("O", CultureInfo.InvariantCulture),
        };
        if (message.CausationId is { } causation)
        {
            headers[RabbitMqHeaders.CausationId] = causation.ToString();
        }

        if (Activity.Current is { } activity)
        {
            headers[RabbitMqHeaders.TraceParent] = activity.Id;
        }

        return new BasicProperties
        {
            MessageId = message.EventId.ToString(),
            Type = message.EventType,
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Persistent,
            CorrelationId = message.CorrelationId?.ToString(),
            Timestamp = new AmqpTimestamp(message.OccurredAt.ToUnixTimeSeconds()),
            Headers = headers,
        };
    }

    private Exception Describe(OutboxMessage message, Exception exception) => exception switch
    {
        PublishReturnException returned => new RabbitMqPublishRefusedException(message, $"unroutable: no queue is bound to routing key '{returned.RoutingKey}' on exchange '{returned.Exchange}' ({returned.ReplyCode} {returned.ReplyText}); a consumer's endpoint declares its bindings when it starts", exception),
        PublishException => new RabbitMqPublishRefusedException(message, "the broker refused it (nack)", exception),
        OperationCanceledException => new RabbitMqUnavailableException(_options.Uri, new TimeoutException($"the broker did not confirm the batch within RabbitMqOptions.ConfirmTimeout ({_options.ConfirmTimeout})", exception)),
        _ => new RabbitMqUnavailableException(_options.Uri, exception),
    };

    private async Task<IChannel> EnsureChannelAsync(CancellationToken cancellationToken)
    {
        if (_channel is { IsOpen: true } open)
        {
            return open;
        }

        await ResetAsync().ConfigureAwait(false);
        _connection = await RabbitMqConnections.OpenAsync(_options, "outbox relay", cancellationToken).ConfigureAwait(false);

        // No rate limiter: it could hold a later publish back while an earlier one goes, and the batch size bounds what is in flight.
        _channel = await _connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true, outstandingPublisherConfirmationsRateLimiter: null),
            cancellationToken).ConfigureAwait(false);
        await RabbitMqConnections.DeclareExchangeAsync(_channel, _options, cancellationToken).ConfigureAwait(false);
        return _channel;
    }

    private async Task ResetAsync()
    {
        IChannel? channel = _channel;
        IConnection? connection = _connection;
        _channel = null;
        _connection = null;
        try
        {
            if (channel is not null)
            {
                await channel.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (Exception)
        {
            // A channel of a dead connection: nothing to close.
        }

        try
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (Exception)
        {
            // Already gone.
        }
    }
}
