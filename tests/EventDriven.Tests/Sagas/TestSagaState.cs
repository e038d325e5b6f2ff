using System.Text.Json.Serialization;

namespace EventDriven.Tests.Sagas;

public sealed class TestSagaState
{
    public Guid OrderId { get; set; }

    public decimal Amount { get; set; }

    public List<string> Seen { get; set; } = [];
}

[JsonSerializable(typeof(TestSagaState))]
internal sealed partial class SagaTestJsonContext : JsonSerializerContext;
