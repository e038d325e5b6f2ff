using System.Globalization;

namespace ECommerce.Simulation;

/// <summary>The shares of orders that run into each failure; the rest are happy orders.</summary>
/// <param name="Invalid">Orders that break a validation rule.</param>
/// <param name="OutOfStock">Orders for a sold-out product.</param>
/// <param name="Declined">Orders paid with a card that is declined.</param>
/// <param name="PaymentTimeout">Orders paid with a card whose issuer never answers.</param>
public sealed record OrderMix(double Invalid, double OutOfStock, double Declined, double PaymentTimeout)
{
    /// <summary>Realistic shares for a web shop: 2 % invalid, 3 % out of stock, 5 % declined, 1 % payment timeouts.</summary>
    public static OrderMix Realistic { get; } = new(0.02, 0.03, 0.05, 0.01);

    /// <summary>Throws <see cref="ArgumentException"/> naming the share that is out of range, or saying that they add up to more than 1.</summary>
    public void Validate()
    {
        Check(Invalid, "--invalid-rate");
        Check(OutOfStock, "--out-of-stock-rate");
        Check(Declined, "--decline-rate");
        Check(PaymentTimeout, "--payment-timeout-rate");
        double sum = Invalid + OutOfStock + Declined + PaymentTimeout;
        if (sum > 1 + 1e-9)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The failure rates add up to {sum:0.###}; together they must be at most 1 (the rest of the orders succeed)."));
        }
    }

    /// <summary>The kind of an order whose uniform roll in [0, 1) is <paramref name="roll"/>.</summary>
    public OrderKind Pick(double roll)
    {
        if ((roll -= Invalid) < 0)
        {
            return OrderKind.Invalid;
        }

        if ((roll -= OutOfStock) < 0)
        {
            return OrderKind.OutOfStock;
        }

        if ((roll -= Declined) < 0)
        {
            return OrderKind.Declined;
        }

        return roll - PaymentTimeout < 0 ? OrderKind.PaymentTimeout : OrderKind.Happy;
    }

    private static void Check(double rate, string option)
    {
        if (double.IsNaN(rate) || rate is < 0 or > 1)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{option} is {rate}; a rate is a share between 0 and 1 (e.g. 0.05 for 5 %)."));
        }
    }
}
