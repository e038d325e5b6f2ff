using System.Diagnostics;

namespace EventDriven.RabbitMQ;

/// <summary>
/// Tracing of the transport: the <see cref="ActivitySource"/> named "EventDriven.RabbitMQ", with the OpenTelemetry messaging
/// conventions: a producer span <c>send &lt;exchange&gt;</c> per relayed batch (its context travels in each message's
/// <c>traceparent</c> header) and a consumer span <c>process &lt;queue&gt;</c> per received message, a child of the sender's span;
/// the bus's handler spans link to it. Subscribe with <c>tracing.AddSource(RabbitMqActivitySource.Name)</c>.
/// </summary>
public static class RabbitMqActivitySource
{
    /// <summary>The source's name.</summary>
    public const string Name = "EventDriven.RabbitMQ";

    internal static readonly ActivitySource Source = new(Name, typeof(RabbitMqActivitySource).Assembly.GetName().Version?.ToString());

    /// <summary>The producer span of one batch; null when nobody listens.</summary>
    internal static Activity? StartSend(RabbitMqOptions options, int messages)
    {
        Activity? activity = Source.StartActivity("send " + options.Exchange, ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "rabbitmq");
            activity.SetTag("messaging.operation.type", "send");
            activity.SetTag("messaging.operation.name", "publish");
            activity.SetTag("messaging.destination.name", options.Exchange);
            activity.SetTag("messaging.batch.message_count", messages);
            activity.SetTag("server.address", options.Uri.Host);
            activity.SetTag("server.port", options.Uri.IsDefaultPort ? 5672 : options.Uri.Port);
        }

        return activity;
    }

    /// <summary>The consumer span of one delivery, a child of the span in its <c>traceparent</c> header; null when nobody listens.</summary>
    internal static Activity? StartProcess(string queue, string? traceParent, string? messageId, string? correlationId, string routingKey, ulong deliveryTag)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        ActivityContext.TryParse(traceParent, traceState: null, isRemote: true, out ActivityContext parent);
        Activity? activity = Source.StartActivity("process " + queue, ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "rabbitmq");
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag("messaging.destination.name", queue);
            activity.SetTag("messaging.message.id", messageId);
            activity.SetTag("messaging.message.conversation_id", correlationId);
            activity.SetTag("messaging.rabbitmq.destination.routing_key", routingKey);
            activity.SetTag("messaging.rabbitmq.message.delivery_tag", (long)deliveryTag);
        }

        return activity;
    }
}
