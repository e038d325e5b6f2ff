using FsCheck;
using FsCheck.Fluent;

namespace EventDriven.Generators.Tests.PropertyBased;

/// <summary>Random <see cref="DispatchModel"/>s: 1–5 events, 0–6 handlers each handling a non-empty subset, Order in -2..2.</summary>
public static class DispatchModelArbitrary
{
    private static readonly string[] s_eventNames = ["Placed", "Shipped", "Paid", "Refunded", "Closed"];

    // Pairs that differ only in case ("Audit"/"aUdit", "XRay"/"xRay") test ordinal ordering; "XRay" and "xRay" also want the same
    // generated field name. "_Log" sorts between upper and lower case.
    private static readonly string[] s_handlerNames = ["Audit", "aUdit", "Billing", "_Log", "Zed", "XRay", "xRay", "Charlie", "bRavo", "Delta"];

    public static Arbitrary<DispatchModel> Models() => Arb.From(Model());

    private static Gen<DispatchModel> Model()
        => from eventCount in Gen.Choose(1, 5)
           from structs in Gen.ArrayOf(Gen.Elements(true, false), eventCount)
           from eventNames in Gen.Shuffle(s_eventNames)
           from handlerCount in Gen.Choose(0, 6)
           from handlerNames in Gen.Shuffle(s_handlerNames)
           from handlers in Gen.ArrayOf(Handler(eventCount), handlerCount)
           from publishOrder in Gen.Shuffle(Enumerable.Range(0, eventCount))
           select new DispatchModel(
               [.. Enumerable.Range(0, eventCount).Select(i => new EventModel(eventNames[i], structs[i]))],
               [.. handlers.Select((h, i) => h with { Name = handlerNames[i] })],
               publishOrder);

    private static Gen<HandlerModel> Handler(int eventCount)
        => from order in Gen.Choose(-2, 2)
           from isSealed in Gen.Elements(true, false)
           from isExplicit in Gen.Elements(true, false)
           from mask in Gen.Choose(1, (1 << eventCount) - 1)
           select new HandlerModel(
               string.Empty,
               order,
               isSealed,
               isExplicit,
               [.. Enumerable.Range(0, eventCount).Where(e => (mask & (1 << e)) != 0)]);
}
