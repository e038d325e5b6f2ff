using System.Diagnostics;
using EventDriven.Outbox;
using EventDriven.Serialization;
using EventDriven.Topology;
using EventDriven.Transport;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace EventDriven.RabbitMQ;

/// <summary>
/// This service's consumer: declares its queue (<see cref="RabbitMqOptions.Endpoint"/>) bound to the event types its handlers take,
/// hands each message to the bus (<see cref="IEventReceiver"/>) and acknowledges it only once the bus is done with it (handled, or
/// retried and dead-lettered by the bus). Runs as a hosted service; reconnects after the broker went away.
/// </summary>
/// <remarks>
/// <para>
/// <b>At least once.</b> A message is acknowledged after its handlers ran (and, for <c>[EventHandler(Inbox = true)]</c> handlers,
/// after their inbox mark committed). A crash or a lost connection before that makes the broker deliver it again, to this instance
/// or another: handlers with the inbox run once in effect; others must be idempotent.
/// </para>
/// <para>
/// <b>Poison.</b> A message that can never be handled (unknown type, newer schema, corrupt or oversized body, missing headers) is
/// published to the dead-letter queue <c>&lt;endpoint&gt;.dead-letters</c> with the reason in <see cref="RabbitMqHeaders.DeadLetterReason"/>
/// and acknowledged; the consumer goes on. So is one whose handlers failed when the bus reports it (inline mode, after the retry
/// policy); in ring-buffer mode the bus's own dead-letter sink has it by then.
/// </para>
/// </remarks>
public sealed class RabbitMqEndpoint : IHostedService, IAsyncDisposable
{
    private readonly RabbitMqOptions _options;
    private readonly IEventReceiver _receiver;
    private readonly IEventSerializer _serializer;
    private readonly IReadOnlyList<string> _bindings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource? _stopping;
    private Task? _running;
    private long _received;
    private long _acknowledged;
    private long _redelivered;
    private long _deadLettered;
    private long _requeued;
    private long _connections;
    private readonly Lock _waitersGate = new();
    private List<(Func<bool> Condition, TaskCompletionSource Reached)>? _waiters;

    /// <summary>Creates the endpoint; it connects when started.</summary>
    /// <param name="options">The broker and <see cref="RabbitMqOptions.Endpoint"/> (required).</param>
    /// <param name="receiver">The bus.</param>
    /// <param name="topology">The handlers of this process (default <see cref="EventTopology.Current"/>): which event types to bind.</param>
    /// <param name="outbox">The event types this service sends (not bound: it handles them as it publishes them).</param>
    /// <param name="time">The clock of the reconnect back-off.</param>
    /// <param name="logger">Where broker failures and dead letters are logged.</param>
    public RabbitMqEndpoint(RabbitMqOptions options, IEventReceiver receiver, EventTopology? topology = null, OutboxOptions? outbox = null, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(receiver);
        options.Validate();
        if (options.Endpoint is null)
        {
            throw new ArgumentException("RabbitMqOptions.Endpoint is not set: name this service's queue (e.g. \"inventory\") to consume.", nameof(options));
        }

        _options = options;
        _receiver = receiver;
        _serializer = options.Serializer ?? new JsonEventSerializer(new EventTypeRegistry());
        _bindings = EndpointBindings.For(options, topology ?? EventTopology.Current, outbox);
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The queue's name.</summary>
    public string Queue => _options.Endpoint!;

    /// <summary>The queue that keeps what could not be handled, with the reason.</summary>
    public string DeadLetterQueue => Queue + ".dead-letters";

    /// <summary>The routing keys (event type names) the queue is bound to.</summary>
    public IReadOnlyList<string> Bindings => _bindings;

    /// <summary>Completes once the queue and its bindings are declared and the first consumer is registered.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Messages taken from the queue (redeliveries included).</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Messages acknowledged (handled, or dead-lettered).</summary>
    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    /// <summary>Messages the broker marked as delivered before (to this or another consumer that did not acknowledge).</summary>
    public long Redelivered => Interlocked.Read(ref _redelivered);

    /// <summary>Messages sent to <see cref="DeadLetterQueue"/>.</summary>
    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    /// <summary>Messages given back to the queue unhandled (the endpoint stopping, the bus's stop timeout, a dead-letter publish that failed): delivered again.</summary>
    public long Requeued => Interlocked.Read(ref _requeued);

    /// <summary>Connections opened (more than one: the broker went away and the endpoint reconnected).</summary>
    public long Connections => Interlocked.Read(ref _connections);

    /// <summary>Completes once <paramref name="condition"/> over the counters holds (checked now and after every count): for tests.</summary>
    internal Task WhenAsync(Func<bool> condition)
    {
        lock (_waitersGate)
        {
            if (condition())
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (_waiters ??= []).Add((condition, reached));
            return reached.Task;
        }
    }

    /// <summary>After a counter moved: releases the waiters whose condition now holds (one volatile read when nobody waits).</summary>
    private void Counted()
    {
        if (Volatile.Read(ref _waiters) is null)
        {
            return;
        }

        lock (_waitersGate)
        {
            _waiters?.RemoveAll(static waiter => waiter.Condition() && waiter.Reached.TrySetResult());
        }
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _stopping = new CancellationTokenSource();
        CancellationToken stopping = _stopping.Token;
        _running = Task.Run(() => RunAsync(stopping), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>Stops taking messages; a message in flight is not acknowledged if its handling was cut short, and the broker delivers it again.</remarks>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopping is null || _running is null)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _running.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping?.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        TimeSpan delay = _options.MinReconnectDelay;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await ConsumeUntilBrokenAsync(stopping).ConfigureAwait(false);
                delay = _options.MinReconnectDelay;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                RabbitMqLog.EndpointDisconnected(_logger, Queue, delay.TotalMilliseconds, exception);
                try
                {
                    await Task.Delay(delay, _time, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
            }
        }
    }

    private async Task ConsumeUntilBrokenAsync(CancellationToken stopping)
    {
        await using IConnection connection = await RabbitMqConnections.OpenAsync(_options, "endpoint " + Queue, stopping).ConfigureAwait(false);
        Interlocked.Increment(ref _connections);
        var broken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.ConnectionShutdownAsync += (_, _) =>
        {
            broken.TrySetResult();
            return Task.CompletedTask;
        };

        await using IChannel channel = await connection.CreateChannelAsync(cancellationToken: stopping).ConfigureAwait(false);
        await using IChannel deadLetters = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
            stopping).ConfigureAwait(false);
        channel.ChannelShutdownAsync += (_, _) =>
        {
            broken.TrySetResult();
            return Task.CompletedTask;
        };

        // Without its dead-letter channel the endpoint could only requeue poison forever: reconnect instead.
        deadLetters.ChannelShutdownAsync += (_, _) =>
        {
            broken.TrySetResult();
            return Task.CompletedTask;
        };

        await DeclareAsync(channel, stopping).ConfigureAwait(false);
        await channel.BasicQosAsync(0, _options.PrefetchCount, global: false, stopping).ConfigureAwait(false);

        var consumer = new AsyncEventingBasicConsumer(channel);
        // Not disposed: a delivery finishing after the channel closed still releases it (a SemaphoreSlim needs no disposal).
        var inFlight = new SemaphoreSlim(_options.ConsumerConcurrency, _options.ConsumerConcurrency);
        consumer.ReceivedAsync += (_, delivery) => StartHandlingAsync(channel, deadLetters, delivery, inFlight, stopping);
        string tag = await channel.BasicConsumeAsync(Queue, autoAck: false, consumer, stopping).ConfigureAwait(false);
        _ready.TrySetResult();
        try
        {
            await ConsumeAsync(channel, broken, tag, stopping).ConfigureAwait(false);
        }
        finally
        {
            // Deliveries still being finished answer on this channel: let them, before it closes (the bus finishes or fails them).
            await DrainAsync(inFlight).ConfigureAwait(false);
        }
    }

    private async Task ConsumeAsync(IChannel channel, TaskCompletionSource broken, string tag, CancellationToken stopping)
    {
        await broken.Task.WaitAsync(stopping).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
        if (stopping.IsCancellationRequested)
        {
            try
            {
                await channel.BasicCancelAsync(tag, noWait: false, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The connection went too: the broker requeues what was not acknowledged either way.
            }

            stopping.ThrowIfCancellationRequested();
        }

        throw new RabbitMqUnavailableException(_options.Uri, new InvalidOperationException($"the connection of endpoint '{Queue}' was closed"));
    }

    private async Task DeclareAsync(IChannel channel, CancellationToken cancellationToken)
    {
        await RabbitMqConnections.DeclareExchangeAsync(channel, _options, cancellationToken).ConfigureAwait(false);
        var queueArguments = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["x-queue-type"] = _options.QueueType == RabbitMqQueueType.Quorum ? "quorum" : "classic",
        };
        if (_options.SingleActiveConsumer)
        {
            queueArguments["x-single-active-consumer"] = true;
        }

        await channel.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false, queueArguments, cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (string eventType in _bindings)
        {
            await channel.QueueBindAsync(Queue, _options.Exchange, eventType, arguments: null, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        // The dead-letter queue is bound to a direct exchange of its own under the endpoint's name: a poison message's own routing
        // key (its event type) must not reach the other services' queues again.
        string deadLetterExchange = DeadLetterExchange;
        await channel.ExchangeDeclareAsync(deadLetterExchange, ExchangeType.Direct, durable: true, autoDelete: false, arguments: null, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueDeclareAsync(DeadLetterQueue, durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?> { ["x-queue-type"] = queueArguments["x-queue-type"] }, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueBindAsync(DeadLetterQueue, deadLetterExchange, Queue, arguments: null, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private string DeadLetterExchange => _options.Exchange + ".dead-letters";

    /// <summary>
    /// Called by the client for each delivery, one after the other in the queue's order. Returns as soon as the delivery is handed to
    /// the bus (in ring mode the event is then queued in its partition, in delivery order) when fewer than
    /// <see cref="RabbitMqOptions.ConsumerConcurrency"/> are being finished, so the next delivery is queued while this one is handled.
    /// </summary>
    private async Task StartHandlingAsync(IChannel channel, IChannel deadLetters, BasicDeliverEventArgs delivery, SemaphoreSlim inFlight, CancellationToken stopping)
    {
        await inFlight.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        Task handling;
        try
        {
            handling = HandleAsync(channel, deadLetters, delivery, stopping);
        }
        catch
        {
            inFlight.Release();
            throw;
        }

        if (handling.IsCompleted)
        {
            inFlight.Release();
            await handling.ConfigureAwait(false);
            return;
        }

        _ = handling.ContinueWith(static (_, gate) => ((SemaphoreSlim)gate!).Release(), inFlight, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task DrainAsync(SemaphoreSlim inFlight)
    {
        long started = _time.GetTimestamp();
        for (int i = 0; i < _options.ConsumerConcurrency; i++)
        {
            TimeSpan left = _options.ConfirmTimeout - _time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero || !await inFlight.WaitAsync(left).ConfigureAwait(false))
            {
                return; // the broker requeues whatever is still unanswered when the channel closes
            }
        }
    }

    private async Task HandleAsync(IChannel channel, IChannel deadLetters, BasicDeliverEventArgs delivery, CancellationToken stopping)
    {
        Interlocked.Increment(ref _received);
        Counted();
        if (delivery.Redelivered)
        {
            Interlocked.Increment(ref _redelivered);
        }

        // The body's memory belongs to the client only until this method returns: copy it.
        byte[] body = delivery.Body.ToArray();
        ulong tag = delivery.DeliveryTag;
        IReadOnlyBasicProperties properties = delivery.BasicProperties;
        using Activity? span = RabbitMqActivitySource.StartProcess(Queue, TraceParentOf(properties), properties.MessageId, properties.CorrelationId, delivery.RoutingKey, tag);
        try
        {
            await ProcessAsync(channel, deadLetters, delivery, body, span, stopping).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // Neither handled nor dead-lettered (stopping, the stop timeout, the dead-letter publish failed, the channel broke): give
            // it back, so it comes again here or at another instance. A message left neither acked nor nacked would hold a prefetch
            // slot for the life of the channel: after PrefetchCount of them the queue would stop delivering.
            span?.SetStatus(ActivityStatusCode.Error, exception.Message);
            Interlocked.Increment(ref _requeued);
            Counted();
            RabbitMqLog.Requeued(_logger, properties.MessageId, properties.Type, Queue, exception);
            try
            {
                await channel.BasicNackAsync(tag, multiple: false, requeue: true, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The channel is gone: the broker requeues everything it had not acknowledged anyway.
            }
        }
    }

    private async Task ProcessAsync(IChannel channel, IChannel deadLetters, BasicDeliverEventArgs delivery, byte[] body, Activity? span, CancellationToken stopping)
    {
        IEvent @event;
        ReceivedEventContext context;
        try
        {
            (@event, context) = ReceivedMessage.Read(delivery.BasicProperties, body, _serializer, _options.MaxMessageSize);
        }
        catch (PoisonMessageException poison)
        {
            span?.SetStatus(ActivityStatusCode.Error, poison.Message);
            await DeadLetterAsync(deadLetters, delivery, body, poison, stopping).ConfigureAwait(false);
            await AcknowledgeAsync(channel, delivery.DeliveryTag).ConfigureAwait(false);
            return;
        }

        try
        {
            await _receiver.ReceiveAsync(@event, context, stopping).ConfigureAwait(false);
        }
        catch (Exception failure) when (!stopping.IsCancellationRequested && failure is not (OperationCanceledException or ObjectDisposedException))
        {
            // The bus reported the event as not handleable here: handlers that failed after the retry policy (inline mode), or no
            // handler with NoHandlerBehavior.Throw. Redelivering would fail the same way: keep it with the reason instead.
            span?.SetStatus(ActivityStatusCode.Error, failure.Message);
            await DeadLetterAsync(deadLetters, delivery, body, failure, stopping).ConfigureAwait(false);
        }

        await AcknowledgeAsync(channel, delivery.DeliveryTag).ConfigureAwait(false);
    }

    private static string? TraceParentOf(IReadOnlyBasicProperties properties)
        => properties.Headers is { } headers && headers.TryGetValue(RabbitMqHeaders.TraceParent, out object? value)
            ? value switch
            {
                byte[] bytes => System.Text.Encoding.UTF8.GetString(bytes),
                string text => text,
                _ => null,
            }
            : null;

    private async Task AcknowledgeAsync(IChannel channel, ulong tag)
    {
        await channel.BasicAckAsync(tag, multiple: false, CancellationToken.None).ConfigureAwait(false);
        Interlocked.Increment(ref _acknowledged);
        Counted();
    }

    private async Task DeadLetterAsync(IChannel deadLetters, BasicDeliverEventArgs delivery, byte[] body, Exception reason, CancellationToken stopping)
    {
        var headers = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (delivery.BasicProperties.Headers is { } original)
        {
            foreach (KeyValuePair<string, object?> header in original)
            {
                headers[header.Key] = header.Value;
            }
        }

        headers[RabbitMqHeaders.DeadLetterReason] = reason.Message;
        headers[RabbitMqHeaders.DeadLetterError] = (reason is PoisonMessageException { InnerException: { } inner } ? inner : reason).GetType().FullName;
        headers[RabbitMqHeaders.DeadLetterQueue] = Queue;
        var properties = new BasicProperties(delivery.BasicProperties) { Headers = headers, DeliveryMode = DeliveryModes.Persistent };

        // Confirmed before the original is acknowledged: if this fails, the original stays and comes back.
        await deadLetters.BasicPublishAsync(DeadLetterExchange, Queue, mandatory: true, properties, body, stopping).ConfigureAwait(false);
        Interlocked.Increment(ref _deadLettered);
        Counted();
        RabbitMqLog.DeadLettered(_logger, delivery.BasicProperties.MessageId, delivery.BasicProperties.Type, DeadLetterQueue, reason.Message, null);
    }
}
