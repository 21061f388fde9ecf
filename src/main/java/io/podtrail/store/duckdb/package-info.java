/**
 * The embedded trail on DuckDB: {@link io.podtrail.store.duckdb.DuckDbEventStore}.
 *
 * <h2>Layout</h2>
 * {@code DIR/trail.duckdb} (plus its {@code .wal}) holds three tables: {@code events} (one column per
 * stored catalogue field, see {@link io.podtrail.store.duckdb.Schema} for the column conventions the
 * filter compiler relies on), {@code raw_blocks} (the list of payload blocks) and
 * {@code podtrail_schema} (schema version for migrations). Original payloads are zstd-compressed in
 * blocks of {@code rawBlockEvents} events, stored in one segment file per append under {@code DIR/raw}
 * ({@link io.podtrail.store.duckdb.RawFiles} explains why not a BLOB column); each event row references
 * its block and index. No secondary indexes: queries rely on
 * zone maps over {@code evt_time}, which prune well because rows are appended in time order (each
 * batch is sorted by evt.time before loading).
 *
 * <h2>Append</h2>
 * The JDBC Appender tops out around 100k rows/s, so each batch is staged as one CSV file in
 * {@code /dev/shm} (while the payload blocks compress on other threads) and loaded with one
 * {@code INSERT ... SELECT ... FROM read_csv(...)} with explicit column types; lists and maps travel as
 * JSON text and are cast in the SELECT. Everything of one append is one transaction; payload block
 * files are fsynced before it commits; DuckDB fsyncs the WAL on commit (verified with strace), so an
 * acknowledged append survives a crash.
 *
 * <p>Batch size: DuckDB writes a transaction's rows straight into the database file once they fill a
 * row group (122,880 rows); smaller transactions go through the WAL and are compressed again by the
 * checkpoint that follows once the WAL exceeds {@code checkpoint_threshold} (measured: 100k rows from
 * a table took ~960 ms with autocommit, 122,880 rows ~580 ms). Batches of a multiple of 122,880 events
 * are the most efficient; 50k-100k is fine; tiny batches pay a commit (fsync) each.
 *
 * <h2>Idempotency and audit stages</h2>
 * Duplicates within a batch are dropped in memory. Stored duplicates are found with a count over the
 * batch's evt.time range (zero for fresh input in time order, answered from zone maps); when rows exist
 * there, their ids are compared (loaded when few, else joined with the batch's ids), so the cost
 * stays proportional to the batch, not to the table. This assumes a re-ingested event has the same
 * evt.time, which holds because both are derived from the source event. Kubernetes API stages are
 * merged in memory ({@link io.podtrail.store.duckdb.AuditMerge}) with the stored request found by id
 * within {@code auditMergeWindow} of the batch; the stored row is replaced by the merged one. The
 * {@code _stages} bit set records which stages a row holds, so a re-ingested stage is a duplicate.
 */
package io.podtrail.store.duckdb;
