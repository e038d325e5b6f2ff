using ECommerce.Orders;
using EventDriven.Projections;
using EventDriven.Store;

namespace ECommerce.Invariants;

/// <summary>
/// One pass over a run's events in the store: rows and distinct ids per event type, and a fresh <see cref="OrderBook"/> rebuilt by
/// the order-book projection (<see cref="OrderBookReadModel"/>) on the projection runner, from a checkpoint at the run's start.
/// </summary>
/// <param name="Rows">Rows stored by the run (unreadable ones included).</param>
/// <param name="DistinctIds">Distinct event ids among the readable rows.</param>
/// <param name="RowsByType">Readable rows per event type.</param>
/// <param name="Replayed">The order book rebuilt from the store.</param>
/// <param name="Applied">Events the projection applied.</param>
/// <param name="Unreadable">Rows the projection could not read and passed over.</param>
/// <param name="Failure">Why the projection stopped, if it did (an event it could not apply).</param>
public sealed record StoreCensus(long Rows, long DistinctIds, IReadOnlyDictionary<string, long> RowsByType, OrderBook Replayed, long Applied, long Unreadable, string? Failure)
{
    /// <summary>Projects every event after <paramref name="afterPosition"/> once, counting as it goes.</summary>
    public static async Task<StoreCensus> TakeAsync(IEventStore store, long afterPosition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var model = new OrderBookReadModel();
        var checkpoints = new InMemoryProjectionCheckpoints();
        if (afterPosition > 0)
        {
            // The run's events start after this position: the projection's checkpoint starts there.
            await checkpoints.CommitAsync(model.Name, 0, afterPosition, static _ => { }, cancellationToken).ConfigureAwait(false);
        }

        var runner = new ProjectionRunner<InMemoryProjectionWriter>(
            store, model, checkpoints, new ProjectionRunnerOptions { BatchSize = 4096, SkipUnreadableEvents = true });
        string? failure = null;
        try
        {
            await runner.CatchUpAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ProjectionFailedException stopped)
        {
            failure = stopped.Message;
        }

        return new StoreCensus(model.Rows + runner.Skipped, model.DistinctIds, model.RowsByType, model.Book, runner.Applied, runner.Skipped, failure);
    }
}
