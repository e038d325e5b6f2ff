using EventDriven.PostgreSql.Tests.Fixtures;

namespace EventDriven.PostgreSql.Tests.Contract;

// The shared store contract (tests/EventDriven.Storage.Contracts), unchanged, against a real PostgreSQL server.
public sealed class PostgresEventStoreContractTests() : EventStoreContractTests(new PostgresStoreFactory());

public sealed class PostgresEventStoreModelProperties() : EventStoreModelProperties(static () => new PostgresStoreFactory());

public sealed class PostgresInboxContractTests() : InboxContractTests(new PostgresReliabilityFactory());

public sealed class PostgresSagaStoreContractTests() : SagaStoreContractTests(new PostgresReliabilityFactory());

public sealed class PostgresDeadLetterStoreContractTests() : DeadLetterStoreContractTests(new PostgresReliabilityFactory());

public sealed class PostgresOutboxContractTests() : OutboxContractTests(new PostgresOutboxFactory());

public sealed class PostgresProjectionContractTests() : ProjectionContractTests(new PostgresProjectionFixture());
