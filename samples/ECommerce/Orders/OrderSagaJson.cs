using System.Text.Json.Serialization;

namespace ECommerce.Orders;

/// <summary>Compile-time JSON metadata for the order saga's persisted state (no reflection: native AOT).</summary>
[JsonSerializable(typeof(OrderSagaState))]
public sealed partial class OrderSagaJson : JsonSerializerContext;
