using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using EventDriven.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EventDriven.Projections;

/// <summary>Registers projections that run for the life of the host.</summary>
public static class ProjectionServiceCollectionExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TProjection"/> (a singleton), its <see cref="ProjectionRunner{TWriter}"/> and a hosted service that
    /// runs it. Needs an <see cref="IEventStore"/> and an <see cref="IProjectionCheckpoints{TWriter}"/> for <typeparamref name="TWriter"/>
    /// (<c>AddEventDrivenSqlite</c> registers the SQLite one; <see cref="InMemoryProjectionCheckpoints"/> is registered here for in-memory writers).
    /// </summary>
    /// <remarks>One runner per writer type: to run several projections of one writer type, create <see cref="ProjectionRunner{TWriter}"/>s yourself.</remarks>
    public static IServiceCollection AddProjection<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TProjection, TWriter>(this IServiceCollection services, Action<ProjectionRunnerOptions>? configure = null)
        where TProjection : class, IProjection<TWriter>
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new ProjectionRunnerOptions();
        configure?.Invoke(options);
        options.Validate();
        services.TryAddSingleton<TProjection>();
        services.TryAddSingleton<IProjectionCheckpoints<InMemoryProjectionWriter>, InMemoryProjectionCheckpoints>();
        services.AddSingleton(provider => new ProjectionRunner<TWriter>(
            provider.GetService<IEventStore>() ?? throw new InvalidOperationException($"Projection {typeof(TProjection).FullName} needs an IEventStore; register one (AddEventDrivenSqlite, AddEventDrivenPostgres) first."),
            provider.GetRequiredService<TProjection>(),
            provider.GetService<IProjectionCheckpoints<TWriter>>() ?? throw new InvalidOperationException($"Projection {typeof(TProjection).FullName} writes through {typeof(TWriter).Name}, but no IProjectionCheckpoints<{typeof(TWriter).Name}> is registered."),
            options,
            provider.GetService<ILoggerFactory>()?.CreateLogger("EventDriven.Projections." + typeof(TProjection).Name),
            provider.GetService<IMeterFactory>()));
        services.AddSingleton<IProjectionRunner>(provider => provider.GetRequiredService<ProjectionRunner<TWriter>>());
        services.AddSingleton<ProjectionHostedService<TWriter>>();
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<ProjectionHostedService<TWriter>>());
        return services;
    }
}
