using Microsoft.Extensions.Hosting;

namespace EventDriven.Outbox;

/// <summary>Runs an <see cref="OutboxRelay"/> for the life of the host; stopping waits for the batch in flight.</summary>
internal sealed class OutboxRelayHostedService(OutboxRelay relay) : IHostedService, IAsyncDisposable
{
    private CancellationTokenSource? _stopping;
    private Task? _running;

    public Task StartAsync(CancellationToken cancellationToken)
    {
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
