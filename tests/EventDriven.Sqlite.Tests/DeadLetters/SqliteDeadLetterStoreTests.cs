using EventDriven.Reliability;
using EventDriven.Serialization;
using EventDriven.Sqlite.Tests.Fixtures;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Sqlite.Tests.DeadLetters;

/// <summary>Dead letters in SQLite: written by the ring's failure policy, kept across restarts, listed, inspected, re-driven, deleted.</summary>
public sealed class SqliteDeadLetterStoreTests : IDisposable
{
    private readonly TempDatabase _file = new();

    public void Dispose() => _file.Dispose();

    [Fact]
    public async Task FailingHandler_DeadLettersIntoSqlite_AndTheLetterSurvivesRestart_ThenIsReDrivenToTheFixedHandler()
    {
        var gate = new RefundGate { ProviderDown = true };
        var refund = new RefundRequested("order-42", 19.99m);
        await using (ServiceProvider services = CreateBus(DispatchMode.RingBuffer, gate))
        {
            var bus = services.GetRequiredService<EventBus>();
            await bus.PublishAsync(refund);
            await bus.StopAsync();
        }

        // A new process: the letter is in the file.
        using (var store = new SqliteDeadLetterStore(Options()))
        {
            DeadLetterRecord letter = Assert.Single(await store.ListAsync());
            Assert.Equal(refund.Id, letter.EventId);
            Assert.Equal("RefundRequested", letter.EventType);
            Assert.Equal(typeof(IssueRefund).FullName, letter.HandlerName);
            Assert.Equal(typeof(TimeoutException).FullName, letter.ExceptionType);
            Assert.Contains("order-42", letter.ExceptionMessage, StringComparison.Ordinal);
            Assert.Contains(nameof(IssueRefund.HandleAsync), letter.ExceptionDetail, StringComparison.Ordinal);
            Assert.Equal(1, letter.Attempts);
            Assert.Equal(refund.OccurredAt, letter.OccurredAt);
            Assert.Null(letter.RedrivenAt);

            DeadLetterInspection inspection = (await store.InspectAsync(letter.Id))!;
            Assert.Null(inspection.ReadError);
            Assert.Equal(refund, inspection.Event);
        }

        gate.ProviderDown = false;
        await using (ServiceProvider services = CreateBus(DispatchMode.Inline, gate))
        {
            var store = services.GetRequiredService<SqliteDeadLetterStore>();
            DeadLetterRecord letter = Assert.Single(await store.ListAsync());

            IEvent redriven = await store.RedriveAsync<RefundRequested>(letter.Id, services.GetRequiredService<IEventBus>());

            Assert.Equal(refund, redriven);
            Assert.Equal([refund.Id], gate.Refunded);
            Assert.Empty(await store.ListAsync());
            DeadLetterRecord done = Assert.Single(await store.ListAsync(includeRedriven: true));
            Assert.NotNull(done.RedrivenAt);
            Assert.Equal(1, done.RedriveCount);
            Assert.Equal(0, await store.CountAsync());
            Assert.Equal(1, await store.CountAsync(includeRedriven: true));
        }
    }

    [Fact]
    public async Task ReDrive_ThatFailsAgainInline_LeavesTheLetterWaiting()
    {
        var gate = new RefundGate { ProviderDown = true };
        await using ServiceProvider services = CreateBus(DispatchMode.Inline, gate);
        var store = services.GetRequiredService<SqliteDeadLetterStore>();
        long id = await WriteAsync(store, new RefundRequested("order-7", 5m));

        await Assert.ThrowsAsync<EventDispatchException>(async () => await store.RedriveAsync<RefundRequested>(id, services.GetRequiredService<IEventBus>()));

        DeadLetterRecord letter = (await store.GetAsync(id))!;
        Assert.Null(letter.RedrivenAt);
        Assert.Equal(0, letter.RedriveCount);
    }

    [Fact]
    public async Task CorruptPayload_IsStillListed_AndInspectingOrReDrivingItSaysWhy()
    {
        using var store = new SqliteDeadLetterStore(Options());
        long good = await WriteAsync(store, new RefundRequested("order-1", 1m));
        long corrupt = await WriteAsync(store, new RefundRequested("order-2", 2m));
        using (SqliteConnection raw = _file.OpenRaw())
        using (SqliteCommand damage = raw.CreateCommand())
        {
            damage.CommandText = "UPDATE dead_letters SET payload = X'7B226F72646572' WHERE id = $id"; // '{"order': cut short
            damage.Parameters.AddWithValue("$id", corrupt);
            damage.ExecuteNonQuery();
        }

        IReadOnlyList<DeadLetterRecord> listed = await store.ListAsync();
        Assert.Equal([good, corrupt], listed.Select(static l => l.Id));

        DeadLetterInspection inspection = (await store.InspectAsync(corrupt))!;
        Assert.Null(inspection.Event);
        UnreadableDeadLetterException error = inspection.ReadError!;
        Assert.Contains($"Dead letter {corrupt}", error.Message, StringComparison.Ordinal);
        Assert.Contains("not a valid 'RefundRequested'", error.Message, StringComparison.Ordinal);
        Assert.IsType<CorruptEventPayloadException>(error.InnerException);

        bool published = false;
        await Assert.ThrowsAsync<UnreadableDeadLetterException>(async () => await store.RedriveAsync(corrupt, (_, _) => { published = true; return default; }));
        Assert.False(published);
        Assert.Equal(2, await store.CountAsync());
        Assert.NotNull((await store.InspectAsync(good))!.Event);
    }

    [Fact]
    public async Task EventOfAnUnknownType_IsStillListed_AndInspectingItNamesTheType()
    {
        using (var writer = new SqliteDeadLetterStore(Options()))
        {
            await WriteAsync(writer, new RefundRequested("order-3", 3m));
        }

        // A later version of the program that no longer knows the type.
        using var reader = new SqliteDeadLetterStore(new SqliteStoreOptions { DatabasePath = _file.Path, Serializer = new JsonEventSerializer(new EventTypeRegistry([])) });
        DeadLetterRecord letter = Assert.Single(await reader.ListAsync());

        UnreadableDeadLetterException error = (await reader.InspectAsync(letter.Id))!.ReadError!;
        Assert.Contains("no event type named 'RefundRequested'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EventThatCannotBeSerialized_IsStillKept_WithTheReason()
    {
        using var store = new SqliteDeadLetterStore(Options());
        var signal = new OpaqueSignal("beep");

        long id = await WriteAsync(store, signal);

        DeadLetterRecord letter = Assert.Single(await store.ListAsync());
        Assert.Equal(id, letter.Id);
        Assert.Equal(signal.Id, letter.EventId);
        Assert.Equal("OpaqueSignal", letter.EventType);
        Assert.True(letter.Payload.IsEmpty);
        Assert.Contains("OpaqueSignal", letter.PayloadError, StringComparison.Ordinal);
        UnreadableDeadLetterException error = Assert.Throws<UnreadableDeadLetterException>(() => store.ReadEvent(letter));
        Assert.Contains("could not be serialized when it was dead-lettered", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_PagesInIdOrder_AndDeleteRemovesOneLetter()
    {
        using var store = new SqliteDeadLetterStore(Options());
        for (int i = 0; i < 25; i++)
        {
            await WriteAsync(store, new RefundRequested("order-" + i, i));
        }

        var seen = new List<long>();
        int pages = 0;
        for (IReadOnlyList<DeadLetterRecord> page = await store.ListAsync(limit: 10); page.Count > 0; page = await store.ListAsync(seen[^1], limit: 10))
        {
            seen.AddRange(page.Select(static l => l.Id));
            pages++;
        }

        Assert.Equal(3, pages);
        Assert.Equal(25, seen.Distinct().Count());
        Assert.Equal(seen.Order(), seen);

        Assert.True(await store.DeleteAsync(seen[3]));
        Assert.False(await store.DeleteAsync(seen[3]));
        Assert.Null(await store.GetAsync(seen[3]));
        Assert.Equal(24, await store.CountAsync());
    }

    [Fact]
    public async Task ReDrive_OfAMissingLetterOrAsTheWrongType_ChangesNothingAndSaysWhy()
    {
        await using ServiceProvider services = CreateBus(DispatchMode.Inline, new RefundGate());
        var store = services.GetRequiredService<SqliteDeadLetterStore>();
        var bus = services.GetRequiredService<IEventBus>();
        long id = await WriteAsync(store, new RefundRequested("order-9", 9m));

        var missing = await Assert.ThrowsAsync<KeyNotFoundException>(async () => await store.RedriveAsync<RefundRequested>(id + 100, bus));
        Assert.Contains($"id {id + 100}", missing.Message, StringComparison.Ordinal);

        var wrongType = await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.RedriveAsync<OpaqueSignal>(id, bus));
        Assert.Contains("not a " + typeof(OpaqueSignal).FullName, wrongType.Message, StringComparison.Ordinal);
        Assert.Null((await store.GetAsync(id))!.RedrivenAt);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(SqliteDeadLetterStore.MaxPageSize + 1)]
    public async Task List_WithAPageSizeOutOfRange_Throws(int limit)
    {
        using var store = new SqliteDeadLetterStore(Options());

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await store.ListAsync(limit: limit));
    }

    private SqliteStoreOptions Options() => new() { DatabasePath = _file.Path, Serializer = DeadLetterSerializer.Create() };

    private static async Task<long> WriteAsync(SqliteDeadLetterStore store, IEvent @event)
    {
        var failure = new TimeoutException("The payment provider did not answer.");
        await store.WriteAsync(new DeadLetter(@event, typeof(IssueRefund).FullName!, failure, 3, DateTimeOffset.UtcNow), CancellationToken.None);
        return (await store.ListAsync(includeRedriven: true, limit: SqliteDeadLetterStore.MaxPageSize))[^1].Id;
    }

    private ServiceProvider CreateBus(DispatchMode mode, RefundGate gate)
    {
        var services = new ServiceCollection();
        services.AddEventDrivenSqlite(_file.Path, static o => o.Serializer = DeadLetterSerializer.Create());
        services.AddSingleton(gate);
        services.AddEventDriven(o => o.DispatchMode = mode);
        return services.BuildServiceProvider();
    }
}
