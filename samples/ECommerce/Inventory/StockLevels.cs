using ECommerce.Simulation;

namespace ECommerce.Inventory;

/// <summary>
/// The warehouse: units available per product and the reservation each order holds. Keyed by order id, so reserving, releasing or
/// committing an order twice (a redelivered event) changes nothing the second time.
/// </summary>
/// <remarks>Touched only by Inventory's handlers, which run on the bus's consumer thread; read by the summary after the bus stopped.</remarks>
public sealed class StockLevels
{
    private readonly Dictionary<string, int> _available = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _opening = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, Reservation> _reservations = [];

    /// <summary>Opens the warehouse with the catalogue's opening stock.</summary>
    public StockLevels(ShopCatalog catalog)
    {
        foreach (Product product in catalog.Products)
        {
            _available[product.Sku] = product.OpeningStock;
            _opening[product.Sku] = product.OpeningStock;
        }
    }

    /// <summary>Units available (not reserved, not sold) per product.</summary>
    public IReadOnlyDictionary<string, int> Available => _available;

    /// <summary>Units in the warehouse at opening, per product.</summary>
    public IReadOnlyDictionary<string, int> Opening => _opening;

    /// <summary>Reservations neither committed (fulfilled) nor released (compensated) yet.</summary>
    public int OpenReservations => _reservations.Count(static r => r.Value.State == ReservationState.Held);

    /// <summary>Puts <paramref name="quantity"/> units of <paramref name="sku"/> aside for <paramref name="orderId"/>, once.</summary>
    /// <returns>True when the order holds the reservation (now or from before); false, with what is available, when it cannot.</returns>
    public bool TryReserve(Guid orderId, string sku, int quantity, out int available)
    {
        available = _available.GetValueOrDefault(sku);
        if (_reservations.ContainsKey(orderId))
        {
            return true;
        }

        if (available < quantity)
        {
            return false;
        }

        _available[sku] = available - quantity;
        _reservations[orderId] = new Reservation(sku, quantity, ReservationState.Held);
        return true;
    }

    /// <summary>Gives a held reservation's units back (compensation). Returns the reservation released, or null if there was none to release.</summary>
    public Reservation? Release(Guid orderId)
    {
        if (!_reservations.TryGetValue(orderId, out Reservation? reservation) || reservation.State != ReservationState.Held)
        {
            return reservation is { State: ReservationState.Released } ? reservation : null;
        }

        _available[reservation.Sku] += reservation.Quantity;
        Reservation released = reservation with { State = ReservationState.Released };
        _reservations[orderId] = released;
        return released;
    }

    /// <summary>The order was fulfilled: its reserved units are sold and leave the warehouse for good.</summary>
    public void Commit(Guid orderId)
    {
        if (_reservations.TryGetValue(orderId, out Reservation? reservation) && reservation.State == ReservationState.Held)
        {
            _reservations[orderId] = reservation with { State = ReservationState.Committed };
        }
    }

    /// <summary>
    /// Applies one event of Inventory's own history again (a restarted Inventory process rebuilds the warehouse from its store):
    /// reservations, releases and the fulfilments that sold them. Other events change nothing.
    /// </summary>
    public void Replay(EventDriven.IEvent @event)
    {
        switch (@event)
        {
            case InventoryReserved reserved:
                _ = TryReserve(reserved.OrderId, reserved.Sku, reserved.Quantity, out _);
                break;
            case InventoryReleased released:
                _ = Release(released.OrderId);
                break;
            case Orders.OrderFulfilled fulfilled:
                Commit(fulfilled.OrderId);
                break;
        }
    }

    /// <summary>Takes units out of the warehouse behind the bookkeeping's back: only tests use it, to prove the stock invariant notices.</summary>
    internal void LoseUnits(string sku, int quantity) => _available[sku] -= quantity;
}
