using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace EventDriven.PostgreSql.Tests.Fixtures;

/// <summary>
/// A throwaway PostgreSQL server for the tests: <c>initdb</c> into a fresh temporary folder, started with <c>pg_ctl</c> on a free port
/// of 127.0.0.1, stopped (by its postmaster's PID) and deleted when the test process ends. Never the system service. Under root the
/// server runs as the <c>postgres</c> user (initdb refuses root). Set <c>EVENTDRIVEN_POSTGRES</c> to a connection string to use a
/// server you provide instead (the restart tests still start servers of their own).
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private static readonly Lazy<Task<PostgresServer>> s_shared = new(StartSharedAsync);

    private readonly string? _dataDirectory;
    private readonly string? _binaries;
    private readonly int _port;
    private int _stopped;

    private PostgresServer(string connectionString, string? dataDirectory, string? binaries, int port)
    {
        ConnectionString = connectionString;
        _dataDirectory = dataDirectory;
        _binaries = binaries;
        _port = port;
    }

    /// <summary>Connects as the superuser to the <c>postgres</c> database.</summary>
    public string ConnectionString { get; }

    /// <summary>The port the server listens on (127.0.0.1).</summary>
    public int Port => _port;

    /// <summary>The server every test of the process shares (each test works in a schema of its own).</summary>
    public static Task<PostgresServer> SharedAsync() => s_shared.Value;

    /// <summary>A server of its own, for tests that stop or restart it.</summary>
    public static async Task<PostgresServer> StartOwnAsync()
    {
        string binaries = FindBinaries();
        for (int attempt = 1; ; attempt++)
        {
            int port = FreePort();
            string directory = Path.Combine(Path.GetTempPath(), "eventdriven-pg-" + Guid.NewGuid().ToString("N")[..12]);
            try
            {
                await InitializeAsync(binaries, directory).ConfigureAwait(false);
                var server = new PostgresServer($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Timeout=5;Command Timeout=60;Maximum Pool Size=20", directory, binaries, port);
                await server.StartAsync().ConfigureAwait(false);
                return server;
            }
            catch (Exception) when (attempt < 3)
            {
                // The port was taken between choosing and listening: try another.
                TryDelete(directory);
            }
        }
    }

    /// <summary>A fresh schema name, so each test's tables are its own.</summary>
    public static string NewSchema() => "t_" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>Starts the (stopped) server on its data folder and port; returns once it accepts connections.</summary>
    public Task StartAsync() => PgCtlAsync($"-D {_dataDirectory} -o \"-p {_port} -k {_dataDirectory} -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=on -c synchronous_commit=on\" -l {_dataDirectory}/log -w -t 60 start");

    /// <summary>Stops the server at once (<c>-m immediate</c>: as a crash would, every connection cut, recovery at the next start).</summary>
    public Task StopAsync() => PgCtlAsync($"-D {_dataDirectory} -m immediate -w -t 60 stop");

    /// <summary>From now on, TCP logins need the role's password (scram-sha-256); the superuser keeps logging in without one.</summary>
    public async Task RequirePasswordsAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(_dataDirectory!, "pg_hba.conf"), "local all all trust\nhost all postgres 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n").ConfigureAwait(false);
        await PgCtlAsync($"-D {_dataDirectory} reload").ConfigureAwait(false);
    }

    /// <summary>Stops the server and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_dataDirectory is null || Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        try
        {
            await PgCtlAsync($"-D {_dataDirectory} -m fast -w -t 60 stop").ConfigureAwait(false);
        }
        catch (Exception)
        {
            KillPostmaster();
        }

        TryDelete(_dataDirectory);
    }

    private static async Task<PostgresServer> StartSharedAsync()
    {
        if (Environment.GetEnvironmentVariable("EVENTDRIVEN_POSTGRES") is { Length: > 0 } given)
        {
            return new PostgresServer(given, null, null, new NpgsqlConnectionStringBuilder(given).Port);
        }

        RemoveLeftovers();
        PostgresServer server = await StartOwnAsync().ConfigureAwait(false);
        // pg_ctl runs the server as a daemon, outside this process's tree, and the test host may end this process before (or while)
        // a ProcessExit handler runs: a watchdog of its own stops the server once this process is gone, however it went.
        server.WatchThisProcess();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Abandon();
        return server;
    }

    /// <summary>Folders of servers a killed test run could not stop: deleted when their postmaster is gone.</summary>
    private static void RemoveLeftovers()
    {
        foreach (string directory in Directory.GetDirectories(Path.GetTempPath(), "eventdriven-pg-*"))
        {
            string pidFile = Path.Combine(directory, "postmaster.pid");
            if (!File.Exists(pidFile) || (int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out int pid) && !IsRunning(pid)))
            {
                TryDelete(directory);
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using Process process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static async Task InitializeAsync(string binaries, string directory)
    {
        Directory.CreateDirectory(directory);
        if (IsRoot)
        {
            await RunAsync("chown", $"postgres {directory}").ConfigureAwait(false);
        }

        await RunAsServerUserAsync(Path.Combine(binaries, "initdb"), $"-D {directory} -A trust -U postgres --no-sync -E UTF8 --locale=C").ConfigureAwait(false);
    }

    private Task PgCtlAsync(string arguments) => RunAsServerUserAsync(Path.Combine(_binaries!, "pg_ctl"), arguments);

    /// <summary>
    /// Starts a detached watchdog (<c>setsid sh</c>) that waits for this process to end, then kills the server (SIGKILL to the
    /// postmaster, by its PID file) and deletes its folder; it ends by itself right after.
    /// </summary>
    public void WatchThisProcess()
    {
        // SIGKILL by the PID file: it works whatever state the server is in (the postmaster's children end when it does).
        Watchdog.Start(Environment.ProcessId, $"[ -f {_dataDirectory}/postmaster.pid ] && kill -9 $(head -1 {_dataDirectory}/postmaster.pid) 2>/dev/null; sleep 1; rm -rf {_dataDirectory}");
    }

    /// <summary>Kills the server (SIGKILL to the postmaster and its children) and deletes its folder: for process exit.</summary>
    public void Abandon()
    {
        if (_dataDirectory is null || Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        KillPostmaster();
        TryDelete(_dataDirectory);
    }

    private void KillPostmaster()
    {
        string pidFile = Path.Combine(_dataDirectory!, "postmaster.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).First(), out int pid))
        {
            try
            {
                // The postmaster alone: its children end when it does. Not Kill(entireProcessTree), which stops every process of the
                // tree first and, cut off at process exit, would leave them stopped for good.
                using Process postmaster = Process.GetProcessById(pid);
                postmaster.Kill();
                postmaster.WaitForExit(10_000);
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static Task RunAsServerUserAsync(string program, string arguments)
        => IsRoot ? RunAsync("runuser", $"-u postgres -- {program} {arguments}") : RunAsync(program, arguments);

    private static async Task RunAsync(string program, string arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{program} {arguments}' exited with {process.ExitCode}: {await error.ConfigureAwait(false)}{await output.ConfigureAwait(false)}");
        }
    }

    private static string FindBinaries()
    {
        string root = "/usr/lib/postgresql";
        string? found = Directory.Exists(root)
            ? Directory.GetDirectories(root).OrderByDescending(d => int.TryParse(Path.GetFileName(d), out int v) ? v : 0).Select(d => Path.Combine(d, "bin")).FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            : null;
        return found ?? throw new InvalidOperationException(
            "No PostgreSQL server binaries under /usr/lib/postgresql/*/bin: install Debian's postgresql package (./test.sh does), or set EVENTDRIVEN_POSTGRES to a connection string of a server you provide.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Left for the OS temp cleaner.
        }
    }
}
