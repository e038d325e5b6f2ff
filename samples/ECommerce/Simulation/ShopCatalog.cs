namespace ECommerce.Simulation;

/// <summary>
/// The shop's reference data, shared by every service the way a product catalogue is: the products with their prices and opening
/// stock, the countries the shop ships to, and the order rules. Services read it; they never talk through it.
/// </summary>
public sealed class ShopCatalog
{
    /// <summary>The most units of one product a single order may ask for.</summary>
    public const int MaxQuantityPerOrder = 5;

    private readonly Dictionary<string, Product> _products = new(StringComparer.Ordinal);

    /// <summary>Creates a catalogue of <paramref name="products"/>.</summary>
    public ShopCatalog(IEnumerable<Product> products, IEnumerable<string> shippingCountries)
    {
        foreach (Product product in products)
        {
            _products.Add(product.Sku, product);
        }

        ShippingCountries = new HashSet<string>(shippingCountries, StringComparer.Ordinal);
    }

    /// <summary>Every product, in catalogue order.</summary>
    public IReadOnlyCollection<Product> Products => _products.Values;

    /// <summary>The countries the shop ships to (ISO 3166 codes).</summary>
    public IReadOnlySet<string> ShippingCountries { get; }

    /// <summary>The product with <paramref name="sku"/>, if the shop sells it.</summary>
    public bool TryGetProduct(string sku, out Product product) => _products.TryGetValue(sku, out product!);

    /// <summary>
    /// A catalogue sized for <paramref name="orders"/> orders: most products are stocked generously (twice the expected demand, so
    /// they never run out by chance), a few are sold out, which is how the simulation produces out-of-stock orders on purpose.
    /// </summary>
    public static ShopCatalog Create(int orders, int products = 48, int soldOut = 4)
    {
        const double MeanQuantity = (1 + MaxQuantityPerOrder) / 2.0;
        int stocked = products - soldOut;
        int openingStock = (int)Math.Ceiling(orders * MeanQuantity / stocked * 2) + 100;
        var list = new List<Product>(products);
        for (int i = 0; i < products; i++)
        {
            bool isSoldOut = i >= stocked;
            decimal price = 4.99m + (i * 7 % 90);
            list.Add(new Product($"SKU-{i + 1:D4}", price, isSoldOut ? 0 : openingStock));
        }

        return new ShopCatalog(list, ["DE", "FR", "GB", "NL", "SE", "US", "CA", "JP"]);
    }
}
