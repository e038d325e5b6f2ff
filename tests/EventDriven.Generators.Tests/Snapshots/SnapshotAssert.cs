using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Xunit.Sdk;

namespace EventDriven.Generators.Tests.Snapshots;

/// <summary>
/// Compares every file a generator run produced with <c>Snapshots/&lt;TestName&gt;.&lt;HintName&gt;.verified.cs</c> beside the test
/// source. A mismatch writes <c>*.received.cs</c> next to it and fails with a unified diff; with <c>ACCEPT_SNAPSHOTS=1</c> the received
/// text becomes the verified file instead. Review accepted files by eye before committing them.
/// </summary>
internal static partial class SnapshotAssert
{
    private const string AcceptVariable = "ACCEPT_SNAPSHOTS";
    private const string VerifiedSuffix = ".verified.cs";
    private const string ReceivedSuffix = ".received.cs";

    private static bool Accepting => Environment.GetEnvironmentVariable(AcceptVariable) is "1" or "true";

    public static void MatchesVerified(
        GeneratorRunResult result,
        [CallerMemberName] string testName = "",
        [CallerFilePath] string testSourcePath = "")
        => MatchesVerified(result, testName, SnapshotDirectory(testSourcePath), Accepting);

    /// <summary>The comparison itself, with the folder and the accept switch explicit so the helper can be tested.</summary>
    internal static void MatchesVerified(GeneratorRunResult result, string testName, string directory, bool accept)
    {
        var failures = new StringBuilder();
        var expectedFiles = new HashSet<string>(StringComparer.Ordinal);

        foreach (GeneratedSourceResult source in result.GeneratedSources.OrderBy(static s => s.HintName, StringComparer.Ordinal))
        {
            string stem = testName + "." + Path.GetFileNameWithoutExtension(source.HintName);
            string verifiedPath = Path.Combine(directory, stem + VerifiedSuffix);
            string receivedPath = Path.Combine(directory, stem + ReceivedSuffix);
            expectedFiles.Add(verifiedPath);

            string received = Normalize(Scrub(source.SourceText.ToString()));
            string? verified = File.Exists(verifiedPath) ? Normalize(File.ReadAllText(verifiedPath)) : null;
            if (string.Equals(received, verified, StringComparison.Ordinal))
            {
                File.Delete(receivedPath);
                continue;
            }

            if (accept)
            {
                File.WriteAllText(verifiedPath, received, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
                File.Delete(receivedPath);
                continue;
            }

            File.WriteAllText(receivedPath, received, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            failures.Append(verified is null
                    ? $"No verified snapshot {Path.GetFileName(verifiedPath)}; the generator wrote {Path.GetFileName(receivedPath)}.\n"
                    : $"{Path.GetFileName(verifiedPath)} differs from what the generator wrote:\n")
                .Append(UnifiedDiff.Create(verified ?? string.Empty, received, Path.GetFileName(verifiedPath), Path.GetFileName(receivedPath)))
                .Append('\n');
        }

        foreach (string stale in Directory.EnumerateFiles(directory, testName + ".*" + VerifiedSuffix).Where(f => !expectedFiles.Contains(f)))
        {
            if (accept)
            {
                File.Delete(stale);
            }
            else
            {
                failures.Append($"{Path.GetFileName(stale)} is verified but the generator no longer writes that file.\n");
            }
        }

        if (failures.Length > 0)
        {
            throw new XunitException(
                failures.Append($"Review the diff; if the new output is right, rerun with {AcceptVariable}=1 and commit the .verified.cs files.").ToString());
        }
    }

    /// <summary>Replaces the generator's assembly version, which changes with every release, by <c>x</c>.</summary>
    public static string Scrub(string generated)
        => GeneratedCodeVersion().Replace(generated, "${prefix}\"x\")]");

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    /// <summary>
    /// <c>Snapshots/</c> beside the test source. When the compiler mapped the source path away (deterministic CI builds), the
    /// project folder is found by walking up from the test binaries instead.
    /// </summary>
    private static string SnapshotDirectory(string testSourcePath)
    {
        string? sourceDirectory = Path.GetDirectoryName(testSourcePath);
        if (sourceDirectory is not null && Directory.Exists(sourceDirectory))
        {
            return Directory.CreateDirectory(Path.Combine(sourceDirectory, "Snapshots")).FullName;
        }

        for (DirectoryInfo? current = new(AppContext.BaseDirectory); current is not null; current = current.Parent)
        {
            if (File.Exists(Path.Combine(current.FullName, "EventDriven.Generators.Tests.csproj")))
            {
                return Path.Combine(current.FullName, "Snapshots");
            }
        }

        throw new InvalidOperationException($"Cannot find the snapshot folder: '{testSourcePath}' does not exist and no parent of '{AppContext.BaseDirectory}' holds the test project.");
    }

    [GeneratedRegex("""(?<prefix>\[global::System\.CodeDom\.Compiler\.GeneratedCode\("EventDriven\.Generators", )"[^"]*"\)\]""")]
    private static partial Regex GeneratedCodeVersion();
}
