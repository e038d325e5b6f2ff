using ECommerce.Orders;
using ECommerce.Payments;
using ECommerce.Reporting;
using EventDriven;

namespace ECommerce.Simulation;

/// <summary>
/// Customers placing orders: a fixed number shop at the same time, each waiting for the outcome of its order before placing the
/// next (a closed loop, as real customers do). What goes wrong with an order follows the <see cref="OrderMix"/>, drawn from a
/// seeded random generator, so a seed always produces the same orders and outcomes.
/// </summary>
public sealed class CustomerSimulator(IEventBus bus, ShopCatalog catalog, RunMonitor monitor, OrderMix mix, int seed, ShopClock? clock = null)
{
    private const int CustomerAccounts = 25_000;
    private static readonly string[] InvalidCountries = ["ZZ", "", "Atlantis"];

    /// <summary>Places <paramref name="orders"/> orders, numbered from 1.</summary>
    public async Task PlaceOrdersAsync(int orders, CancellationToken cancellationToken)
    {
        var random = new Random(seed);
        Product[] stocked = [.. catalog.Products.Where(static p => p.OpeningStock > 0)];
        Product[] soldOut = [.. catalog.Products.Where(static p => p.OpeningStock == 0)];
        string[] countries = [.. catalog.ShippingCountries.Order(StringComparer.Ordinal)];
        for (int number = 1; number <= orders; number++)
        {
            if (clock is null)
            {
                await monitor.CustomerSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await clock.WaitForSlotAsync(monitor.CustomerSlots, cancellationToken).ConfigureAwait(false);
            }
            OrderKind kind = mix.Pick(random.NextDouble());
            Product product = kind == OrderKind.OutOfStock && soldOut.Length > 0 ? soldOut[random.Next(soldOut.Length)] : stocked[random.Next(stocked.Length)];
            string sku = product.Sku;
            int quantity = random.Next(1, ShopCatalog.MaxQuantityPerOrder + 1);
            string country = countries[random.Next(countries.Length)];
            string card = kind switch
            {
                OrderKind.Declined => CardToken.Declined,
                OrderKind.PaymentTimeout => CardToken.Unresponsive,
                _ => CardToken.Good[random.Next(CardToken.Good.Length)],
            };

            if (kind == OrderKind.Invalid)
            {
                // One broken rule per invalid order, picked at random: the validator must catch each kind.
                switch (random.Next(3))
                {
                    case 0:
                        quantity = random.Next(2) == 0 ? 0 : ShopCatalog.MaxQuantityPerOrder + random.Next(1, 50);
                        break;
                    case 1:
                        sku = "SKU-9999";
                        break;
                    default:
                        country = InvalidCountries[random.Next(InvalidCountries.Length)];
                        break;
                }
            }

            // The first event of a chain has no cause: a fresh, time-ordered id (ids stay unique across runs kept in one database).
            var order = new OrderSubmitted(Guid.CreateVersion7(), DateTimeOffset.UtcNow, Guid.CreateVersion7(), number, random.Next(1, CustomerAccounts + 1), sku, quantity, product.UnitPrice, card, country);
            monitor.Submit(number);
            await bus.PublishAsync(order, cancellationToken).ConfigureAwait(false);
        }
    }
}
