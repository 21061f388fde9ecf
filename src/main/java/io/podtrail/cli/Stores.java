package io.podtrail.cli;

import io.podtrail.store.EventStore;
import io.podtrail.store.duckdb.DuckDbEventStore;
import io.podtrail.store.duckdb.DuckDbFilterSql;

import java.nio.file.Files;
import java.nio.file.Path;

/** Opens the trail in a data directory with the filter language wired in. */
final class Stores {
    private Stores() {
    }

    /** Opens or creates the trail. */
    static EventStore open(Path dataDir) {
        return DuckDbEventStore.open(dataDir, DuckDbFilterSql.TEXT_COMPILER);
    }

    /** Opens an existing trail; a clear error when there is none yet. */
    static EventStore openExisting(Path dataDir) {
        if (!Files.exists(dataDir.resolve(DuckDbEventStore.FILE_NAME))) {
            throw new IllegalArgumentException("no trail in " + dataDir.toAbsolutePath()
                    + " (run 'podtrail ingest --data " + dataDir + " FILE...' first, or pass --data DIR)");
        }
        return open(dataDir);
    }
}
