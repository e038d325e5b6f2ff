using EventDriven.Generators.Diagnostics;

namespace EventDriven.Generators.Model
{
    /// <summary>An event type's constant name and where its <c>EventType</c> property is declared.</summary>
    /// <remarks>Equatable data only (see <see cref="HandlerSpec"/>); <see cref="LocationInfo"/> is the equatable stand-in for a location.</remarks>
    internal sealed record EventNameSite(string DisplayName, string Name, LocationInfo? Location);
}
