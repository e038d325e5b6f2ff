using ECommerce.Cli;
using ECommerce.Simulation;
using Microsoft.Extensions.Time.Testing;

namespace ECommerce.Tests;

/// <summary>Small runs of the shop for the tests: in memory unless a test asks for SQLite, no progress, output captured.</summary>
internal static class ShopRunner
{
    /// <summary>
    /// A small run on a fake clock: the payment timeout fires only when the job moves time, which it does only while nothing is in
    /// flight, so no payment ever times out because the machine was busy (see <see cref="ShopClock"/>).
    /// </summary>
    public static ShopJobOptions Small(OrderMix mix, int orders = 300, FakeTimeProvider? clock = null)
    {
        clock ??= new FakeTimeProvider();
        return new()
        {
            Orders = orders,
            Customers = 64,
            Mix = mix,
            TransientFailureRate = 0,
            DatabasePath = null,
            Progress = false,
            PaymentTimeout = TimeSpan.FromSeconds(30),
            Time = clock,
            AdvanceTime = clock.Advance,
            StallTimeout = TimeSpan.FromMinutes(2), // an upper bound for a broken run, never waited for by a passing one
        };
    }

    public static async Task<(ShopJobResult Result, string Output)> RunAsync(ShopJobOptions options)
    {
        using var output = new StringWriter();
        ShopJobResult result = await ShopJob.RunAsync(options, output);
        return (result, output.ToString());
    }

    public static string LastLine(string output) => output.TrimEnd().Split('\n')[^1].TrimEnd('\r');
}
