using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EventDriven.Outbox;

/// <summary>
/// Runs the <see cref="OutboxRelay"/> for the life of the host; stopping waits for the batch in flight. The relay is resolved at
/// start, so the store may be registered before or after the transport; unless <see cref="OutboxRelayActivation.Required"/>, a
/// container without an <see cref="IOutboxSource"/> (a service that only consumes) runs no relay instead of failing.
/// </summary>
internal sealed class OutboxRelayHostedService(IServiceProvider services, OutboxRelayActivation activation) : IHostedService, IAsyncDisposable
{
    private CancellationTokenSource? _stopping;
    private Task? _running;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!activation.Required && services.GetService<IOutboxSource>() is null)
        {
            return Task.CompletedTask;
        }

        OutboxRelay relay = services.GetRequiredService<OutboxRelay>();
        _stopping = new CancellationTokenSource();
        CancellationToken token = _stopping.Token;
        _running = Task.Run(() => relay.RunAsync(token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopping is null || _running is null)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _running.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        _stopping?.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>Whether the container must have an outbox for the relay (AddOutboxRelay) or may have none (a transport's registration).</summary>
internal sealed class OutboxRelayActivation
{
    public bool Required { get; set; }
}
