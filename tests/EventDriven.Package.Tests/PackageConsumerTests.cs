using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace EventDriven.Package.Tests;

/// <summary>
/// End-to-end checks of the packed EventDriven package: its layout, a JIT build and run of a consumer app, and a native AOT
/// publish and run of the same app. The consumer sources are in the Consumer folder of this project.
/// </summary>
public sealed partial class PackageConsumerTests(PackageFixture fixture, ITestOutputHelper output) : IClassFixture<PackageFixture>
{
    /// <summary>
    /// What the consumer prints: each handler invocation in the generated run order (Order, then full type name), then the topology
    /// manifest, then each event's round trip through the JSON event serializer, then "done".
    /// </summary>
    private static readonly string[] ExpectedOutput =
    [
        // OrderPlaced: Order -10, 1, 2 (really asynchronous), 3 (scoped: its scope is disposed when it completes), 5.
        "ValidateOrder: A-1",
        "NotifyCustomer: order A-1 confirmed",
        "ReserveStock: begin A-1",
        "ReserveStock: end A-1",
        "ChargeCustomer: A-1 in session 1",
        "CheckoutSession 1 closed",
        "AuditTrail: OrderPlaced A-1",

        // PaymentCaptured (a struct): two handlers tie on Order 0 and run in full-name order, then Order 5.
        "ExplicitLedger: ledger +42.50",
        "ReceiptPrinter: receipt for 42.50",
        "AuditTrail: PaymentCaptured A-1",

        "topology: Consumer.OrderPlaced -> Consumer.ValidateOrder, Consumer.NotifyCustomer, Consumer.ReserveStock, Consumer.ChargeCustomer, Consumer.AuditTrail",
        "topology: Consumer.PaymentCaptured -> Consumer.ExplicitLedger, Consumer.ReceiptPrinter, Consumer.AuditTrail",

        // Each event through new JsonEventSerializer() over the generated catalog and back, equal to the original.
        "serializer: OrderPlaced v1 A-1 42.50 equal=True",
        "serializer: PaymentCaptured v1 A-1 42.50 equal=True",

        // An aggregate saved and loaded back (its snapshot taken when the save crossed the 2nd event), and a projection caught up.
        "aggregate: ada 12.50 v2 snapshot at v2",
        "projection: 2 deposits 12.50 checkpoint 3",
        "done",
    ];

    private static readonly string[] NoBuildServers = ["--tl:off", "--disable-build-servers", "-nodeReuse:false"];

    [Fact]
    public void Package_ships_the_runtime_in_lib_the_generator_in_analyzers_and_the_readme()
    {
        IReadOnlyList<string> entries = fixture.PackageEntries();
        string listing = string.Join(Environment.NewLine, entries);

        Assert.True(entries.Contains(PackageFixture.RuntimeEntry), $"{PackageFixture.RuntimeEntry} missing from the package:{Environment.NewLine}{listing}");
        Assert.True(entries.Contains(PackageFixture.GeneratorEntry), $"{PackageFixture.GeneratorEntry} missing from the package:{Environment.NewLine}{listing}");

        // The README is the package's landing page on the gallery.
        Assert.True(entries.Contains("README.md"), $"README.md missing from the package root:{Environment.NewLine}{listing}");

        // The generator is a compiler plug-in only: never a run-time assembly of the consumer.
        Assert.DoesNotContain(entries, static e => e.StartsWith("lib/", StringComparison.Ordinal) && e.EndsWith("EventDriven.Generators.dll", StringComparison.Ordinal));

        // ...and not a package dependency either (the ProjectReference that builds it must stay private).
        string nuspec = fixture.ReadNuspec();
        Assert.DoesNotContain("EventDriven.Generators", nuspec, StringComparison.Ordinal);
        Assert.Contains($"<version>{fixture.Version}</version>", nuspec, StringComparison.Ordinal);
        Assert.Contains("<readme>README.md</readme>", nuspec, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jit_consumer_builds_without_warnings_and_runs_every_handler_shape_in_order()
    {
        ProcessResult build = await DotNetCli.RunAsync(fixture.ConsumerDirectory, ["build", "-c", "Debug", .. NoBuildServers]);
        output.WriteLine(build.Describe());

        AssertGeneratorLoaded(build);
        AssertNoWarnings(build);
        Assert.True(build.ExitCode == 0, "The consumer did not build." + Environment.NewLine + build.Describe());
        AssertGeneratorRan(Path.Combine(fixture.ConsumerDirectory, "obj", "Debug"), build);

        ProcessResult run = await DotNetCli.RunAsync(fixture.ConsumerDirectory, ["run", "-c", "Debug", "--no-build"]);
        output.WriteLine(run.Describe());

        AssertExpectedOutput(run);
    }

    [Fact]
    public async Task Aot_consumer_publishes_without_trim_or_aot_warnings_and_the_native_binary_runs_in_order()
    {
        string publishDirectory = Path.Combine(fixture.WorkDirectory, "aot-publish");
        ProcessResult publish = await DotNetCli.RunAsync(fixture.ConsumerDirectory,
        [
            "publish", "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, "-p:PublishAot=true",
            // One warning per problem rather than one per assembly, so a failure names the offending member.
            "-p:TrimmerSingleWarn=false",
            "-o", publishDirectory,
            .. NoBuildServers,
        ]);
        output.WriteLine(publish.Describe());

        string[] trimOrAotWarnings = MatchingLines(publish, TrimOrAotDiagnostic());
        Assert.True(trimOrAotWarnings.Length == 0,
            $"The native AOT publish reported trim/AOT diagnostics:{Environment.NewLine}{string.Join(Environment.NewLine, trimOrAotWarnings)}{Environment.NewLine}{publish.Describe()}");
        AssertGeneratorLoaded(publish);
        AssertNoWarnings(publish);
        Assert.True(publish.ExitCode == 0, "The native AOT publish failed." + Environment.NewLine + publish.Describe());

        string binary = Path.Combine(publishDirectory, PackageFixture.ConsumerName + (OperatingSystem.IsWindows() ? ".exe" : string.Empty));
        Assert.True(File.Exists(binary), $"No native binary at '{binary}'.{Environment.NewLine}{publish.Describe()}");
        Assert.False(File.Exists(Path.Combine(publishDirectory, PackageFixture.ConsumerName + ".dll")), "The publish folder holds an IL assembly: this was not a native AOT publish.");

        ProcessResult run = await DotNetCli.RunProcessAsync(binary, fixture.ConsumerDirectory, [], TimeSpan.FromMinutes(1));
        output.WriteLine(run.Describe());

        AssertExpectedOutput(run);
    }

    /// <summary>CS8032/CS9057: the compiler could not load the generator (wrong Roslyn, wrong TFM, missing dependency).</summary>
    private static void AssertGeneratorLoaded(ProcessResult result)
    {
        string[] loadFailures = MatchingLines(result, AnalyzerLoadFailure());
        Assert.True(loadFailures.Length == 0,
            $"The source generator in the package could not be loaded:{Environment.NewLine}{string.Join(Environment.NewLine, loadFailures)}{Environment.NewLine}{result.Describe()}");
    }

    private static void AssertNoWarnings(ProcessResult result)
    {
        string[] warnings = MatchingLines(result, WarningLine());
        Assert.True(warnings.Length == 0,
            $"Expected no warnings, got:{Environment.NewLine}{string.Join(Environment.NewLine, warnings)}{Environment.NewLine}{result.Describe()}");
    }

    /// <summary>The dispatch table is on disk (EmitCompilerGeneratedFiles): proof that the generator ran, not just loaded.</summary>
    private static void AssertGeneratorRan(string intermediateDirectory, ProcessResult build)
    {
        string[] tables = Directory.Exists(intermediateDirectory)
            ? Directory.GetFiles(intermediateDirectory, "EventDispatchTable.g.cs", SearchOption.AllDirectories)
            : [];
        Assert.True(tables.Length == 1, $"Expected one generated EventDispatchTable.g.cs under '{intermediateDirectory}', found {tables.Length}.{Environment.NewLine}{build.Describe()}");
    }

    private static void AssertExpectedOutput(ProcessResult run)
    {
        IReadOnlyList<string> actual = run.StandardOutputLines;
        Assert.True(run.ExitCode == 0 && actual.SequenceEqual(ExpectedOutput, StringComparer.Ordinal),
            $"Expected exit code 0 and:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", ExpectedOutput)}{Environment.NewLine}{run.Describe()}");
    }

    private static string[] MatchingLines(ProcessResult result, Regex pattern) =>
        result.Output.ReplaceLineEndings("\n").Split('\n').Where(line => pattern.IsMatch(line)).Distinct(StringComparer.Ordinal).ToArray();

    [GeneratedRegex(@"\b(CS8032|CS9057)\b")]
    private static partial Regex AnalyzerLoadFailure();

    [GeneratedRegex(@"\bIL[23]\d{3}\b")]
    private static partial Regex TrimOrAotDiagnostic();

    [GeneratedRegex(@"\bwarning\s+[A-Z]+\d+\b", RegexOptions.IgnoreCase)]
    private static partial Regex WarningLine();
}
