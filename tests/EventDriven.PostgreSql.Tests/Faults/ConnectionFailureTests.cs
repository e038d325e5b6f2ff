using System.Net;
using System.Net.Sockets;
using EventDriven.PostgreSql.Tests.Fixtures;
using EventDriven.Store;
using Npgsql;

namespace EventDriven.PostgreSql.Tests.Faults;

/// <summary>A server that cannot be used fails every call at once with a <see cref="PostgresUnavailableException"/> naming it: never a hang, never a bare socket error.</summary>
public sealed class ConnectionFailureTests
{
    // Generous: a hang would never end; what is checked is that the failure is the store's, names the server, and arrives at all.
    private static readonly TimeSpan s_noHang = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task NothingListeningOnThePort_FailsAppendsAndReads_NamingHostAndPort()
    {
        int port = UnusedPort();
        await using var store = new PostgresEventStore(new PostgresStoreOptions { ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Timeout=3", Serializer = TestSerializer.Create() });

        var append = await Assert.ThrowsAsync<PostgresUnavailableException>(async () => await store.AppendAsync("cart-1", [new EventToAppend(new ItemAdded("cart-1", "A", 1))], ExpectedVersion.Any).AsTask().WaitAsync(s_noHang));
        var read = await Assert.ThrowsAsync<PostgresUnavailableException>(async () => await store.GetLastPositionAsync().AsTask().WaitAsync(s_noHang));

        foreach (PostgresUnavailableException error in (ReadOnlySpan<PostgresUnavailableException>)[append, read])
        {
            Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
            Assert.Contains("unreachable", error.Message, StringComparison.Ordinal);
            Assert.True(error.IsTransient);
        }
    }

    [Fact]
    public async Task WrongPassword_FailsNamingTheServerAndTheUser_AsNotTransient()
    {
        await using PostgresServer server = await PostgresServer.StartOwnAsync();
        await using (var admin = new NpgsqlConnection(server.ConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE ROLE shop LOGIN PASSWORD 'the-right-one'", admin);
            await create.ExecuteNonQueryAsync();
        }

        await server.RequirePasswordsAsync();
        await using var store = new PostgresEventStore(new PostgresStoreOptions { ConnectionString = $"Host=127.0.0.1;Port={server.Port};Username=shop;Password=a-wrong-one;Database=postgres", Serializer = TestSerializer.Create() });

        var error = await Assert.ThrowsAsync<PostgresUnavailableException>(async () => await store.AppendAsync("cart-1", [new EventToAppend(new ItemAdded("cart-1", "A", 1))], ExpectedVersion.Any).AsTask().WaitAsync(s_noHang));

        Assert.Contains($"127.0.0.1:{server.Port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("user 'shop'", error.Message, StringComparison.Ordinal);
        Assert.Contains("password", error.Message, StringComparison.Ordinal);
        Assert.False(error.IsTransient);
        Assert.IsType<PostgresException>(error.InnerException);
    }

    [Fact]
    public async Task MissingDatabase_FailsNamingIt()
    {
        PostgresServer server = await PostgresServer.SharedAsync();
        var connection = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = "no_such_shop" };
        await using var store = new PostgresEventStore(new PostgresStoreOptions { ConnectionString = connection.ConnectionString, Serializer = TestSerializer.Create() });

        var error = await Assert.ThrowsAsync<PostgresUnavailableException>(async () => await store.GetStreamVersionAsync("cart-1").AsTask().WaitAsync(s_noHang));

        Assert.Contains("no_such_shop", error.Message, StringComparison.Ordinal);
        Assert.False(error.IsTransient);
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
