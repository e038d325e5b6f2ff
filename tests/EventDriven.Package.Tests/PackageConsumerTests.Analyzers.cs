using System.Text.RegularExpressions;
using Xunit;

namespace EventDriven.Package.Tests;

/// <summary>
/// The analyzers travel in the package and the compiler of a package consumer loads them: a second, tiny consumer that publishes
/// an event nobody handles and counts in a handler gets ED0001 and ED0004 from its own build. Part of
/// <see cref="PackageConsumerTests"/> so it shares the one pack of the test run.
/// </summary>
public sealed partial class PackageConsumerTests
{
    private const string AnalyzerConsumerName = "AnalyzerConsumer";

    [Fact]
    public void Package_ships_the_analyzers_and_code_fixes_in_analyzers_and_not_as_dependencies()
    {
        IReadOnlyList<string> entries = fixture.PackageEntries();
        string listing = string.Join(Environment.NewLine, entries);
        foreach (string assembly in new[] { "EventDriven.Analyzers.dll", "EventDriven.CodeFixes.dll" })
        {
            Assert.True(entries.Contains("analyzers/dotnet/cs/" + assembly), $"analyzers/dotnet/cs/{assembly} missing from the package:{Environment.NewLine}{listing}");
            Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) && e.EndsWith(assembly, StringComparison.Ordinal));
        }

        string nuspec = fixture.ReadNuspec();
        Assert.DoesNotContain("EventDriven.Analyzers", nuspec, StringComparison.Ordinal);
        Assert.DoesNotContain("EventDriven.CodeFixes", nuspec, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Analyzers_from_the_package_report_ED_warnings_in_a_consumer_build()
    {
        string directory = Path.Combine(fixture.WorkDirectory, AnalyzerConsumerName);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, AnalyzerConsumerName + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <NuGetAudit>false</NuGetAudit>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="{PackageFixture.PackageId}" Version="{fixture.Version}" />
              </ItemGroup>
            </Project>

            """);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), """
            using EventDriven;

            IEventBus bus = null!;
            await bus.PublishAsync(new Unhandled(Guid.Empty, DateTimeOffset.UnixEpoch));   // ED0001: nothing handles it
            await bus.PublishAsync(new Counted(Guid.Empty, DateTimeOffset.UnixEpoch));

            public readonly record struct Unhandled(Guid Id, DateTimeOffset OccurredAt) : IEvent
            {
                public string EventType => "Unhandled";
                public string Source => "AnalyzerConsumer";
            }

            public readonly record struct Counted(Guid Id, DateTimeOffset OccurredAt) : IEvent
            {
                public string EventType => "Counted";
                public string Source => "AnalyzerConsumer";
            }

            [EventHandler]
            public sealed class Counter : IEventHandler<Counted>
            {
                private int _count;

                public ValueTask HandleAsync(Counted @event, CancellationToken cancellationToken = default)
                {
                    _count++;   // ED0004: counted twice on redelivery
                    return default;
                }
            }

            """);

        ProcessResult build = await DotNetCli.RunAsync(directory, ["build", "-c", "Debug", .. NoBuildServers]);
        output.WriteLine(build.Describe());

        AssertGeneratorLoaded(build);
        Assert.True(build.ExitCode == 0, "The analyzer consumer did not build." + Environment.NewLine + build.Describe());
        foreach (string id in new[] { "ED0001", "ED0004" })
        {
            Assert.True(Regex.IsMatch(build.Output, @"Program\.cs\(\d+,\d+\): warning " + id + ":"), $"Expected warning {id} from the packaged analyzers.{Environment.NewLine}{build.Describe()}");
        }
    }
}
