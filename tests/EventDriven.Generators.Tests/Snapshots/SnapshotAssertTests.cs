using EventDriven.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit.Sdk;

namespace EventDriven.Generators.Tests.Snapshots;

/// <summary>The snapshot helper itself: a helper that always passed would make every snapshot test worthless.</summary>
public sealed class SnapshotAssertTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("snapshots-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void MatchesVerified_WhenTheOutputDiffers_WritesReceivedAndFailsWithAUnifiedDiff()
    {
        GeneratorRunResult result = Generated();
        string verified = Path.Combine(_directory, "Case.EventDispatchTable.g.verified.cs");
        string table = SnapshotAssert.Scrub(result.GeneratedSources.Single(static s => s.HintName == "EventDispatchTable.g.cs").SourceText.ToString());
        File.WriteAllText(verified, table.Replace("int current = 0;", "int current = 1;", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(_directory, "Case.EventDrivenTopology.g.verified.cs"), SnapshotAssert.Scrub(Source(result, "EventDrivenTopology.g.cs")));
        File.WriteAllText(Path.Combine(_directory, "Case.EventDrivenModuleInitializer.g.verified.cs"), SnapshotAssert.Scrub(Source(result, "EventDrivenModuleInitializer.g.cs")));

        XunitException failure = Assert.ThrowsAny<XunitException>(() => SnapshotAssert.MatchesVerified(result, "Case", _directory, accept: false));

        Assert.Contains("--- Case.EventDispatchTable.g.verified.cs\n+++ Case.EventDispatchTable.g.received.cs\n@@ -", failure.Message, StringComparison.Ordinal);
        Assert.Contains("\n-                int current = 1;\n+                int current = 0;\n", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("EventDrivenTopology", failure.Message, StringComparison.Ordinal);
        Assert.Equal(table, File.ReadAllText(Path.Combine(_directory, "Case.EventDispatchTable.g.received.cs")));
    }

    [Fact]
    public void MatchesVerified_WhenAccepting_OverwritesVerifiedRemovesReceivedAndStaleFiles()
    {
        GeneratorRunResult result = Generated();
        File.WriteAllText(Path.Combine(_directory, "Case.EventDispatchTable.g.verified.cs"), "old");
        File.WriteAllText(Path.Combine(_directory, "Case.EventDispatchTable.g.received.cs"), "old");
        File.WriteAllText(Path.Combine(_directory, "Case.NoLongerGenerated.g.verified.cs"), "old");

        SnapshotAssert.MatchesVerified(result, "Case", _directory, accept: true);

        Assert.Equal(
            ["Case.EventDispatchTable.g.verified.cs", "Case.EventDrivenModuleInitializer.g.verified.cs", "Case.EventDrivenTopology.g.verified.cs", "Case.EventTypeCatalog.g.verified.cs"],
            Directory.EnumerateFiles(_directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        SnapshotAssert.MatchesVerified(result, "Case", _directory, accept: false);
    }

    [Fact]
    public void MatchesVerified_WhenAVerifiedFileIsNoLongerGenerated_Fails()
    {
        GeneratorRunResult result = Generated();
        SnapshotAssert.MatchesVerified(result, "Case", _directory, accept: true);
        File.WriteAllText(Path.Combine(_directory, "Case.Extra.g.verified.cs"), "stale");

        XunitException failure = Assert.ThrowsAny<XunitException>(() => SnapshotAssert.MatchesVerified(result, "Case", _directory, accept: false));

        Assert.Contains("Case.Extra.g.verified.cs is verified but the generator no longer writes that file.", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scrub_ReplacesTheRealGeneratorVersionWithX()
    {
        string raw = Source(Generated(), "EventDispatchTable.g.cs");
        string version = typeof(DispatchTableGenerator).Assembly.GetName().Version!.ToString();
        Assert.Contains($"[global::System.CodeDom.Compiler.GeneratedCode(\"EventDriven.Generators\", \"{version}\")]", raw, StringComparison.Ordinal);

        string scrubbed = SnapshotAssert.Scrub(raw);

        Assert.Contains("[global::System.CodeDom.Compiler.GeneratedCode(\"EventDriven.Generators\", \"x\")]", scrubbed, StringComparison.Ordinal);
        Assert.DoesNotContain(version, scrubbed, StringComparison.Ordinal);
    }

    [Fact]
    public void UnifiedDiff_OfDistantChanges_WritesTwoHunksWithThreeLinesOfContext()
    {
        string before = string.Join("\n", Enumerable.Range(1, 20).Select(static i => "line " + i));
        string after = before.Replace("line 3\n", "line three\n", StringComparison.Ordinal).Replace("line 18\n", string.Empty, StringComparison.Ordinal);

        string diff = UnifiedDiff.Create(before, after, "a", "b");

        Assert.Equal(
            """
            --- a
            +++ b
            @@ -1,6 +1,6 @@
             line 1
             line 2
            -line 3
            +line three
             line 4
             line 5
             line 6
            @@ -15,6 +15,5 @@
             line 15
             line 16
             line 17
            -line 18
             line 19
             line 20

            """.Replace("\r\n", "\n", StringComparison.Ordinal),
            diff);
    }

    private static GeneratorRunResult Generated()
        => GeneratorHarness.Run(TestSources.Events, TestSources.Handlers("""
            namespace Shop
            {
                [EventHandler]
                public sealed class Audit : IEventHandler<OrderPlaced>
                {
                    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
                }
            }
            """)).Result;

    private static string Source(GeneratorRunResult result, string hintName)
        => result.GeneratedSources.Single(s => s.HintName == hintName).SourceText.ToString();
}
