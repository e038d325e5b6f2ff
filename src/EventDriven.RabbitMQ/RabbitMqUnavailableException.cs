namespace EventDriven.RabbitMQ;

/// <summary>The broker could not be reached, or the connection broke; what was not confirmed stays in the outbox and is sent again.</summary>
public sealed class RabbitMqUnavailableException : Exception
{
    /// <summary>Creates the exception for the broker at <paramref name="broker"/>.</summary>
    public RabbitMqUnavailableException(Uri broker, Exception inner)
        : base($"RabbitMQ at {Redact(broker)} is unreachable or the connection broke: {inner.Message}", inner)
    {
        Broker = Redact(broker);
    }

    /// <summary>The broker's address, without the password.</summary>
    public string Broker { get; }

    private static string Redact(Uri uri) => $"{uri.Scheme}://{uri.Host}:{(uri.IsDefaultPort ? 5672 : uri.Port)}{uri.AbsolutePath}";
}
