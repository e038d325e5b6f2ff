using System.IO.Compression;
using System.Security;
using Xunit;

namespace EventDriven.Package.Tests;

/// <summary>
/// Packs src/EventDriven once per test run under a unique prerelease version, and lays out a consumer console app in a temp folder
/// outside the repository that references only that package. Cleans up the temp folder and the version's copy in the global NuGet
/// cache afterwards, so no stale package is ever served to a later run.
/// </summary>
public sealed class PackageFixture : IAsyncLifetime
{
    /// <summary>The package id, as users write it in a PackageReference.</summary>
    public const string PackageId = "EventDriven";

    /// <summary>Where the runtime assembly must sit in the package.</summary>
    public const string RuntimeEntry = "lib/net10.0/EventDriven.dll";

    /// <summary>Where the source generator must sit in the package for the C# compiler to load it.</summary>
    public const string GeneratorEntry = "analyzers/dotnet/cs/EventDriven.Generators.dll";

    /// <summary>The consumer app's project (and so assembly and native binary) name.</summary>
    public const string ConsumerName = "PackageConsumer";

    public PackageFixture()
    {
        RepositoryRoot = FindRepositoryRoot();
        Version = "0.0.0-test.r" + Guid.NewGuid().ToString("N");
        WorkDirectory = Path.Combine(Path.GetTempPath(), "eventdriven-package-tests-" + Guid.NewGuid().ToString("N")[..12]);
        FeedDirectory = Path.Combine(WorkDirectory, "feed");
        ConsumerDirectory = Path.Combine(WorkDirectory, ConsumerName);
        PackagePath = Path.Combine(FeedDirectory, $"{PackageId}.{Version}.nupkg");
    }

    /// <summary>The folder holding EventDriven.sln.</summary>
    public string RepositoryRoot { get; }

    /// <summary>The unique prerelease version packed for this run.</summary>
    public string Version { get; }

    /// <summary>The temp folder holding everything this fixture writes (outside the repository).</summary>
    public string WorkDirectory { get; }

    /// <summary>The local package source the pack writes to.</summary>
    public string FeedDirectory { get; }

    /// <summary>The packed .nupkg.</summary>
    public string PackagePath { get; }

    /// <summary>The consumer console app's project folder.</summary>
    public string ConsumerDirectory { get; }

    /// <summary>What <c>dotnet pack</c> printed.</summary>
    public ProcessResult? PackResult { get; private set; }

    /// <summary>The package's copy in the global packages folder, created by the consumer's restore.</summary>
    public string GlobalCacheDirectory => Path.Combine(GlobalPackagesFolder(), PackageId.ToLowerInvariant(), Version.ToLowerInvariant());

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (IsUnder(WorkDirectory, RepositoryRoot))
        {
            throw new InvalidOperationException($"The temp folder '{WorkDirectory}' lies inside the repository '{RepositoryRoot}'; its Directory.*.props would leak into the consumer.");
        }

        Directory.CreateDirectory(FeedDirectory);

        // --artifacts-path keeps this build's bin/obj out of the repository, so it neither races with nor disturbs other builds there.
        PackResult = await DotNetCli.RunAsync(RepositoryRoot,
        [
            "pack", Path.Combine(RepositoryRoot, "src", "EventDriven", "EventDriven.csproj"),
            "-c", "Release",
            "-o", FeedDirectory,
            "-p:Version=" + Version,
            "--artifacts-path", Path.Combine(WorkDirectory, "pack-artifacts"),
            "--tl:off", "--disable-build-servers", "-nodeReuse:false",
        ]);
        if (PackResult.ExitCode != 0 || !File.Exists(PackagePath))
        {
            throw new InvalidOperationException($"dotnet pack did not produce '{PackagePath}'.{Environment.NewLine}{PackResult.Describe()}");
        }

        IReadOnlyList<string> entries = PackageEntries();
        string[] missing = new[] { RuntimeEntry, GeneratorEntry }.Where(e => !entries.Contains(e)).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidOperationException(
                $"The package lacks {string.Join(", ", missing)}. It holds:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", entries)}{Environment.NewLine}{PackResult.Describe()}");
        }

        WriteConsumer();
    }

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        TryDelete(WorkDirectory);
        TryDelete(GlobalCacheDirectory);
        string idFolder = Path.GetDirectoryName(GlobalCacheDirectory)!;
        if (Directory.Exists(idFolder) && !Directory.EnumerateFileSystemEntries(idFolder).Any())
        {
            TryDelete(idFolder);
        }

        return Task.CompletedTask;
    }

    /// <summary>The full names of the entries in the .nupkg, with forward slashes.</summary>
    public IReadOnlyList<string> PackageEntries()
    {
        using ZipArchive archive = ZipFile.OpenRead(PackagePath);
        return archive.Entries.Select(static e => e.FullName.Replace('\\', '/')).ToArray();
    }

    /// <summary>The text of the .nuspec inside the package.</summary>
    public string ReadNuspec()
    {
        using ZipArchive archive = ZipFile.OpenRead(PackagePath);
        ZipArchiveEntry nuspec = archive.Entries.Single(static e => !e.FullName.Contains('/') && e.FullName.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase));
        using var reader = new StreamReader(nuspec.Open());
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Writes the consumer: shielding Directory.* files and a nuget.config at the temp root, and a console project referencing
    /// only the package and the concrete DI container, with warnings as errors and the AOT analyzers on.
    /// </summary>
    private void WriteConsumer()
    {
        File.WriteAllText(Path.Combine(WorkDirectory, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(WorkDirectory, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(WorkDirectory, "Directory.Packages.props"), """
            <Project>
              <PropertyGroup>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
              </PropertyGroup>
            </Project>

            """);
        File.WriteAllText(Path.Combine(WorkDirectory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{SecurityElement.Escape(FeedDirectory)}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
            </configuration>

            """);

        Directory.CreateDirectory(ConsumerDirectory);
        File.WriteAllText(Path.Combine(ConsumerDirectory, ConsumerName + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <InvariantGlobalization>true</InvariantGlobalization>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <IsAotCompatible>true</IsAotCompatible>
                <!-- Lets the test see the generator's output on disk. -->
                <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
                <!-- The vulnerability feed is not what is under test; an unreachable one must not fail the build. -->
                <NuGetAudit>false</NuGetAudit>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="{PackageId}" Version="{Version}" />
                <PackageReference Include="Microsoft.Extensions.DependencyInjection" Version="10.0.0" />
              </ItemGroup>
            </Project>

            """);

        string sources = Path.Combine(AppContext.BaseDirectory, "Consumer");
        foreach (string source in Directory.EnumerateFiles(sources, "*.cs"))
        {
            File.Copy(source, Path.Combine(ConsumerDirectory, Path.GetFileName(source)), overwrite: true);
        }
    }

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "EventDriven.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No EventDriven.sln found in '{AppContext.BaseDirectory}' or any folder above it.");
    }

    private static string GlobalPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private static bool IsUnder(string path, string root)
    {
        string relative = Path.GetRelativePath(Path.GetFullPath(root), Path.GetFullPath(path));
        return relative == "." || (!relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative));
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder or cache entry is harmless, the version is never reused.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
