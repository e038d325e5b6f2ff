using System.Diagnostics;

namespace EventDriven.PostgreSql.Tests.Fixtures;

/// <summary>
/// A detached shell that outlives the test process and cleans up after it: polls once a second whether the process still runs, then
/// runs the cleanup command (stop a throwaway server, delete its folder) and exits. Needed because the servers the tests start are
/// daemons outside the test process's tree, and a test host can end without running ProcessExit handlers to the end.
/// </summary>
public static class Watchdog
{
    public static void Start(int ownerPid, string cleanup)
    {
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in (string[])["sh", "-c", $"while kill -0 {ownerPid} 2>/dev/null; do sleep 1; done; {cleanup}"])
        {
            start.ArgumentList.Add(argument);
        }

        using Process watchdog = Process.Start(start) ?? throw new InvalidOperationException("Could not start the cleanup watchdog.");
    }
}
