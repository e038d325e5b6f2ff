using EventDriven.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EventDriven.Aggregates;

/// <summary>Registers the <see cref="AggregateRepository"/>.</summary>
public static class AggregateServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="AggregateRepository"/> as a singleton over the registered <see cref="IEventStore"/>, with the registered
    /// <see cref="ISnapshotStore"/> (<c>AddEventDrivenSqlite</c> registers one) unless <paramref name="configure"/> sets another, and
    /// the registered <see cref="IEventBus"/> when <see cref="AggregateRepositoryOptions.PublishSavedEvents"/> is set.
    /// </summary>
    public static IServiceCollection AddAggregateRepository(this IServiceCollection services, Action<AggregateRepositoryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(provider =>
        {
            var options = new AggregateRepositoryOptions();
            configure?.Invoke(options);
            options.Snapshots ??= provider.GetService<ISnapshotStore>();
            options.TimeProvider ??= provider.GetService<TimeProvider>();
            if (options.PublishSavedEvents)
            {
                options.Bus ??= provider.GetService<IEventBus>() ?? throw new InvalidOperationException("PublishSavedEvents is set, but no IEventBus is registered; call AddEventDriven first.");
            }

            return new AggregateRepository(
                provider.GetService<IEventStore>() ?? throw new InvalidOperationException("The aggregate repository needs an IEventStore; register one (AddEventDrivenSqlite, AddEventDrivenPostgres) first."),
                options,
                provider.GetService<ILogger<AggregateRepository>>());
        });
        return services;
    }
}
