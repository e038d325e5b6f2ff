using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace EventDriven.PostgreSql.Tests.Fixtures;

/// <summary>
/// One run of the child appender (tests/EventDriven.PostgreSql.Appender): what it said it began and what the store acknowledged.
/// A line cut by a kill does not parse and counts as not said.
/// </summary>
public sealed class AppenderProcess : IAsyncDisposable
{
    private readonly Process _child;
    private readonly Task<string> _errors;
    private readonly Task _reading;
    private readonly Lock _gate = new();
    private readonly List<(int Acks, TaskCompletionSource Reached)> _waiters = [];

    private AppenderProcess(Process child)
    {
        _child = child;
        _errors = child.StandardError.ReadToEndAsync();
        _reading = Task.Run(ReadAsync);
    }

    public Dictionary<string, Guid[]> Begun { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Acknowledged { get; } = new(StringComparer.Ordinal);

    /// <summary>Starts the child: <paramref name="batches"/> per worker, or 0 to append until killed.</summary>
    public static AppenderProcess Start(string connectionString, string schema, string name, int workers, int batches)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in (ReadOnlySpan<string>)[AppenderPath(), connectionString, schema, name, workers.ToString(CultureInfo.InvariantCulture), batches.ToString(CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(argument);
        }

        return new AppenderProcess(Process.Start(start) ?? throw new InvalidOperationException("the appender did not start"));
    }

    /// <summary>Completes once the child has acknowledged <paramref name="acks"/> appends (fails if it exits first).</summary>
    public Task AcknowledgedAsync(int acks)
    {
        lock (_gate)
        {
            if (Acknowledged.Count >= acks)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((acks, reached));
            return reached.Task;
        }
    }

    /// <summary>Waits for the child to finish on its own; throws with its error output when it failed.</summary>
    public async Task ExitedAsync()
    {
        await _child.WaitForExitAsync();
        await _reading;
        if (_child.ExitCode != 0)
        {
            throw new InvalidOperationException($"the appender exited with {_child.ExitCode}: {await _errors}");
        }
    }

    /// <summary>SIGKILL: no finally block, no dispose, no flush runs in the child.</summary>
    public async Task KillAsync()
    {
        _child.Kill(entireProcessTree: true);
        await _child.WaitForExitAsync();
        await _reading;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_child.HasExited)
        {
            await KillAsync();
        }

        _child.Dispose();
    }

    private async Task ReadAsync()
    {
        while (await _child.StandardOutput.ReadLineAsync() is { } line)
        {
            lock (_gate)
            {
                Record(line);
                foreach ((int acks, TaskCompletionSource reached) in _waiters)
                {
                    if (Acknowledged.Count >= acks)
                    {
                        reached.TrySetResult();
                    }
                }
            }
        }

        lock (_gate)
        {
            foreach ((_, TaskCompletionSource reached) in _waiters)
            {
                reached.TrySetException(new InvalidOperationException($"the appender exited after {Acknowledged.Count} acknowledged appends: {_errors.Result}"));
            }
        }
    }

    private void Record(string line)
    {
        switch (line.Split(' '))
        {
            case ["BEGIN", string name, string ids]:
                Guid[] parsed = [.. ids.Split(',').Select(id => Guid.TryParse(id, out Guid g) ? g : Guid.Empty)];
                if (!parsed.Contains(Guid.Empty))
                {
                    Begun[name] = parsed;
                }

                break;
            case ["ACK", string name] when Begun.ContainsKey(name):
                Acknowledged.Add(name);
                break;
        }
    }

    private static string AppenderPath()
    {
        string path = Path.GetFullPath(typeof(AppenderProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "AppenderPath").Value!);
        return File.Exists(path) ? path : throw new FileNotFoundException("The appender is not built; build tests/EventDriven.PostgreSql.Tests (it builds the appender too).", path);
    }
}
