namespace EventDriven.Analyzers.Tests.Runtime;

/// <summary>DeterministicId, the helper ED0006's fix writes: a name-based UUID v5 (RFC 9562, section 5.5).</summary>
public sealed class DeterministicIdTests
{
    private static readonly Guid s_dnsNamespace = new("6ba7b810-9dad-11d1-80b4-00c04fd430c8");

    [Fact]
    public void From_MatchesTheRfc9562TestVector()
        // RFC 9562, appendix A.4: UUIDv5 of "www.example.com" in the DNS namespace.
        => Assert.Equal(new Guid("2ed6657d-e927-568b-95e1-2665a8aea6a2"), DeterministicId.From(s_dnsNamespace, "www.example.com"));

    [Theory]
    [InlineData("6ba7b811-9dad-11d1-80b4-00c04fd430c8", "StockReserved", "ebd505bc-d91c-51fd-b6c8-c644a4e224bc")]
    [InlineData("00000000-0000-0000-0000-000000000000", "", "e129f27c-5103-5c5c-844b-cdf0a15e160d")]
    public void From_MatchesOtherImplementations(string cause, string discriminator, string expected)
        // Values from Python's uuid.uuid5, an independent implementation.
        => Assert.Equal(new Guid(expected), DeterministicId.From(new Guid(cause), discriminator));

    [Fact]
    public void From_WithALongNonAsciiDiscriminator_UsesItsUtf8Bytes()
        => Assert.Equal(
            new Guid("3cb68aec-c081-5310-9578-6b1a61df353c"),
            DeterministicId.From(new Guid("0f8fad5b-d9cb-469f-a165-70867728950e"), "Ünïcödé/€" + new string('x', 300)));

    [Fact]
    public void From_IsTheSameForTheSameInputs_AndDiffersWithTheDiscriminatorOrTheCause()
    {
        Guid cause = Guid.NewGuid();
        Assert.Equal(DeterministicId.From(cause, "OrderShipped"), DeterministicId.From(cause, "OrderShipped"));
        Assert.NotEqual(DeterministicId.From(cause, "OrderShipped"), DeterministicId.From(cause, "OrderBilled"));
        Assert.NotEqual(DeterministicId.From(cause, "OrderShipped"), DeterministicId.From(Guid.NewGuid(), "OrderShipped"));
    }

    [Fact]
    public void From_SetsVersion5AndTheRfcVariant()
    {
        string text = DeterministicId.From(Guid.NewGuid(), "x").ToString("D");
        Assert.Equal('5', text[14]);
        Assert.Contains(text[19], "89ab");
    }

    [Fact]
    public void From_WithANullDiscriminator_Throws()
        => Assert.Throws<ArgumentNullException>(() => DeterministicId.From(Guid.Empty, null!));

    [Fact]
    public void From_AllocatesNothingForShortDiscriminators()
    {
        Guid cause = Guid.NewGuid();
        _ = DeterministicId.From(cause, "warm-up");
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            _ = DeterministicId.From(cause, "StockReserved");
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
