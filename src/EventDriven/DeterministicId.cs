using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace EventDriven;

/// <summary>
/// Ids for events derived from another event that come out the same every time the cause is handled, so a redelivered cause
/// produces the same derived event and downstream deduplication sees one event, not two.
/// </summary>
/// <remarks>
/// The id is a name-based UUID, version 5 (SHA-1), as specified by RFC 9562, section 5.5: the cause's id is the namespace and the
/// discriminator (UTF-8) the name. It is deterministic across processes, machines and .NET versions, and allocation-free for
/// discriminators up to 256 UTF-8 bytes. SHA-1 serves here as a hash for identifiers, not for security.
/// </remarks>
/// <example>
/// <code>
/// public async ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken)
/// {
///     // One per cause: redelivering OrderPlaced publishes a StockReserved with the same Id.
///     var reserved = new StockReserved(@event.OrderId) { Id = DeterministicId.From(@event.Id, nameof(StockReserved)) };
///     await bus.PublishAsync(reserved, cancellationToken);
/// }
/// </code>
/// </example>
public static class DeterministicId
{
    private const int GuidSize = 16;
    private const int StackLimit = 256;

    /// <summary>
    /// The id of the event that <paramref name="causeId"/> gives rise to under <paramref name="discriminator"/>: the same inputs always
    /// give the same id, and different discriminators give different ids.
    /// </summary>
    /// <param name="causeId">The <see cref="IEvent.Id"/> of the event being handled.</param>
    /// <param name="discriminator">
    /// What tells apart the events derived from one cause: usually the derived event's type name, plus a line number or key when a
    /// handler derives several events of one type from one cause (e.g. <c>"StockReserved/" + line.Sku</c>).
    /// </param>
    /// <returns>A version-5, RFC 9562-variant UUID.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="discriminator"/> is <see langword="null"/>.</exception>
    public static Guid From(Guid causeId, string discriminator)
    {
        ArgumentNullException.ThrowIfNull(discriminator);

        int nameLength = Encoding.UTF8.GetByteCount(discriminator);
        int length = GuidSize + nameLength;
        byte[]? rented = null;
        Span<byte> input = length <= StackLimit + GuidSize
            ? stackalloc byte[StackLimit + GuidSize]
            : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            // The namespace goes in as RFC bytes (big-endian fields), not as Guid.ToByteArray()'s little-endian layout.
            causeId.TryWriteBytes(input, bigEndian: true, out _);
            Encoding.UTF8.GetBytes(discriminator, input.Slice(GuidSize));

            Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
            SHA1.HashData(input.Slice(0, length), hash);

            Span<byte> uuid = hash.Slice(0, GuidSize);
            uuid[6] = (byte)((uuid[6] & 0x0F) | 0x50); // version 5
            uuid[8] = (byte)((uuid[8] & 0x3F) | 0x80); // variant 10xx (RFC 9562)
            return new Guid(uuid, bigEndian: true);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
