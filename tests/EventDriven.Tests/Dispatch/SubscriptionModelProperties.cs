using EventDriven.Tests.Fixtures;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.DependencyInjection;

// Every subscriber here completes synchronously, so GetResult never blocks.
#pragma warning disable xUnit1031

namespace EventDriven.Tests.Dispatch;

/// <summary>Model-based: any sequence of subscribe / unsubscribe / publish behaves like a plain list of live subscribers.</summary>
public sealed class SubscriptionModelProperties
{
    private sealed class Probe(int name, List<int> log) : IEventHandler<CouponApplied>
    {
        public ValueTask HandleAsync(CouponApplied @event, CancellationToken cancellationToken = default)
        {
            log.Add(name);
            return default;
        }
    }

    /// <summary>Each operation: 0 subscribes a new handler, 1 disposes the live subscription at (argument mod count), 2 publishes.</summary>
    [Property(MaxTest = 200)]
    public bool Property_PublishReachesExactlyTheLiveSubscribersInSubscriptionOrder((byte Kind, byte Argument)[] operations)
    {
        using ServiceProvider services = TestBus.Create();
        var bus = services.GetRequiredService<IEventBus>();
        var log = new List<int>();
        var live = new List<(int Name, IDisposable Subscription)>();
        int nextName = 0;

        foreach ((byte kind, byte argument) in operations)
        {
            switch (kind % 3)
            {
                case 0:
                    int name = nextName++;
                    live.Add((name, bus.Subscribe(new Probe(name, log))));
                    break;
                case 1 when live.Count > 0:
                    int index = argument % live.Count;
                    live[index].Subscription.Dispose();
                    live.RemoveAt(index);
                    break;
                case 2:
                    log.Clear();
                    bus.PublishAsync(new CouponApplied("P")).GetAwaiter().GetResult();
                    if (!log.SequenceEqual(live.Select(l => l.Name)))
                    {
                        return false;
                    }

                    break;
            }
        }

        return true;
    }
}
