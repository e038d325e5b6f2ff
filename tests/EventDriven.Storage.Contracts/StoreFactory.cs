using EventDriven.Serialization;
using EventDriven.Store;

namespace EventDriven.Storage.Contracts;

/// <summary>Creates the stores one test class needs and disposes them (and their files) when the class's test ends.</summary>
public abstract class StoreFactory : IAsyncDisposable
{
    /// <summary>A small page, so every read in the tests crosses page boundaries.</summary>
    public const int SmallPageSize = 7;

    /// <summary>A limit the tests can go over cheaply.</summary>
    public const int SmallMaxEventSize = 4096;

    public abstract string Name { get; }

    public abstract IEventStore Create(IEventSerializer? serializer = null);

    public abstract ValueTask DisposeAsync();

    public override string ToString() => Name;
}

public sealed class InMemoryStoreFactory : StoreFactory
{
    public override string Name => "in-memory";

    public override IEventStore Create(IEventSerializer? serializer = null)
        => new InMemoryEventStore(serializer ?? TestSerializer.Create(), SmallMaxEventSize);

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
