using Microsoft.Extensions.Hosting;

namespace EventDriven.Sagas;

/// <summary>Resumes a saga's open instances when the host starts, and makes its saves durable when the host stops.</summary>
internal sealed class SagaHostedService<TState>(SagaRuntime<TState> runtime) : IHostedService
    where TState : class, new()
{
    public Task StartAsync(CancellationToken cancellationToken) => runtime.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => runtime.StopAsync(cancellationToken);
}
