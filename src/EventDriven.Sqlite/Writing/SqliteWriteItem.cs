using EventDriven.Store.GroupCommit;

namespace EventDriven.Sqlite.Writing;

/// <summary>An item for the database's <see cref="SqliteWriter"/>: it knows how to write itself on the writer's connection.</summary>
internal abstract class SqliteWriteItem : GroupCommitItem
{
    /// <summary>Writes the item inside the group's open transaction; throws to fail it (see <see cref="GroupCommitWriter"/>).</summary>
    public abstract void Write(SqliteWriter writer);
}
