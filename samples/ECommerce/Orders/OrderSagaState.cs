namespace ECommerce.Orders;

/// <summary>What the order saga remembers about one order between its events (persisted with the saga).</summary>
public sealed class OrderSagaState
{
    /// <summary>The order.</summary>
    public Guid OrderId { get; set; }

    /// <summary>The shop's running order number.</summary>
    public int OrderNumber { get; set; }

    /// <summary>The customer.</summary>
    public int CustomerNumber { get; set; }

    /// <summary>The amount to be paid.</summary>
    public decimal Amount { get; set; }

    /// <summary>Whether stock is reserved (and would have to be released).</summary>
    public bool Reserved { get; set; }
}
