using ECommerce.Cli;
using ECommerce.Simulation;

namespace ECommerce.Tests;

/// <summary>Small runs of the shop for the tests: in memory unless a test asks for SQLite, no progress, output captured.</summary>
internal static class ShopRunner
{
    public static ShopJobOptions Small(OrderMix mix, int orders = 300) => new()
    {
        Orders = orders,
        Customers = 64,
        Mix = mix,
        TransientFailureRate = 0,
        DatabasePath = null,
        Progress = false,
        PaymentTimeout = TimeSpan.FromMilliseconds(100),
        StallTimeout = TimeSpan.FromSeconds(20),
    };

    public static async Task<(ShopJobResult Result, string Output)> RunAsync(ShopJobOptions options)
    {
        using var output = new StringWriter();
        ShopJobResult result = await ShopJob.RunAsync(options, output);
        return (result, output.ToString());
    }

    public static string LastLine(string output) => output.TrimEnd().Split('\n')[^1].TrimEnd('\r');
}
