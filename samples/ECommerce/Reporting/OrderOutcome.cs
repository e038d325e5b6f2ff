namespace ECommerce.Reporting;

/// <summary>How an order ended, as the run monitor counts it.</summary>
public enum OrderOutcome : byte
{
    /// <summary>Still open.</summary>
    Open = 0,

    /// <summary>Fulfilled.</summary>
    Fulfilled = 1,

    /// <summary>Rejected (invalid or out of stock).</summary>
    Rejected = 2,

    /// <summary>Cancelled after compensation.</summary>
    Cancelled = 3,
}
