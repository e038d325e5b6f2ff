using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ECommerce.Distributed;

/// <summary>
/// A RabbitMQ node for one distributed run, as the test scripts start them: Debian's <c>rabbitmq-server</c> on a folder of its own,
/// its own node name and ports on 127.0.0.1, run as the <c>rabbitmq</c> user when the job runs as root. Never the system service.
/// Stopped, with the Erlang port mapper it started and its folder, when the run ends; a watchdog does it if the job is killed.
/// </summary>
public sealed class ThrowawayRabbitMq : IAsyncDisposable
{
    /// <summary>Where Debian's package puts the server.</summary>
    public const string Server = "/usr/lib/rabbitmq/bin/rabbitmq-server";

    private readonly string _directory;
    private readonly Process _process;
    private readonly int[] _mappersBefore;

    private ThrowawayRabbitMq(Uri uri, string directory, Process process, int[] mappersBefore)
    {
        Uri = uri;
        _directory = directory;
        _process = process;
        _mappersBefore = mappersBefore;
    }

    /// <summary>The node's AMQP address (guest/guest on 127.0.0.1).</summary>
    public Uri Uri { get; }

    /// <summary>Starts a node and returns once it has booted.</summary>
    /// <exception cref="InvalidOperationException">The server is not installed, or did not boot.</exception>
    public static async Task<ThrowawayRabbitMq> StartAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Server))
        {
            throw new InvalidOperationException($"No RabbitMQ server at {Server}: install it first (sudo apt-get install -y rabbitmq-server), or pass --rabbitmq amqp://user:password@host:5672/ for a broker you run.");
        }

        string id = Guid.NewGuid().ToString("N")[..10];
        string directory = Path.Combine(Path.GetTempPath(), "eventdriven-shop-rmq-" + id);
        Directory.CreateDirectory(Path.Combine(directory, "mnesia"));
        Directory.CreateDirectory(Path.Combine(directory, "log"));
        await File.WriteAllTextAsync(Path.Combine(directory, "enabled_plugins"), "[].", cancellationToken).ConfigureAwait(false);
        bool root = Environment.UserName == "root";
        if (root)
        {
            await RunAsync("chown", ["-R", "rabbitmq", directory]).ConfigureAwait(false);
        }

        int port = FreePort();
        var start = new ProcessStartInfo(root ? "runuser" : "env") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in (string[])[.. root ? ["-u", "rabbitmq", "--", "env"] : Array.Empty<string>(),
            "HOME=" + directory,
            "RABBITMQ_NODENAME=shop" + id + "@localhost",
            "RABBITMQ_NODE_IP_ADDRESS=127.0.0.1",
            "RABBITMQ_NODE_PORT=" + port,
            "RABBITMQ_DIST_PORT=" + FreePort(),
            "RABBITMQ_MNESIA_BASE=" + Path.Combine(directory, "mnesia"),
            "RABBITMQ_LOG_BASE=" + Path.Combine(directory, "log"),
            "RABBITMQ_PID_FILE=" + Path.Combine(directory, "pid"),
            "RABBITMQ_ENABLED_PLUGINS_FILE=" + Path.Combine(directory, "enabled_plugins"),
            Server])
        {
            start.ArgumentList.Add(argument);
        }

        int[] mappersBefore = PortMappers();
        var booted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, line) =>
        {
            // The node says when it has booted: wait for that line rather than probing the port.
            if (line.Data?.Contains("Starting broker... completed", StringComparison.Ordinal) == true)
            {
                booted.TrySetResult();
            }
        };
        process.ErrorDataReceived += static (_, _) => { };
        process.Exited += (_, _) => booted.TrySetException(new InvalidOperationException($"rabbitmq-server exited while starting; see {directory}/log."));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var broker = new ThrowawayRabbitMq(new Uri($"amqp://guest:guest@127.0.0.1:{port}/"), directory, process, mappersBefore);
        StartWatchdog($"[ -f {directory}/pid ] && kill -9 $(cat {directory}/pid) 2>/dev/null; sleep 1; rm -rf {directory}");
        try
        {
            await booted.Task.WaitAsync(TimeSpan.FromMinutes(2), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await broker.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        // The port mapper a first node starts outlives it: once this process is gone, stop it too, unless another node uses it.
        string mappers = string.Concat(PortMappers().Except(mappersBefore).Select(static pid => $"kill -9 {pid} 2>/dev/null; "));
        if (mappers.Length > 0)
        {
            StartWatchdog($"sleep 2; for c in /proc/[0-9]*/comm; do [ \"$(cat $c 2>/dev/null)\" = beam.smp ] && exit 0; done; {mappers}");
        }

        return broker;
    }

    /// <summary>Stops the node (SIGKILL by its PID file: the run is over and its queues are not needed), the port mapper it started, and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        KillByPidFile();
        try
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException)
        {
            // Already gone.
        }

        _process.Dispose();

        // The port mapper serves every node of the machine: stop the one this node started only when no other node runs.
        bool otherNodes = Directory.GetDirectories("/proc").Any(static d => int.TryParse(Path.GetFileName(d), out int pid) && ReadComm(pid) == "beam.smp");
        foreach (int mapper in otherNodes ? [] : PortMappers().Except(_mappersBefore))
        {
            Kill(mapper);
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The watchdog deletes what is left.
        }
    }

    private void KillByPidFile()
    {
        string pidFile = Path.Combine(_directory, "pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out int pid))
        {
            Kill(pid);
        }
    }

    /// <summary>A detached shell that runs <paramref name="cleanup"/> once this process is gone, however it ended.</summary>
    private static void StartWatchdog(string cleanup)
    {
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in (string[])["sh", "-c", $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; {cleanup}"])
        {
            start.ArgumentList.Add(argument);
        }

        using Process watchdog = Process.Start(start) ?? throw new InvalidOperationException("Could not start the broker's watchdog.");
    }

    /// <summary>The Erlang port mapper daemons running now: a node starts one if none runs; the run stops the one its node started.</summary>
    private static int[] PortMappers()
        => [.. Directory.GetDirectories("/proc").Select(static d => int.TryParse(Path.GetFileName(d), out int pid) ? pid : -1)
            .Where(static pid => pid > 0 && ReadComm(pid) == "epmd")];

    private static string? ReadComm(int pid)
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

    private static void Kill(int pid)
    {
        try
        {
            using Process process = Process.GetProcessById(pid);
            process.Kill();
            process.WaitForExit(10_000);
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    private static async Task RunAsync(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await process.StandardError.ReadToEndAsync().ConfigureAwait(false)}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
