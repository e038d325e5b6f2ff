namespace EventDriven.Sqlite.Projections;

/// <summary>The projections' checkpoint table, in the database that holds their read models.</summary>
internal static class ProjectionSchema
{
    public const string Component = "projections";

    public const int Version = 1;

    public const string CreateSql = """
        CREATE TABLE projection_checkpoints (
            projection  TEXT    NOT NULL PRIMARY KEY,
            position    INTEGER NOT NULL,
            updated_at  INTEGER NOT NULL
        ) WITHOUT ROWID;
        """;

    public const string ReadSql = "SELECT position FROM projection_checkpoints WHERE projection = $projection";

    public const string UpsertSql = """
        INSERT INTO projection_checkpoints (projection, position, updated_at) VALUES ($projection, $position, $updated_at)
        ON CONFLICT (projection) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
        """;
}
