using EventDriven.Reliability;
using EventDriven.Sagas;
using EventDriven.Serialization;
using EventDriven.Sqlite.DeadLetters;
using EventDriven.Sqlite.Inbox;
using EventDriven.Sqlite.Sagas;
using EventDriven.Sqlite.Writing;
using EventDriven.Store;
using Microsoft.Data.Sqlite;

namespace EventDriven.Sqlite;

/// <summary>
/// Several writes to one SQLite file committed in <b>one</b> transaction, all or nothing: event appends, inbox marks, saga saves,
/// dead letters and your own SQL. Start one with <see cref="SqliteEventStore.BeginUnitOfWork"/>, add the parts, then
/// <see cref="CommitAsync"/>.
/// </summary>
/// <remarks>
/// <para>
/// <b>What is atomic.</b> Every part of one unit commits together or not at all: if any part fails (an append's expected version
/// does not hold, a saga save's revision is stale, your SQL throws) nothing of the unit is written and <see cref="CommitAsync"/>
/// throws that part's exception. A crash before the commit leaves none of it; after the commit, all of it.
/// </para>
/// <para>
/// <b>How it runs.</b> The unit is one item of the file's writer: it shares a group transaction with other stores' writes (appends,
/// marks, saves queued at the same time) but has a savepoint of its own, so its failure undoes only the unit, and their failures do
/// not touch it. The task completes only after the commit (durable to <see cref="SqliteStoreOptions.Synchronous"/>).
/// Events are serialized and checked when added (<see cref="Append"/> throws <see cref="EventTooLargeException"/> then); the parts
/// run on the writer's thread in the order they were added.
/// </para>
/// <para>
/// <b>What is not.</b> Anything outside this database file (a broker, another service, another file) is not in the transaction.
/// Saga saves go straight to the table, past <see cref="SqliteSagaStore"/>'s write-behind queue: do not also save the same instance
/// through the store's write-behind path while a unit holds it. A unit is used once, by one thread.
/// </para>
/// </remarks>
public sealed class SqliteUnitOfWork
{
    private readonly SqliteDatabase _database;
    private readonly IEventSerializer _serializer;
    private readonly int _maxEventSize;
    private readonly TimeProvider _time;
    private readonly List<Part> _parts = [];
    private int _appends;
    private int _marks;
    private int _events;
    private bool _committed;

    internal SqliteUnitOfWork(SqliteDatabase database, IEventSerializer serializer, int maxEventSize, TimeProvider time)
    {
        _database = database;
        _serializer = serializer;
        _maxEventSize = maxEventSize;
        _time = time;
    }

    /// <summary>Appends <paramref name="events"/> to <paramref name="streamId"/>, with the same checks as <see cref="IEventStore.AppendAsync"/>.</summary>
    /// <param name="streamId">The stream.</param>
    /// <param name="events">The events; serialized now, on the calling thread.</param>
    /// <param name="expectedVersion">The optimistic-concurrency check; a <see cref="ConcurrencyException"/> at commit fails the whole unit.</param>
    /// <returns>This unit, to add more.</returns>
    /// <remarks>Its <see cref="AppendResult"/> is in <see cref="SqliteUnitOfWorkResult.Appends"/>, in the order of the appends.</remarks>
    public SqliteUnitOfWork Append(string streamId, IReadOnlyList<EventToAppend> events, ExpectedVersion expectedVersion)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ThrowIfCommitted();
        EventToAppend[] items = AppendInput.Serialize(_serializer, events, _maxEventSize, out SerializedEvent[] serialized);
        if (items.Length == 0)
        {
            throw new ArgumentException("An append in a unit of work needs at least one event.", nameof(events));
        }

        int index = _appends++;
        _events += items.Length;
        _parts.Add((writer, result) => result.AppendSlots[index] = writer.Append(streamId, items, serialized, expectedVersion));
        return this;
    }

    /// <summary>Records that <paramref name="consumer"/> handled <paramref name="eventId"/> (the inbox record of <see cref="SqliteInbox"/>).</summary>
    /// <param name="consumer">Who handled it: with <c>[EventHandler(Inbox = true)]</c>, the handler's full type name.</param>
    /// <param name="eventId">The event's <see cref="IEvent.Id"/>.</param>
    /// <returns>This unit, to add more.</returns>
    /// <remarks>
    /// A mark already recorded is not an error: <see cref="SqliteUnitOfWorkResult.MarksRecorded"/> says false for it and the rest
    /// commits. To skip the whole work when the event was handled, use <see cref="SqliteInbox.ExecuteOnceAsync"/> instead.
    /// </remarks>
    public SqliteUnitOfWork MarkHandled(string consumer, Guid eventId)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumer);
        ThrowIfCommitted();
        int index = _marks++;
        _parts.Add((writer, result) => result.MarkSlots[index] = InboxSchema.Mark(writer, consumer, eventId, _time.GetUtcNow()));
        return this;
    }

    /// <summary>Saves a saga instance if its stored revision is <paramref name="expectedRevision"/> (0: it must not exist yet).</summary>
    /// <param name="record">The instance, as <see cref="ISagaStore.SaveAsync"/> takes it.</param>
    /// <param name="expectedRevision">The revision the caller last saw; another fails the whole unit with <see cref="SagaConcurrencyException"/>.</param>
    /// <returns>This unit, to add more.</returns>
    public SqliteUnitOfWork SaveSaga(SagaRecord record, long expectedRevision)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedRevision);
        ThrowIfCommitted();
        _parts.Add((writer, _) => SagaSchema.Save(writer, record, expectedRevision));
        return this;
    }

    /// <summary>Keeps <paramref name="letter"/> in the dead-letter table (as <see cref="SqliteDeadLetterStore.WriteAsync"/> does).</summary>
    /// <param name="letter">The failed event, serialized now with the store's serializer (an unserializable one is kept without payload).</param>
    /// <returns>This unit, to add more.</returns>
    public SqliteUnitOfWork DeadLetter(DeadLetter letter)
    {
        ThrowIfCommitted();
        DeadLetterRow row = DeadLetterRow.From(letter, _serializer);
        _parts.Add((writer, _) => row.Insert(writer));
        return this;
    }

    /// <summary>
    /// Puts <paramref name="event"/> in the outbox (without storing it as an event): the relay sends it once the unit committed, and
    /// never if it did not. Appends of event types <see cref="SqliteStoreOptions.Outbox"/> includes need no <c>Send</c>: they get their
    /// outbox row by themselves.
    /// </summary>
    /// <param name="event">The event, serialized now with the store's serializer.</param>
    /// <param name="partitionKey">What orders it: messages of one key leave in commit order (e.g. the order id).</param>
    /// <param name="causationId">The event that caused it, if any.</param>
    /// <param name="correlationId">The business flow it belongs to; its own id when null.</param>
    /// <returns>This unit, to add more.</returns>
    /// <exception cref="EventTooLargeException">The payload is over <see cref="SqliteStoreOptions.MaxEventSize"/>.</exception>
    public SqliteUnitOfWork Send(IEvent @event, string partitionKey, Guid? causationId = null, Guid? correlationId = null)
    {
        ArgumentNullException.ThrowIfNull(@event);
        ArgumentException.ThrowIfNullOrEmpty(partitionKey);
        ThrowIfCommitted();
        var item = new EventToAppend(@event, causationId, correlationId ?? @event.Id);
        AppendInput.Serialize(_serializer, [item], _maxEventSize, out SerializedEvent[] serialized);
        _database.EnsureComponent(Outbox.OutboxSchema.Component, Outbox.OutboxSchema.Version, Outbox.OutboxSchema.CreateSql);
        _parts.Add((writer, _) => Outbox.OutboxSchema.Insert(writer, item, serialized[0], partitionKey));
        return this;
    }

    /// <summary>Runs your own SQL in the unit's transaction.</summary>
    /// <param name="work">
    /// Gets the write connection and the transaction: give the transaction to every command you create
    /// (<c>command.Transaction = transaction</c>), and do not commit, roll back or keep either. Throw to abandon the whole unit.
    /// It runs on the database's writer thread while the file's write lock is held: database writes only, no calls to other services,
    /// and never a wait for another write to this file (an append, a mark, a save): that write queues behind this unit and would never run.
    /// </param>
    /// <returns>This unit, to add more.</returns>
    public SqliteUnitOfWork Execute(Action<SqliteConnection, SqliteTransaction> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        ThrowIfCommitted();
        _parts.Add((writer, _) => work(writer.Connection, writer.Transaction));
        return this;
    }

    /// <summary>Commits every part in one transaction; completes after the commit, or throws the failing part's exception (nothing written).</summary>
    /// <param name="cancellationToken">Cancels while the unit waits for the writer; once the writer has begun it, the unit commits.</param>
    /// <exception cref="ObjectDisposedException">The stores of this file are closed.</exception>
    /// <exception cref="InvalidOperationException">The unit was committed already.</exception>
    public Task<SqliteUnitOfWorkResult> CommitAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfCommitted();
        _committed = true;
        var result = new SqliteUnitOfWorkResult(new AppendResult[_appends], new bool[_marks]);
        var item = new UnitItem(_parts.ToArray(), result, Math.Max(1, _events), cancellationToken);
        _database.Enqueue(item);
        return item.Task;
    }

    private void ThrowIfCommitted()
    {
        if (_committed)
        {
            throw new InvalidOperationException("This unit of work was committed already; begin a new one.");
        }
    }

    private delegate void Part(SqliteWriter writer, SqliteUnitOfWorkResult result);

    /// <summary>The whole unit as one writer item: in a savepoint of its own, so any part's exception undoes every part.</summary>
    private sealed class UnitItem(Part[] parts, SqliteUnitOfWorkResult result, int weight, CancellationToken cancellationToken) : SqliteWriteItem
    {
        private readonly TaskCompletionSource<SqliteUnitOfWorkResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<SqliteUnitOfWorkResult> Task => _completion.Task;

        public override int Weight => weight;

        public override CancellationToken CancellationToken => cancellationToken;

        public override void Write(SqliteWriter writer)
        {
            foreach (Part part in parts)
            {
                part(writer, result);
            }
        }

        protected override void Acknowledge()
        {
            if (Error is not null)
            {
                _completion.SetException(Error);
            }
            else
            {
                _completion.SetResult(result);
            }
        }
    }
}
