using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ECommerce.Payments;

/// <summary>
/// The provider's books in a SQLite file of their own, shared by every Payments process of a distributed run: the provider outlives
/// any one of them (a killed Payments process finds every capture it made when it comes back, and so does its sibling instance).
/// </summary>
/// <remarks>
/// Each record commits at once (WAL, synchronous=NORMAL: a killed process loses nothing it committed; the run does not simulate the
/// provider's own power failures). Two processes writing the same order's capture keep one: the first.
/// </remarks>
public sealed class SqlitePaymentBooks : IPaymentBooks, IDisposable
{
    private readonly SqliteConnection _connection;

    /// <summary>Opens (creating if needed) the books at <paramref name="path"/>.</summary>
    public SqlitePaymentBooks(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 30 }.ToString());
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;"
            + "CREATE TABLE IF NOT EXISTS captures (order_id TEXT PRIMARY KEY, payment_id TEXT NOT NULL, amount TEXT NOT NULL);"
            + "CREATE TABLE IF NOT EXISTS refunds (order_id TEXT PRIMARY KEY, payment_id TEXT NOT NULL, amount TEXT NOT NULL);");
    }

    /// <inheritdoc />
    /// <remarks>Reads the whole table at each call: to look many orders up, take a <see cref="Snapshot"/> once.</remarks>
    public IReadOnlyDictionary<Guid, Capture> CapturesByOrder => ReadAll("captures", static (payment, amount) => new Capture(payment, amount));

    /// <inheritdoc />
    /// <remarks>Reads the whole table at each call: to look many orders up, take a <see cref="Snapshot"/> once.</remarks>
    public IReadOnlyDictionary<Guid, Refund> RefundsByOrder => ReadAll("refunds", static (payment, amount) => new Refund(payment, amount));

    /// <summary>The books as they are now, in memory: what the invariants read after a run.</summary>
    public InMemoryPaymentBooks Snapshot()
    {
        var copy = new InMemoryPaymentBooks();
        foreach ((Guid order, Capture capture) in CapturesByOrder)
        {
            copy.RecordCapture(order, capture);
        }

        foreach ((Guid order, Refund refund) in RefundsByOrder)
        {
            copy.RecordRefund(order, refund);
        }

        return copy;
    }

    /// <inheritdoc />
    public Capture? FindCapture(Guid orderId) => Find("captures", orderId, static (payment, amount) => new Capture(payment, amount));

    /// <inheritdoc />
    public Refund? FindRefund(Guid orderId) => Find("refunds", orderId, static (payment, amount) => new Refund(payment, amount));

    /// <inheritdoc />
    public void RecordCapture(Guid orderId, Capture capture) => Insert("captures", orderId, capture.PaymentId, capture.Amount);

    /// <inheritdoc />
    public void RecordRefund(Guid orderId, Refund refund) => Insert("refunds", orderId, refund.PaymentId, refund.Amount);

    /// <inheritdoc />
    public void Dispose() => _connection.Dispose();

    private void Execute(string sql)
    {
        using SqliteCommand command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private void Insert(string table, Guid orderId, Guid paymentId, decimal amount)
    {
        using SqliteCommand command = _connection.CreateCommand();
        command.CommandText = $"INSERT OR IGNORE INTO {table} (order_id, payment_id, amount) VALUES ($order, $payment, $amount)";
        command.Parameters.AddWithValue("$order", orderId.ToString("N"));
        command.Parameters.AddWithValue("$payment", paymentId.ToString("N"));
        command.Parameters.AddWithValue("$amount", amount.ToString(CultureInfo.InvariantCulture));
        command.ExecuteNonQuery();
    }

    private T? Find<T>(string table, Guid orderId, Func<Guid, decimal, T> create)
        where T : class
    {
        using SqliteCommand command = _connection.CreateCommand();
        command.CommandText = $"SELECT payment_id, amount FROM {table} WHERE order_id = $order";
        command.Parameters.AddWithValue("$order", orderId.ToString("N"));
        using SqliteDataReader reader = command.ExecuteReader();
        return reader.Read() ? create(Guid.Parse(reader.GetString(0)), decimal.Parse(reader.GetString(1), CultureInfo.InvariantCulture)) : null;
    }

    private Dictionary<Guid, T> ReadAll<T>(string table, Func<Guid, decimal, T> create)
    {
        var all = new Dictionary<Guid, T>();
        using SqliteCommand command = _connection.CreateCommand();
        command.CommandText = $"SELECT order_id, payment_id, amount FROM {table}";
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            all[Guid.Parse(reader.GetString(0))] = create(Guid.Parse(reader.GetString(1)), decimal.Parse(reader.GetString(2), CultureInfo.InvariantCulture));
        }

        return all;
    }
}
