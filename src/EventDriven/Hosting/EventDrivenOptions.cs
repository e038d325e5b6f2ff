namespace EventDriven;

/// <summary>Settings of the event bus, given to <c>services.AddEventDriven(options => ...)</c>.</summary>
public sealed class EventDrivenOptions
{
    /// <summary>How events reach handlers. Default <see cref="DispatchMode.Inline"/>.</summary>
    public DispatchMode DispatchMode { get; set; } = DispatchMode.Inline;

    /// <summary>What publishing an event without any handler does. Default <see cref="NoHandlerBehavior.Ignore"/>.</summary>
    public NoHandlerBehavior NoHandlerBehavior { get; set; } = NoHandlerBehavior.Ignore;

    internal void Validate()
    {
        if (!Enum.IsDefined(DispatchMode))
        {
            throw new ArgumentOutOfRangeException(nameof(DispatchMode), DispatchMode, $"Unknown dispatch mode. Supported: {string.Join(", ", Enum.GetNames<DispatchMode>())}.");
        }

        if (!Enum.IsDefined(NoHandlerBehavior))
        {
            throw new ArgumentOutOfRangeException(nameof(NoHandlerBehavior), NoHandlerBehavior, $"Unknown behavior. Supported: {string.Join(", ", Enum.GetNames<NoHandlerBehavior>())}.");
        }
    }
}
