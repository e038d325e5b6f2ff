using System.Runtime.CompilerServices;

namespace EventDriven.Store;

/// <summary>
/// The paged read loop of every durable <see cref="IEventStore"/>: read a page of at most <c>pageSize</c> rows from a cursor, hand
/// them out, move the cursor past the last row, and stop at the first short page. The store is never loaded whole, and a backend only
/// says how one page is read.
/// </summary>
public static class PagedRead
{
    /// <summary>Every row from <paramref name="from"/> on, one page at a time.</summary>
    /// <param name="from">The first page's cursor (a stream version, or a global position).</param>
    /// <param name="pageSize">Rows per page: a page with fewer is the last.</param>
    /// <param name="readPage">
    /// Fills the (cleared) list with the page at a cursor. Read the whole page before returning, so no query stays open while the
    /// caller works on the rows (an open read transaction keeps SQLite's WAL from being checkpointed, a server's snapshot alive).
    /// </param>
    /// <param name="nextFrom">The cursor of the page after the one that ended with this row.</param>
    /// <param name="cancellationToken">Cancels between pages and inside <paramref name="readPage"/>.</param>
    public static async IAsyncEnumerable<StoredEvent> ReadAsync(
        long from,
        int pageSize,
        Func<long, List<StoredEvent>, CancellationToken, ValueTask> readPage,
        Func<StoredEvent, long> nextFrom,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentNullException.ThrowIfNull(readPage);
        ArgumentNullException.ThrowIfNull(nextFrom);
        List<StoredEvent> page = new(pageSize);
        while (true)
        {
            page.Clear();
            await readPage(from, page, cancellationToken).ConfigureAwait(false);
            foreach (StoredEvent stored in page)
            {
                yield return stored;
            }

            if (page.Count < pageSize)
            {
                yield break;
            }

            from = nextFrom(page[^1]);
        }
    }
}
