namespace EventDriven.Dispatch;

/// <summary>What the generator knows about one handler of one event type: used for ordering, diagnostics and the topology manifest.</summary>
public sealed class HandlerDescriptor
{
    /// <summary>Creates a descriptor. Called by generated code.</summary>
    /// <param name="name">The handler's full type name, e.g. <c>Shop.Payments.ChargeCardHandler</c>.</param>
    /// <param name="order">The <see cref="EventHandlerAttribute.Order"/> of the handler.</param>
    /// <param name="idempotent">The <see cref="EventHandlerAttribute.Idempotent"/> promise of the handler.</param>
    /// <param name="publishes">Full type names of the events the handler publishes, as far as the generator could see them.</param>
    public HandlerDescriptor(string name, int order, bool idempotent, IReadOnlyList<string>? publishes = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Order = order;
        Idempotent = idempotent;
        Publishes = publishes ?? [];
    }

    /// <summary>The handler's full type name.</summary>
    public string Name { get; }

    /// <summary>Lower runs first.</summary>
    public int Order { get; }

    /// <summary>Whether the author declared the handler idempotent.</summary>
    public bool Idempotent { get; }

    /// <summary>Full type names of the events this handler publishes (found in its source by the generator; calls through helpers it cannot see are missing).</summary>
    public IReadOnlyList<string> Publishes { get; }

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>The order handlers of one event run in: <see cref="Order"/>, then <see cref="Name"/> (ordinal).</summary>
    internal static int CompareRunOrder(HandlerDescriptor x, HandlerDescriptor y)
    {
        int byOrder = x.Order.CompareTo(y.Order);
        return byOrder != 0 ? byOrder : string.CompareOrdinal(x.Name, y.Name);
    }
}
