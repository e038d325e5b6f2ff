using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace EventDriven.Generators.Diagnostics
{
    /// <summary>An equatable stand-in for <see cref="Location"/>, which must not be cached in pipeline specs (it holds a syntax tree).</summary>
    internal sealed record LocationInfo(string FilePath, TextSpan TextSpan, LinePositionSpan LineSpan)
    {
        public Location ToLocation() => Location.Create(FilePath, TextSpan, LineSpan);

        public static LocationInfo? From(Location location)
            => location.SourceTree is null ? null : new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
    }
}
