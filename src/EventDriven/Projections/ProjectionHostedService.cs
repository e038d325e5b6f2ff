using Microsoft.Extensions.Hosting;

namespace EventDriven.Projections;

/// <summary>Runs a projection's <see cref="ProjectionRunner{TWriter}.RunAsync"/> for the life of the host (registered by <see cref="ProjectionServiceCollectionExtensions.AddProjection{TProjection, TWriter}"/>).</summary>
/// <remarks>A projection that stops (<see cref="ProjectionFailedException"/>) is logged and stays stopped, with the reason in <see cref="Failure"/>; the host goes on.</remarks>
/// <typeparam name="TWriter">What the projection writes through.</typeparam>
public sealed class ProjectionHostedService<TWriter>(ProjectionRunner<TWriter> runner) : BackgroundService
{
    /// <summary>The runner.</summary>
    public ProjectionRunner<TWriter> Runner => runner;

    /// <summary>Why the projection stopped, or null while it runs.</summary>
    public ProjectionFailedException? Failure { get; private set; }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await runner.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (ProjectionFailedException failure)
        {
            Failure = failure;
        }
    }
}
