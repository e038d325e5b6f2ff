namespace EventDriven.Sagas.Storage;

/// <summary>
/// The saves of one durable <see cref="ISagaStore"/> that are queued for its database's group-commit writer or being written: one entry per instance
/// (a newer save of an instance not yet taken by the writer replaces the queued record), and what a load must see before the table.
/// </summary>
/// <remarks>Shared by the storage backends (SQLite, PostgreSQL): each writes a <see cref="PendingSagaSave"/> its own way.</remarks>
public sealed class SagaSaveQueue
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string, string), PendingSagaSave> _queued = [];
    private readonly Dictionary<(string, string), PendingSagaSave> _writing = [];

    /// <summary>
    /// Queues the save, or folds it into the save of the instance already queued (which the writer has not taken yet); returns the
    /// task an awaiting caller waits on (when <paramref name="onFailure"/> is null) and, in <paramref name="isNew"/>, whether the save is
    /// new and must be handed to the writer. Throws <see cref="SagaConcurrencyException"/> when it does not build on the queued save.
    /// </summary>
    /// <remarks>The waiter or callback is attached under the lock, before the writer can take the save, so no outcome is missed.</remarks>
    public PendingSagaSave Add(SagaRecord record, long expectedRevision, Action<SagaRecord, Exception>? onFailure, out Task? waiter, out bool isNew)
    {
        var key = (record.SagaType, record.CorrelationId);
        lock (_gate)
        {
            if (_queued.TryGetValue(key, out PendingSagaSave? queued))
            {
                // A newer save of an instance already waiting: it must build on the queued revision, and then replaces it.
                if (queued.Record.Revision != expectedRevision)
                {
                    throw new SagaConcurrencyException(record.SagaType, record.CorrelationId, expectedRevision, queued.Record.Revision);
                }

                queued.Record = record;
                waiter = Attach(queued, onFailure);
                isNew = false;
                return queued;
            }

            var save = new PendingSagaSave(this, record, expectedRevision);
            waiter = Attach(save, onFailure);
            _queued.Add(key, save);
            isNew = true;
            return save;
        }
    }

    private static Task? Attach(PendingSagaSave save, Action<SagaRecord, Exception>? onFailure)
    {
        if (onFailure is null)
        {
            return save.Waiter;
        }

        save.AddFailureCallback(onFailure);
        return null;
    }

    /// <summary>
    /// Queues the save (<see cref="Add"/>) and, when it is new, hands it to the backend's writer with <paramref name="enqueue"/>; if
    /// that throws (the store is closing), the save is taken out again. Returns the task to await when <paramref name="onFailure"/> is null.
    /// </summary>
    public Task? Queue(SagaRecord record, long expectedRevision, Action<SagaRecord, Exception>? onFailure, Action<PendingSagaSave> enqueue)
    {
        ArgumentNullException.ThrowIfNull(enqueue);
        PendingSagaSave save = Add(record, expectedRevision, onFailure, out Task? waiter, out bool isNew);
        if (isNew)
        {
            try
            {
                enqueue(save);
            }
            catch
            {
                Remove(save);
                throw;
            }
        }

        return waiter;
    }

    /// <summary>Forgets a save that could not be handed to the writer (the database is closed).</summary>
    public void Remove(PendingSagaSave save)
    {
        lock (_gate)
        {
            _queued.Remove((save.Record.SagaType, save.Record.CorrelationId));
        }
    }

    /// <summary>The newest record queued or being written for the instance, if any.</summary>
    public SagaRecord? FindUncommitted(string sagaType, string correlationId)
    {
        var key = (sagaType, correlationId);
        lock (_gate)
        {
            if (_queued.TryGetValue(key, out PendingSagaSave? queued))
            {
                return queued.Record;
            }

            return _writing.TryGetValue(key, out PendingSagaSave? writing) ? writing.Record : null;
        }
    }

    /// <summary>Called by the writer as it writes the save: no later save folds into it; returns the record to write.</summary>
    internal SagaRecord TakeForWriting(PendingSagaSave save)
    {
        lock (_gate)
        {
            var key = (save.Record.SagaType, save.Record.CorrelationId);
            _queued.Remove(key);
            _writing[key] = save;
            return save.Record;
        }
    }

    /// <summary>Called by the writer once the save's transaction has ended: a load reads the table again.</summary>
    internal void Written(PendingSagaSave save)
    {
        lock (_gate)
        {
            var key = (save.Record.SagaType, save.Record.CorrelationId);
            if (_writing.TryGetValue(key, out PendingSagaSave? writing) && ReferenceEquals(writing, save))
            {
                _writing.Remove(key);
            }
            else if (_queued.TryGetValue(key, out PendingSagaSave? queued) && ReferenceEquals(queued, save))
            {
                // Failed before the writer took it (cancelled, or its group failed first).
                _queued.Remove(key);
            }
        }
    }
}
