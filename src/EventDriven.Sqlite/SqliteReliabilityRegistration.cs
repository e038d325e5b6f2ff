using EventDriven.Reliability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EventDriven.Sqlite;

/// <summary>The inbox and dead-letter half of <c>AddEventDrivenSqlite</c>: both in the store's file, one of each per container.</summary>
internal static class SqliteReliabilityRegistration
{
    /// <summary>
    /// Registers <see cref="SqliteInbox"/> as the <see cref="IInbox"/> and <see cref="SqliteDeadLetterStore"/> as the
    /// <see cref="IDeadLetterSink"/>, each also under its own type (for retention, listing and re-driving), disposed with the container.
    /// </summary>
    /// <remarks>
    /// Replace, not TryAdd: <c>AddEventDriven</c> registers the in-memory dead-letter sink with TryAdd, so replacing makes the SQLite
    /// sink win whichever of the two is called first; and TryAdd there then finds this one. The same holds for an inbox or sink the
    /// application registered before: call <c>AddEventDrivenSqlite</c> first, then register your own, to keep yours.
    /// The two open their table only when first resolved (when the bus starts, for handlers with an inbox).
    /// </remarks>
    public static void Add(IServiceCollection services)
    {
        services.AddSingleton(static sp => new SqliteInbox(sp.GetRequiredService<SqliteStoreOptions>()));
        services.Replace(ServiceDescriptor.Singleton<IInbox>(static sp => sp.GetRequiredService<SqliteInbox>()));
        services.AddSingleton(static sp => new SqliteDeadLetterStore(sp.GetRequiredService<SqliteStoreOptions>()));
        services.Replace(ServiceDescriptor.Singleton<IDeadLetterSink>(static sp => sp.GetRequiredService<SqliteDeadLetterStore>()));
    }
}
