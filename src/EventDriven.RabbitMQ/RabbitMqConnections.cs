using RabbitMQ.Client;

namespace EventDriven.RabbitMQ;

/// <summary>Connections to the broker as the options say. Automatic recovery is off: the publisher and the consumer reconnect themselves, so they know what was in flight.</summary>
internal static class RabbitMqConnections
{
    public static Task<IConnection> OpenAsync(RabbitMqOptions options, string purpose, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            Uri = options.Uri,
            AutomaticRecoveryEnabled = false,
            TopologyRecoveryEnabled = false,
            RequestedConnectionTimeout = TimeSpan.FromSeconds(10),
            ClientProvidedName = $"EventDriven {purpose} ({Environment.MachineName}, pid {Environment.ProcessId})",
        };
        return factory.CreateConnectionAsync(cancellationToken);
    }

    /// <summary>The topic exchange every service publishes to (durable; declaring it again is harmless).</summary>
    public static Task DeclareExchangeAsync(IChannel channel, RabbitMqOptions options, CancellationToken cancellationToken)
        => channel.ExchangeDeclareAsync(options.Exchange, ExchangeType.Topic, durable: true, autoDelete: false, arguments: null, passive: false, noWait: false, cancellationToken);
}
