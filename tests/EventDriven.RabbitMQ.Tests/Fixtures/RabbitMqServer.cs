using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using RabbitMQ.Client;

namespace EventDriven.RabbitMQ.Tests.Fixtures;

/// <summary>
/// A throwaway RabbitMQ node for the tests: its own data folder under /tmp, its own node name, AMQP and distribution ports on
/// 127.0.0.1, started from Debian's <c>rabbitmq-server</c> as the <c>rabbitmq</c> user when run as root, and stopped (by its PID) when
/// the test process ends. Never the system service. Set <c>EVENTDRIVEN_RABBITMQ</c> to an amqp:// URI to use a broker you provide
/// (the stop-and-restart tests still start nodes of their own).
/// </summary>
public sealed class RabbitMqServer : IAsyncDisposable
{
    private const string Server = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    private const string Control = "/usr/lib/rabbitmq/bin/rabbitmqctl";
    private static readonly Lazy<Task<RabbitMqServer>> s_shared = new(StartSharedAsync);

    private readonly string? _directory;
    private readonly string _node;
    private readonly int _distributionPort;
    private Process? _process;
    private int[] _portMappers = [];
    private int _disposed;

    private RabbitMqServer(Uri uri, string? directory, string node, int distributionPort)
    {
        Uri = uri;
        _directory = directory;
        _node = node;
        _distributionPort = distributionPort;
    }

    /// <summary>The broker's address (guest/guest on 127.0.0.1).</summary>
    public Uri Uri { get; }

    /// <summary>The node every test of the process shares (each test uses exchanges and queues of its own).</summary>
    public static Task<RabbitMqServer> SharedAsync() => s_shared.Value;

    /// <summary>A node of its own, for tests that stop and restart the broker.</summary>
    public static async Task<RabbitMqServer> StartOwnAsync()
    {
        if (!File.Exists(Server))
        {
            throw new InvalidOperationException($"No RabbitMQ server at {Server}: install Debian's rabbitmq-server package (./test.sh does), or set EVENTDRIVEN_RABBITMQ to the amqp:// URI of a broker you provide.");
        }

        for (int attempt = 1; ; attempt++)
        {
            string id = Guid.NewGuid().ToString("N")[..10];
            string directory = Path.Combine(Path.GetTempPath(), "eventdriven-rmq-" + id);
            int port = FreePort();
            int distribution = FreePort();
            var server = new RabbitMqServer(new Uri($"amqp://guest:guest@127.0.0.1:{port}/"), directory, "ed" + id + "@localhost", distribution);
            try
            {
                Directory.CreateDirectory(Path.Combine(directory, "mnesia"));
                Directory.CreateDirectory(Path.Combine(directory, "log"));
                await File.WriteAllTextAsync(Path.Combine(directory, "enabled_plugins"), "[].");
                if (IsRoot)
                {
                    await RunAsync("chown", $"-R rabbitmq {directory}");
                }

                int[] mappersBefore = PortMappers();
                await server.StartAsync();

                // The first node of a machine starts the Erlang port mapper (epmd), a daemon outside the node: it is this fixture's
                // to stop too. The test host may end this process without running ProcessExit handlers or a test's dispose to the
                // end: a watchdog of its own kills the node (and that mapper) and deletes its folder once this process is gone.
                server._portMappers = [.. PortMappers().Except(mappersBefore)];
                server.WatchThisProcess();
                return server;
            }
            catch (Exception) when (attempt < 3)
            {
                await server.DisposeAsync();
            }
        }
    }

    /// <summary>Starts the (stopped) node on its folder and ports; returns once it accepts AMQP connections.</summary>
    public async Task StartAsync()
    {
        var start = new ProcessStartInfo(IsRoot ? "runuser" : "env") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (IsRoot)
        {
            foreach (string argument in (string[])["-u", "rabbitmq", "--", "env"])
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (string variable in Environment())
        {
            start.ArgumentList.Add(variable);
        }

        start.ArgumentList.Add(Server);
        // The node says on stdout when it has booted ("Starting broker... completed with 0 plugins."): wait for that line, or for the
        // process to end, rather than probing the port.
        var booted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, line) =>
        {
            if (line.Data?.Contains("Starting broker... completed", StringComparison.Ordinal) == true)
            {
                booted.TrySetResult();
            }
        };
        _process.ErrorDataReceived += static (_, _) => { };
        _process.Exited += (_, _) => booted.TrySetException(new InvalidOperationException($"rabbitmq-server exited while starting; see {_directory}/log."));
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await booted.Task.WaitAsync(TimeSpan.FromMinutes(2));

        // Booted means listening: one connection proves it.
        var factory = new ConnectionFactory { Uri = Uri, AutomaticRecoveryEnabled = false, RequestedConnectionTimeout = TimeSpan.FromSeconds(10) };
        await using IConnection connection = await factory.CreateConnectionAsync();
    }

    /// <summary>Stops the node the way a crash does: SIGKILL to every process of it. What it had confirmed is on disk.</summary>
    public async Task KillAsync()
    {
        Process? process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
    }

    /// <summary>Starts a detached watchdog that kills the node (its beam process, by the PID file) and deletes its folder once this process is gone.</summary>
    public void WatchThisProcess()
        => PostgreSql.Tests.Fixtures.Watchdog.Start(
            System.Environment.ProcessId,
            $"[ -f {_directory}/pid ] && kill -9 $(cat {_directory}/pid) 2>/dev/null; sleep 1; {UnlessANodeRuns(string.Concat(_portMappers.Select(static pid => $"kill -9 {pid} 2>/dev/null; ")))} rm -rf {_directory}");

    /// <summary>A shell command run only when no RabbitMQ node (beam.smp) runs on the machine any more: the port mapper serves them all.</summary>
    private static string UnlessANodeRuns(string command)
        => command.Length == 0 ? string.Empty : $"( for c in /proc/[0-9]*/comm; do [ \"$(cat $c 2>/dev/null)\" = beam.smp ] && exit 0; done; {command});";

    /// <summary>Kills the node (SIGKILL to every process of it) and deletes its folder: for process exit.</summary>
    public void Abandon()
    {
        if (_directory is null || Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // SIGKILL to the node (by its PID file), then to the launcher, one process at a time: Kill(entireProcessTree) stops the whole
        // tree first and, cut off at process exit, would leave it stopped for good.
        KillNode();
        KillPortMappers();
        if (_process is { } process)
        {
            _process = null;
            try
            {
                process.Kill();
                process.WaitForExit(10_000);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            process.Dispose();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A later run's RemoveLeftovers takes what is left.
        }
    }

    /// <summary>Stops the port mapper this fixture's node started, unless another node (another test process's) still uses it.</summary>
    private void KillPortMappers()
    {
        if (Directory.GetDirectories("/proc").Any(static d => ReadComm(Path.GetFileName(d)) == "beam.smp"))
        {
            return;
        }

        foreach (int pid in _portMappers)
        {
            try
            {
                using Process mapper = Process.GetProcessById(pid);
                mapper.Kill();
                mapper.WaitForExit(10_000);
            }
            catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Already gone.
            }
        }
    }

    /// <summary>The Erlang port mapper daemons running now (by /proc).</summary>
    private static int[] PortMappers()
        => [.. Directory.GetDirectories("/proc").Select(static d => int.TryParse(Path.GetFileName(d), out int pid) ? pid : -1)
            .Where(static pid => pid > 0 && IsPortMapper(pid))];

    private static bool IsPortMapper(int pid) => ReadComm(pid.ToString(System.Globalization.CultureInfo.InvariantCulture)) == "epmd";

    private static string? ReadComm(string pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void KillNode()
    {
        string pidFile = Path.Combine(_directory!, "pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out int pid))
        {
            try
            {
                using Process node = Process.GetProcessById(pid);
                node.Kill();
                node.WaitForExit(10_000);
            }
            catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
            {
                // Already gone.
            }
        }
    }

    /// <summary>Stops the node and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_directory is null || Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_process is { HasExited: false })
        {
            try
            {
                using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await RunAsServerUserAsync(Control, $"-n {_node} stop", stop.Token);
                await _process.WaitForExitAsync(stop.Token);
            }
            catch (Exception)
            {
                // Not stoppable politely: the processes go anyway.
            }
        }

        await KillAsync();
        KillPortMappers();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The watchdog deletes what is left once this process is gone.
        }
    }

    private IEnumerable<string> Environment() =>
    [
        "HOME=" + _directory,
        "RABBITMQ_NODENAME=" + _node,
        "RABBITMQ_NODE_IP_ADDRESS=127.0.0.1",
        "RABBITMQ_NODE_PORT=" + Uri.Port,
        "RABBITMQ_DIST_PORT=" + _distributionPort,
        "RABBITMQ_MNESIA_BASE=" + Path.Combine(_directory!, "mnesia"),
        "RABBITMQ_LOG_BASE=" + Path.Combine(_directory!, "log"),
        "RABBITMQ_PID_FILE=" + Path.Combine(_directory!, "pid"),
        "RABBITMQ_ENABLED_PLUGINS_FILE=" + Path.Combine(_directory!, "enabled_plugins"),
        "RABBITMQ_CONFIG_FILE=" + Path.Combine(_directory!, "rabbitmq"),
    ];

    private static async Task<RabbitMqServer> StartSharedAsync()
    {
        if (System.Environment.GetEnvironmentVariable("EVENTDRIVEN_RABBITMQ") is { Length: > 0 } given)
        {
            return new RabbitMqServer(new Uri(given), null, string.Empty, 0);
        }

        RemoveLeftovers();
        RabbitMqServer server = await StartOwnAsync();
        // The handler kills the node outright when there is time (rabbitmqctl stop takes seconds); the watchdog StartOwnAsync gave
        // it covers the case where the test host ends this process first.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Abandon();
        return server;
    }

    /// <summary>Folders of nodes a killed test run could not stop, whose node is gone.</summary>
    private static void RemoveLeftovers()
    {
        foreach (string directory in Directory.GetDirectories(Path.GetTempPath(), "eventdriven-rmq-*"))
        {
            string pidFile = Path.Combine(directory, "pid");
            bool running = File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out int pid) && IsRunning(pid);
            if (!running && Directory.GetLastWriteTimeUtc(directory) < DateTime.UtcNow.AddMinutes(-5))
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (IOException)
                {
                    // Someone else's.
                }
                catch (UnauthorizedAccessException)
                {
                    // Someone else's.
                }
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

    private Task RunAsServerUserAsync(string program, string arguments, CancellationToken cancellationToken)
        => IsRoot
            ? RunAsync("runuser", $"-u rabbitmq -- env HOME={_directory} {program} {arguments}", cancellationToken)
            : RunAsync("env", $"HOME={_directory} {program} {arguments}", cancellationToken);

    private static bool IsRoot => System.Environment.UserName == "root";

    private static async Task RunAsync(string program, string arguments, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        Task<string> output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{program} {arguments}' exited with {process.ExitCode}: {await error}{await output}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
