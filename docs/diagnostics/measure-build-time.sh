#!/usr/bin/env bash
# Measures what the EventDriven analyzers add to a build: generates a console app with 250 events and 500 [EventHandler] classes
# (keyed state, an awaited call, a derived event with a deterministic id; nothing the analyzers report) in a temp folder outside
# the repository, then builds it with and without the two analyzer assemblies, interleaved, RUNS times each (default 3).
# The generator runs in both. Usage: docs/diagnostics/measure-build-time.sh [RUNS]
set -euo pipefail
runs="${1:-3}"
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

dotnet build "$repo/src/EventDriven/EventDriven.csproj" -c Release -v:q -nologo >/dev/null
mkdir -p "$work/lib"
cp "$repo/src/EventDriven/bin/Release/net10.0/EventDriven.dll" \
   "$repo/generators/EventDriven.Generators/bin/Release/netstandard2.0/EventDriven.Generators.dll" \
   "$repo/analyzers/EventDriven.Analyzers/bin/Release/netstandard2.0/EventDriven.Analyzers.dll" \
   "$repo/analyzers/EventDriven.CodeFixes/bin/Release/netstandard2.0/EventDriven.CodeFixes.dll" "$work/lib/"
echo '<Project />' >"$work/Directory.Build.props"
echo '<Project />' >"$work/Directory.Build.targets"
echo '<Project><PropertyGroup><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup></Project>' >"$work/Directory.Packages.props"
cat >"$work/Bench500.csproj" <<'PROJECT'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
    <NuGetAudit>false</NuGetAudit>
  </PropertyGroup>
  <ItemGroup>
    <Using Include="EventDriven" />
    <Reference Include="lib/EventDriven.dll" />
    <PackageReference Include="Microsoft.Extensions.DependencyInjection" Version="10.0.0" />
    <PackageReference Include="Microsoft.Extensions.Hosting.Abstractions" Version="10.0.0" />
    <Analyzer Include="lib/EventDriven.Generators.dll" />
  </ItemGroup>
  <ItemGroup Condition="'$(EventDrivenAnalyzers)' != 'false'">
    <Analyzer Include="lib/EventDriven.Analyzers.dll" />
    <Analyzer Include="lib/EventDriven.CodeFixes.dll" />
  </ItemGroup>
</Project>
PROJECT

{
  echo "namespace Bench;"
  for ((i = 0; i < 250; i++)); do
    next=$(((i + 1) % 250))
    cat <<CODE
public sealed record Event$i(Guid OrderId, decimal Amount) : IEvent
{
    public Guid Id { get; init; }
    public DateTimeOffset OccurredAt { get; init; }
    public string EventType => "Event$i";
    public string Source => "Bench";
}

[EventHandler(Order = 1)]
public sealed class Project$i(Store store) : IEventHandler<Event$i>
{
    private readonly Dictionary<Guid, decimal> _latest = new();

    public async ValueTask HandleAsync(Event$i @event, CancellationToken cancellationToken = default)
    {
        _latest[@event.OrderId] = @event.Amount;
        decimal price = await store.PriceAsync(@event.OrderId, cancellationToken);
        if (price > @event.Amount)
        {
            store.Set(@event.OrderId, price);
        }
    }
}

[EventHandler(Order = 2, Idempotent = true)]
public sealed class Relay$i(IEventBus bus, Store store) : IEventHandler<Event$i>
{
    public ValueTask HandleAsync(Event$i @event, CancellationToken cancellationToken = default)
    {
        store.Set(@event.OrderId, @event.Amount);
        var next = new Event$next(@event.OrderId, @event.Amount) { Id = DeterministicId.From(@event.Id, "Event$next"), OccurredAt = @event.OccurredAt };
        return bus.PublishAsync(next, cancellationToken);
    }
}
CODE
  done
  cat <<'CODE'
public sealed class Store
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, decimal> _prices = new();
    public ValueTask<decimal> PriceAsync(Guid id, CancellationToken cancellationToken) => new(_prices.GetValueOrDefault(id));
    public void Set(Guid id, decimal price) => _prices[id] = price;
}
CODE
} >"$work/Handlers.cs"
cat >"$work/Program.cs" <<'CODE'
using Bench;
using Microsoft.Extensions.DependencyInjection;

var services = new ServiceCollection();
services.AddSingleton<Store>();
services.AddEventDriven();
await using ServiceProvider provider = services.BuildServiceProvider();
await provider.GetRequiredService<IEventBus>().PublishAsync(new Event0(Guid.NewGuid(), 1m));
CODE

cd "$work"
dotnet build -c Release -v:q -nologo >/dev/null   # restore once
# No compiler server and no node reuse: every build starts its own csc, so CPU time (user + sys, children included) measures the
# compile itself and is far less disturbed by other work on the machine than wall-clock time.
TIMEFORMAT='%R %U %S'
for ((run = 1; run <= runs; run++)); do
  for analyzers in true false; do
    t=$({ time dotnet build -c Release --no-restore --no-incremental -v:q -nologo -p:UseSharedCompilation=false --disable-build-servers \
      -nodeReuse:false "-p:EventDrivenAnalyzers=$analyzers" >/dev/null; } 2>&1)
    read -r wall user sys <<<"$t"
    printf 'run %d  analyzers=%-5s  wall %5.2f s  cpu %5.2f s\n' "$run" "$analyzers" "$wall" "$(echo "$user + $sys" | bc)"
  done
done
echo "Time spent inside each analyzer (ReportAnalyzer, one build):"
dotnet build -c Release --no-restore --no-incremental -v:d -nologo -p:ReportAnalyzer=true | grep -A4 'EventDriven.Analyzers, Version' | sed 's/^ *//'
