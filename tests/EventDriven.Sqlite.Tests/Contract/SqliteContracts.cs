using EventDriven.Sqlite.Tests.Fixtures;

namespace EventDriven.Sqlite.Tests.Contract;

// The shared store contract (tests/EventDriven.Storage.Contracts), run against the in-memory store and SQLite.
public sealed class InMemoryEventStoreContractTests() : EventStoreContractTests(new InMemoryStoreFactory());

public sealed class SqliteEventStoreContractTests() : EventStoreContractTests(new SqliteStoreFactory());

public sealed class InMemoryEventStoreModelProperties() : EventStoreModelProperties(static () => new InMemoryStoreFactory());

public sealed class SqliteEventStoreModelProperties() : EventStoreModelProperties(static () => new SqliteStoreFactory());

public sealed class SqliteInboxContractTests() : InboxContractTests(new SqliteReliabilityFactory());

public sealed class SqliteSagaStoreContractTests() : SagaStoreContractTests(new SqliteReliabilityFactory());

public sealed class SqliteDeadLetterStoreContractTests() : DeadLetterStoreContractTests(new SqliteReliabilityFactory());

public sealed class SqliteOutboxContractTests() : OutboxContractTests(new SqliteOutboxFactory());

public sealed class InMemoryProjectionContractTests() : ProjectionContractTests(new InMemoryProjectionFixture());

public sealed class SqliteProjectionContractTests() : ProjectionContractTests(new SqliteProjectionFixture());
