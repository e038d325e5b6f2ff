using EventDriven.Store.GroupCommit;

namespace EventDriven.PostgreSql.Writing;

/// <summary>An item for the database's <see cref="PostgresWriter"/>: it knows how to write itself inside the writer's transaction.</summary>
internal abstract class PostgresWriteItem : GroupCommitItem
{
    /// <summary>Writes the item inside the group's open transaction; throws to fail it (see <see cref="GroupCommitWriter"/>).</summary>
    public abstract void Write(PostgresWriter writer);
}
