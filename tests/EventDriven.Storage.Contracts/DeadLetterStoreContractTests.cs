using System.Text;
using EventDriven.Reliability;
using EventDriven.Serialization;
using Microsoft.Extensions.Time.Testing;

namespace EventDriven.Storage.Contracts;

/// <summary>The <see cref="IDeadLetterStore"/> contract of every durable backend: kept across restarts, listed in pages, inspected, re-driven, deleted; bad events kept too.</summary>
public abstract class DeadLetterStoreContractTests(ReliabilityStoreFactory factory) : IAsyncLifetime
{
    private static readonly DateTimeOffset s_failedAt = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task Letter_SurvivesReopening_WithEverythingAboutTheFailure_AndReadsBackAsTheEvent()
    {
        var added = new ItemAdded("cart-9", "SKU-1", 3);
        IDeadLetterStore store = factory.OpenDeadLetters();
        await store.WriteAsync(Letter(added, new TimeoutException("the warehouse did not answer for cart-9")), default);
        await ReliabilityStoreFactory.CloseAsync(store);

        IDeadLetterStore reopened = factory.OpenDeadLetters();
        DeadLetterRecord letter = Assert.Single(await reopened.ListAsync());
        Assert.Equal(added.Id, letter.EventId);
        Assert.Equal("ItemAdded", letter.EventType);
        Assert.Equal(1, letter.SchemaVersion);
        Assert.Equal(added.OccurredAt, letter.OccurredAt);
        Assert.Equal("Shop.Stock.Reserve", letter.HandlerName);
        Assert.Equal(typeof(TimeoutException).FullName, letter.ExceptionType);
        Assert.Contains("cart-9", letter.ExceptionMessage, StringComparison.Ordinal);
        Assert.Contains("TimeoutException", letter.ExceptionDetail, StringComparison.Ordinal);
        Assert.Equal(3, letter.Attempts);
        Assert.Equal(s_failedAt, letter.FailedAt);
        Assert.Null(letter.RedrivenAt);
        Assert.Equal(added, reopened.ReadEvent(letter));
        Assert.Equal(added, (await reopened.InspectAsync(letter.Id))!.Event);
    }

    [Fact]
    public async Task Redrive_HandsTheEventOn_ThenMarksTheLetter_AndAFailedRedriveLeavesItWaiting()
    {
        var clock = new FakeTimeProvider(s_failedAt.AddHours(1));
        IDeadLetterStore store = factory.OpenDeadLetters(time: clock);
        var added = new ItemAdded("cart-1", "A", 1);
        await store.WriteAsync(Letter(added), default);
        long id = Assert.Single(await store.ListAsync()).Id;

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.RedriveAsync(id, (_, _) => throw new InvalidOperationException("still down")));
        Assert.Null((await store.GetAsync(id))!.RedrivenAt);

        var handed = new List<IEvent>();
        IEvent redriven = await store.RedriveAsync(id, (e, _) => { handed.Add(e); return default; });

        Assert.Equal(added, redriven);
        Assert.Equal([added], handed);
        Assert.Empty(await store.ListAsync());
        DeadLetterRecord done = Assert.Single(await store.ListAsync(includeRedriven: true));
        Assert.Equal(clock.GetUtcNow(), done.RedrivenAt);
        Assert.Equal(1, done.RedriveCount);
        Assert.Equal(0, await store.CountAsync());
        Assert.Equal(1, await store.CountAsync(includeRedriven: true));
    }

    [Fact]
    public async Task List_PagesInIdOrder_AndDeleteRemovesOneLetter_AndAMissingIdSaysSo()
    {
        IDeadLetterStore store = factory.OpenDeadLetters();
        for (int i = 0; i < 5; i++)
        {
            await store.WriteAsync(Letter(new ItemAdded("cart-" + i, "A", i)), default);
        }

        IReadOnlyList<DeadLetterRecord> first = await store.ListAsync(limit: 2);
        IReadOnlyList<DeadLetterRecord> rest = await store.ListAsync(afterId: first[^1].Id, limit: 10);
        Assert.Equal(2, first.Count);
        Assert.Equal(3, rest.Count);
        long[] ids = [.. first.Concat(rest).Select(l => l.Id)];
        Assert.Equal(ids.Order(), ids);

        Assert.True(await store.DeleteAsync(ids[1]));
        Assert.False(await store.DeleteAsync(ids[1]));
        Assert.Null(await store.GetAsync(ids[1]));
        Assert.Equal(4, await store.CountAsync());
        await Assert.ThrowsAsync<KeyNotFoundException>(async () => await store.RedriveAsync(ids[1], (_, _) => default));
    }

    [Fact]
    public async Task EventThatCannotBeSerialized_IsStillKept_WithTheReason_AndReadingItSaysWhy()
    {
        IDeadLetterStore store = factory.OpenDeadLetters();
        var odd = new NotRegistered("no JSON metadata");

        await store.WriteAsync(Letter(odd), default);

        DeadLetterRecord letter = Assert.Single(await store.ListAsync());
        Assert.Equal(odd.Id, letter.EventId);
        Assert.Equal("NotRegistered", letter.EventType);
        Assert.NotNull(letter.PayloadError);
        DeadLetterInspection inspection = (await store.InspectAsync(letter.Id))!;
        Assert.Null(inspection.Event);
        Assert.Contains("could not be serialized", inspection.ReadError!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EventOfATypeNoLongerRegistered_IsStillListed_AndInspectingItNamesTheType()
    {
        IDeadLetterStore writer = factory.OpenDeadLetters();
        await writer.WriteAsync(Letter(new ItemAdded("cart-1", "A", 1)), default);

        IDeadLetterStore reader = factory.OpenDeadLetters(new JsonEventSerializer(new EventTypeRegistry([])));
        DeadLetterRecord letter = Assert.Single(await reader.ListAsync());
        var unreadable = Assert.Throws<UnreadableDeadLetterException>(() => reader.ReadEvent(letter));

        Assert.Contains("'ItemAdded'", unreadable.Message, StringComparison.Ordinal);
        Assert.Same(letter, unreadable.Letter);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task List_WithAPageSizeBelowOne_Throws(int limit)
    {
        IDeadLetterStore store = factory.OpenDeadLetters();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await store.ListAsync(limit: limit));
    }

    private static DeadLetter Letter(IEvent @event, Exception? exception = null)
        => new(@event, "Shop.Stock.Reserve", exception ?? new InvalidOperationException("handler failed: " + Encoding.UTF8.GetByteCount(@event.EventType)), 3, s_failedAt);
}
