namespace EventDriven.Generators.Tests.PropertyBased;

/// <summary>One event type of a random model: a <c>record class</c> or a <c>readonly record struct</c>.</summary>
public sealed record EventModel(string Name, bool IsStruct)
{
    public override string ToString() => (IsStruct ? "struct " : "class ") + Name;
}
