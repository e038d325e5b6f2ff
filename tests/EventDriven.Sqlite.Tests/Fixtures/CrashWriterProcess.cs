using System.Diagnostics;
using System.Reflection;

namespace EventDriven.Sqlite.Tests.Fixtures;

/// <summary>Starts the crash tests' child process (tests/EventDriven.Sqlite.CrashWriter) with its output redirected.</summary>
internal static class CrashWriterProcess
{
    public static Process Start(params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path());
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("the crash writer did not start");
    }

    private static string Path()
    {
        string path = typeof(CrashWriterProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CrashWriterPath").Value!;
        path = System.IO.Path.GetFullPath(path);
        return File.Exists(path) ? path : throw new FileNotFoundException("The crash writer is not built; build tests/EventDriven.Sqlite.Tests (it builds the writer too).", path);
    }
}
