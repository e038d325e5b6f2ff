using System.Diagnostics;
using System.Globalization;

namespace ECommerce.Distributed;

/// <summary>
/// One instance of a service as a child process of the driver: started from this same executable (<c>ECommerce service …</c>),
/// read through its standard output (READY, stats), stopped by closing its standard input, or killed with SIGKILL and started
/// again on the same database. Counters of every incarnation add up.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly string[] _arguments;
    private readonly Lock _gate = new();
    private readonly Queue<string> _lastErrors = new();
    private Process? _process;
    private TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ServiceStats _earlier;
    private ServiceStats _current;

    /// <summary>Prepares (does not start) instance <paramref name="instance"/> of <paramref name="service"/>.</summary>
    public ServiceProcess(ShopService service, int instance, DistributedSettings settings, string databasePath, string providerBooks)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(settings);
        Service = service;
        Instance = instance;
        DatabasePath = databasePath;
        _arguments =
        [
            "service", service.Name,
            "--db", databasePath,
            "--provider-books", providerBooks,
            "--rabbitmq", settings.Broker.ToString(),
            "--exchange", settings.Exchange,
            "--orders", settings.Orders.ToString(CultureInfo.InvariantCulture),
            "--payment-timeout-ms", ((int)settings.PaymentTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            "--transient-failure-rate", settings.TransientFailureRate.ToString(CultureInfo.InvariantCulture),
            .. settings.Postgres is { } server ? (string[])["--postgres", server] : [],
        ];
    }

    /// <summary>The service this process runs.</summary>
    public ShopService Service { get; }

    /// <summary>1 for the first instance of the service.</summary>
    public int Instance { get; }

    /// <summary>This instance's own database: a SQLite file, or its PostgreSQL schema.</summary>
    public string DatabasePath { get; }

    /// <summary>E.g. <c>payments#2</c>.</summary>
    public string Label => Instance == 1 ? Service.Name : Service.Name + "#" + Instance.ToString(CultureInfo.InvariantCulture);

    /// <summary>How many times this instance was started.</summary>
    public int Starts { get; private set; }

    /// <summary>The running incarnation's process id, or 0.</summary>
    public int ProcessId => _process is { HasExited: false } running ? running.Id : 0;

    /// <summary>Counters of every incarnation so far (a killed one's as last reported).</summary>
    public ServiceStats Stats
    {
        get
        {
            lock (_gate)
            {
                return _earlier.Plus(_current);
            }
        }
    }

    /// <summary>The running incarnation's latest report.</summary>
    public ServiceStats Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>Starts an incarnation and waits until it consumes its queue.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath ?? throw new InvalidOperationException("The path of this executable is unknown."))
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // Under `dotnet ECommerce.dll` the process is the dotnet host: give it the application again.
        if (Path.GetFileNameWithoutExtension(start.FileName) == "dotnet")
        {
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ECommerce.dll"));
        }

        foreach (string argument in _arguments)
        {
            start.ArgumentList.Add(argument);
        }

        lock (_gate)
        {
            _earlier = _earlier.Plus(_current);
            _current = default;
            _ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        TaskCompletionSource ready = _ready;
        process.OutputDataReceived += (_, line) => OnOutput(line.Data, ready);
        process.ErrorDataReceived += (_, line) => OnError(line.Data);
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"{Label} exited with code {process.ExitCode} while starting: {LastErrors()}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        Starts++;
        await ready.Task.WaitAsync(TimeSpan.FromMinutes(2), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>SIGKILL: the process gets no chance to finish anything. Returns once it is gone.</summary>
    public async Task KillAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        try
        {
            process.Kill(); // SIGKILL on Linux
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }

        await process.WaitForExitAsync().ConfigureAwait(false);
    }

    /// <summary>Asks the process to stop (closes its standard input) and waits for it; kills it if it does not stop in a minute.</summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await KillAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync().ConfigureAwait(false);
        _process?.Dispose();
        _process = null;
    }

    private void OnOutput(string? line, TaskCompletionSource ready)
    {
        if (line is null)
        {
            return;
        }

        if (ServiceStats.TryParse(line, out ServiceStats stats))
        {
            lock (_gate)
            {
                _current = stats;
            }
        }
        else if (line == "READY")
        {
            ready.TrySetResult();
        }
    }

    private void OnError(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _lastErrors.Enqueue(line);
            if (_lastErrors.Count > 20)
            {
                _lastErrors.Dequeue();
            }
        }
    }

    private string LastErrors()
    {
        lock (_gate)
        {
            return _lastErrors.Count == 0 ? "(nothing on stderr)" : string.Join(Environment.NewLine, _lastErrors);
        }
    }
}
