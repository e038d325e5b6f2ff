namespace EventDriven.Store.GroupCommit;

/// <summary>
/// The group-commit skeleton every storage backend shares: one thread owns the backend's single write connection, takes everything
/// queued since its last commit, writes it in <b>one</b> transaction, commits once, and only then acknowledges each item. What a
/// backend supplies are the transaction hooks (begin, commit, rollback, savepoints) and how an item is written.
/// </summary>
/// <remarks>
/// <para>
/// <b>Why one writer per database.</b> A database takes one writer at a time anyway (SQLite's write lock; row locks and a commit's
/// sync on a server): writers of their own for events, inbox marks and saga saves only compete for it and sync once each. One writer
/// commits all of them with one sync, keeps what it knows of the database (stream heads) valid across kinds of writes, and can put
/// several kinds of writes in one transaction (a unit of work).
/// </para>
/// <para>
/// <b>Failures.</b> Each item is written in a savepoint (or alone, when <see cref="GroupCommitItem.IsSingleStatement"/>): an item that
/// throws while the transaction is still open is rolled back to its savepoint and fails alone, and the rest of the group commits.
/// When the transaction itself fails (begin or commit, a full disk, an I/O error, or an error that ends the transaction), it is
/// rolled back and every item of the group that had not failed on its own fails with that error. Nothing is acknowledged before
/// the transaction has ended.
/// </para>
/// <para>
/// The thread is dedicated because database calls block (a commit waits for the disk); it sleeps on a monitor while nothing is queued.
/// All hooks run on it, one at a time.
/// </para>
/// </remarks>
public abstract class GroupCommitWriter
{
    private readonly object _queueGate = new();
    private readonly int _maxGroupWeight;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private List<GroupCommitItem> _queue = [];
    private List<GroupCommitItem> _taken = [];
    private Thread? _thread;
    private bool _writerSleeping;
    private bool _closing;
    private long _groups;
    private long _groupedItems;

    /// <summary>Creates the writer; call <see cref="Start"/> once the backend's connection is ready.</summary>
    /// <param name="maxGroupWeight">The most <see cref="GroupCommitItem.Weight"/> one group holds (one heavier item still goes, alone).</param>
    protected GroupCommitWriter(int maxGroupWeight)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxGroupWeight, 1);
        _maxGroupWeight = maxGroupWeight;
    }

    /// <summary>Completes when the writer has committed everything queued before <see cref="Close"/> and <see cref="OnStopped"/> has run.</summary>
    public Task Stopped => _stopped.Task;

    /// <summary>How many group transactions the writer has run.</summary>
    public long Groups => Volatile.Read(ref _groups);

    /// <summary>How many items those transactions held.</summary>
    public long GroupedItems => Volatile.Read(ref _groupedItems);

    /// <summary>A number that grows by one at every group: lets a backend's caches tell whether they were checked in this transaction.</summary>
    protected long GroupNumber { get; private set; }

    /// <summary>Queues <paramref name="item"/> for the next group; false once the writer is closing (the item is not touched).</summary>
    public bool TryEnqueue(GroupCommitItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        lock (_queueGate)
        {
            if (_closing)
            {
                return false;
            }

            _queue.Add(item);
            if (_writerSleeping)
            {
                Monitor.Pulse(_queueGate);
            }
        }

        return true;
    }

    /// <summary>Stops accepting items; the writer commits what is queued, then stops (see <see cref="Stopped"/>).</summary>
    public void Close()
    {
        lock (_queueGate)
        {
            _closing = true;
            Monitor.Pulse(_queueGate);
        }
    }

    /// <summary>Starts the writer thread.</summary>
    /// <param name="threadName">The thread's name, as debuggers and dumps show it.</param>
    protected void Start(string threadName)
    {
        if (_thread is not null)
        {
            throw new InvalidOperationException("The writer is already started.");
        }

        _thread = new Thread(Run) { IsBackground = true, Name = threadName };
        _thread.Start();
    }

    /// <summary>Begins the group's transaction (taking the database's write lock).</summary>
    protected abstract void BeginTransaction();

    /// <summary>Commits the group's transaction; returns once it is durable.</summary>
    protected abstract void CommitTransaction();

    /// <summary>Rolls the group's transaction back; called only while <see cref="IsTransactionOpen"/>.</summary>
    protected abstract void RollbackTransaction();

    /// <summary>Whether the transaction is still open (some databases end it on their own after an error).</summary>
    protected abstract bool IsTransactionOpen { get; }

    /// <summary>
    /// Called once the group's transaction has begun, before any of its items is written, with every item of the group: lets a
    /// backend read what the group needs in one round trip (the heads of the streams it appends to) instead of one per item.
    /// </summary>
    /// <param name="group">The group's items, in queue order (valid only during this call).</param>
    protected virtual void OnGroupBegun(ReadOnlySpan<GroupCommitItem> group)
    {
    }

    /// <summary>Starts the savepoint of one item.</summary>
    protected abstract void BeginSavepoint();

    /// <summary>Keeps what the item wrote (ends its savepoint).</summary>
    protected abstract void ReleaseSavepoint();

    /// <summary>Undoes what the item wrote and ends its savepoint.</summary>
    protected abstract void RollbackToSavepoint();

    /// <summary>Writes <paramref name="item"/> inside the open transaction; throws to fail it.</summary>
    protected abstract void Write(GroupCommitItem item);

    /// <summary>Called after an item was rolled back to its savepoint: forget anything remembered from what it wrote.</summary>
    protected virtual void OnItemRolledBack(GroupCommitItem item)
    {
    }

    /// <summary>Called after the group's transaction failed and was rolled back: forget anything remembered from the group.</summary>
    protected virtual void OnTransactionRolledBack()
    {
    }

    /// <summary>Called once on the writer thread after the last group: release the connection.</summary>
    protected virtual void OnStopped()
    {
    }

    private void Run()
    {
        try
        {
            while (TakeQueued())
            {
                int start = 0;
                while (start < _taken.Count)
                {
                    int end = start;
                    int weight = 0;
                    do
                    {
                        weight += _taken[end].Weight;
                        end++;
                    }
                    while (end < _taken.Count && weight + _taken[end].Weight <= _maxGroupWeight);

                    RunGroup(start, end);
                    start = end;
                }

                _taken.Clear();
            }
        }
        finally
        {
            try
            {
                OnStopped();
            }
            finally
            {
                _stopped.TrySetResult();
            }
        }
    }

    /// <summary>Waits until items are queued and swaps them into <see cref="_taken"/>; false when closing and nothing is left.</summary>
    private bool TakeQueued()
    {
        lock (_queueGate)
        {
            while (_queue.Count == 0)
            {
                if (_closing)
                {
                    return false;
                }

                _writerSleeping = true;
                Monitor.Wait(_queueGate);
                _writerSleeping = false;
            }

            (_queue, _taken) = (_taken, _queue);
            return true;
        }
    }

    private void RunGroup(int start, int end)
    {
        GroupNumber++;
        try
        {
            BeginTransaction();
            OnGroupBegun(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_taken)[start..end]);
            for (int i = start; i < end; i++)
            {
                WriteOne(_taken[i]);
            }

            CommitTransaction();
        }
        catch (Exception ex)
        {
            // Nothing of the group was written, and what the backend remembered of the database may be wrong.
            if (IsTransactionOpen)
            {
                try
                {
                    RollbackTransaction();
                }
                catch (Exception)
                {
                    // The original error is the one to report.
                }
            }

            OnTransactionRolledBack();
            for (int i = start; i < end; i++)
            {
                if (_taken[i].Error is null)
                {
                    _taken[i].Fail(ex);
                }
            }
        }

        Volatile.Write(ref _groups, _groups + 1);
        Volatile.Write(ref _groupedItems, _groupedItems + (end - start));
        for (int i = start; i < end; i++)
        {
            try
            {
                _taken[i].Acknowledge();
            }
            catch (Exception)
            {
                // An acknowledgement must not stop the writer: the other items of the group and every later group depend on it.
            }
        }
    }

    private void WriteOne(GroupCommitItem item)
    {
        if (item.CancellationToken.IsCancellationRequested)
        {
            item.Fail(new OperationCanceledException(item.CancellationToken));
            return;
        }

        if (item.IsSingleStatement)
        {
            try
            {
                Write(item);
            }
            catch (Exception ex) when (IsTransactionOpen)
            {
                // One statement is atomic: it wrote nothing, and the group goes on.
                item.Fail(ex);
            }

            return;
        }

        BeginSavepoint();
        try
        {
            Write(item);
            ReleaseSavepoint();
        }
        catch (Exception ex) when (IsTransactionOpen)
        {
            // This item alone failed: its rows are rolled back, and the group goes on.
            RollbackToSavepoint();
            OnItemRolledBack(item);
            item.Fail(ex);
        }
    }
}
