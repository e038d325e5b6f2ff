using EventDriven.Store;

namespace EventDriven.Storage.Contracts;

public static class StoreRead
{
    public static async Task<List<StoredEvent>> AllAsync(IAsyncEnumerable<StoredEvent> source)
    {
        List<StoredEvent> list = [];
        await foreach (StoredEvent stored in source)
        {
            list.Add(stored);
        }

        return list;
    }

    public static EventToAppend[] Items(params IEvent[] events) => [.. events.Select(e => new EventToAppend(e))];
}
