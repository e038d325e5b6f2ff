using System.Diagnostics;
using System.Text;

namespace EventDriven.Package.Tests;

/// <summary>What a finished child process printed and returned.</summary>
/// <param name="CommandLine">The command as run, for messages.</param>
/// <param name="ExitCode">The process exit code.</param>
/// <param name="Output">Standard output and standard error interleaved in arrival order.</param>
/// <param name="StandardOutput">Standard output alone.</param>
/// <param name="Duration">Wall-clock time the process ran.</param>
public sealed record ProcessResult(string CommandLine, int ExitCode, string Output, string StandardOutput, TimeSpan Duration)
{
    /// <summary>The lines of standard output, trailing empty line dropped, line endings normalised.</summary>
    public IReadOnlyList<string> StandardOutputLines =>
        StandardOutput.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');

    /// <summary>A description for assertion messages: the command, its exit code, its duration and everything it printed.</summary>
    public string Describe() =>
        $"$ {CommandLine}{Environment.NewLine}exit code {ExitCode} after {Duration.TotalSeconds:0.0} s{Environment.NewLine}--- output ---{Environment.NewLine}{Output}";
}

/// <summary>Runs <c>dotnet</c> (or a program it built) as a child process, capturing its output and enforcing a time limit.</summary>
public static class DotNetCli
{
    /// <summary>Ample for a native AOT publish on a 2-core machine.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);

    /// <summary>The <c>dotnet</c> host running these tests, so children use the same SDK install; <c>dotnet</c> on PATH otherwise.</summary>
    public static string DotNetPath { get; } =
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>.</summary>
    public static Task<ProcessResult> RunAsync(string workingDirectory, IEnumerable<string> arguments, TimeSpan? timeout = null)
        => RunProcessAsync(DotNetPath, workingDirectory, arguments, timeout);

    /// <summary>
    /// Runs <paramref name="fileName"/>; throws <see cref="TimeoutException"/> (with everything printed so far) and kills the whole
    /// process tree when it runs past <paramref name="timeout"/>.
    /// </summary>
    public static async Task<ProcessResult> RunProcessAsync(string fileName, string workingDirectory, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        ConfigureEnvironment(startInfo.Environment);

        string commandLine = fileName + " " + string.Join(" ", startInfo.ArgumentList.Select(Quote));
        var output = new StringBuilder();
        var standardOutput = new StringBuilder();
        var gate = new Lock();

        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (gate)
                {
                    output.AppendLine(e.Data);
                    standardOutput.AppendLine(e.Data);
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (gate)
                {
                    output.AppendLine(e.Data);
                }
            }
        };

        var stopwatch = Stopwatch.StartNew();
        if (!process.Start())
        {
            throw new InvalidOperationException("Could not start: " + commandLine);
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        TimeSpan limit = timeout ?? DefaultTimeout;
        using var cancellation = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited between the time-out and the kill.
            }

            string soFar;
            lock (gate)
            {
                soFar = output.ToString();
            }

            throw new TimeoutException($"$ {commandLine}{Environment.NewLine}did not finish within {limit.TotalSeconds:0} s; killed. Output so far:{Environment.NewLine}{soFar}");
        }

        stopwatch.Stop();
        lock (gate)
        {
            return new ProcessResult(commandLine, process.ExitCode, output.ToString(), standardOutput.ToString(), stopwatch.Elapsed);
        }
    }

    /// <summary>
    /// Quiet, English, non-interactive children that know nothing of the MSBuild instance running these tests
    /// (MSBuild* variables inherited from <c>dotnet test</c> would make a child build load that instance's SDK paths).
    /// </summary>
    private static void ConfigureEnvironment(IDictionary<string, string?> environment)
    {
        foreach (string key in environment.Keys.Where(static k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToArray())
        {
            environment.Remove(key);
        }

        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        environment["DOTNET_NOLOGO"] = "1";
        environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        environment["DOTNET_GENERATE_ASPNET_CERTIFICATE"] = "false";
        environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        environment["NUGET_XMLDOC_MODE"] = "skip";
        environment["TERM"] = "dumb";
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && !argument.Any(static c => char.IsWhiteSpace(c) || c is '"' or '\'') ? argument : "\"" + argument.Replace("\"", "\\\"") + "\"";
}
