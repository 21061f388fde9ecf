/**
 * The embedded trail on DuckDB: {@link io.podtrail.store.duckdb.DuckDbEventStore}.
 *
 * <h2>Layout (schema version 4)</h2>
 * {@code DIR/trail.duckdb} (plus its {@code .wal}) is a small star schema; see
 * {@link io.podtrail.store.duckdb.Schema} for which field lives where and the column conventions.
 * <ul>
 * <li>{@code facts}: one narrow row per sensor event: evt_time, podtrail_id (a virtual column: stored as the
 *     31-bit hash it was derived from with evt_time, {@link io.podtrail.event.EventIds}; whole only when given
 *     in another form), kind/format/type/source
 *     (dictionary-compressed by DuckDB), the per-event fields (fd.cport, fd.name, proc.exit_code/exit_signal,
 *     evt.args, podtrail.end_time, ...), the payload reference and the dimension keys: the process's, its
 *     container's (schema 4: a pod or namespace selects facts without the processes table) and the peer's;</li>
 * <li>{@code processes}: proc.* and user.* plus the container key, one row per distinct combination;</li>
 * <li>{@code containers}: container.*, k8s.ns/pod.*, pod labels and evt.hostname (the node);</li>
 * <li>{@code peers}: fd.sip, fd.sport, fd.cip, fd.l4proto (the fixed end of a connection; the ephemeral
 *     client port stays in facts);</li>
 * <li>{@code wide_events}: one row with every field for Kubernetes API requests (low volume, merged by
 *     auditID, replaced on merge) and for the rare sensor events that carry a ka.* or falco.* field
 *     (Falco alerts), so that facts has no column that is NULL on nearly every row (measured: 23 such
 *     columns made the facts load ~40% slower);</li>
 * <li>{@code fact_spans} and {@code peer_spans}: per process (peer) key and appended batch, the facts positions
 *     the batch took ({@link io.podtrail.store.duckdb.FactSpans}): where a process's (a destination's) events are,
 *     without a scan. Rewritten in key order when the rows appended since the last rewrite pass an eighth of
 *     the table (at least 500k; {@code span_order} records how far it is sorted), so that a key's lookup is
 *     pruned by zone maps: the keys of long-lived processes recur in every batch;</li>
 * <li>{@code sessions}, {@code session_processes} (exec id to session) and {@code session_process_keys} (every
 *     process key of an attributed exec id, kept on attribution and on append): a session's processes without
 *     scanning the processes table;</li>
 * <li>{@code raw_blocks}: the payload blocks, {@code podtrail_schema}: the schema version.</li>
 * </ul>
 * The view {@code events} is {@code facts JOIN processes JOIN containers JOIN peers UNION ALL wide_events}
 * with exactly one column per catalogue field ({@code proc_name}, {@code fd_sip_num}, ...), so
 * {@link io.podtrail.store.duckdb.DuckDbFilterSql} and the store's queries are unchanged. EXPLAIN shows
 * DuckDB pushing a filter on a dimension column into that dimension's scan (a small hash-join build
 * side, plus a dynamic {@code _pkey IN (...)} filter on the facts scan) and pruning facts row groups by
 * the zone maps of evt_time.
 *
 * <p>Why: most of an event's 70-odd values describe its process or container and repeat on every exec,
 * exit, connect and close of that process (and every process of a container); a wide row stores and,
 * worse, loads and compresses them again per event. Measured on simulated Tetragon data (500k events,
 * 60k processes, 25 containers, 148 peers): the wide table took 87-128 B/event, the facts table 69
 * B/event of which evt.args alone is ~41 (Tetragon's kprobe arguments, including the socket as JSON
 * text, per connect/accept/close) and podtrail_id ~9 (then a random 64-bit hash, incompressible; ~4 since schema 3); processes
 * add ~7 B/event. An fd.name that is exactly {@code cip:cport->sip:sport} is not stored but computed by
 * the view ({@code _fd_name_conn}), ~7 B/event less.
 *
 * <p>Dimension rows are content-addressed: {@link io.podtrail.store.duckdb.Dimension} maps the exact
 * attribute values to a surrogate INTEGER key assigned in Java, monotonically (so the fact column
 * bit-packs), through a bounded LRU cache; a miss inserts a new row (a duplicate costs a little space,
 * never correctness). New dimension rows go into the same transaction as the facts that reference
 * them; a failed append forgets the cache.
 *
 * <p>Original payloads are zstd-compressed in blocks of {@code rawBlockEvents} events, stored in one
 * segment file per append under {@code DIR/raw} ({@link io.podtrail.store.duckdb.RawFiles} explains
 * why not a BLOB column). Measured single-threaded on 200k simulated Tetragon lines (~2 KB each):
 * level 1/2/3 with 8k-event blocks give 37/35/33 B/event at ~1 GB/s; long-distance matching (window
 * 2^27, 32k-131k-event blocks) gives 27-28 B/event but at ~220 MB/s, four to five times the CPU, which
 * this two-core budget cannot pay; so level 3 without it.
 *
 * <h2>Append</h2>
 * Each table's new rows are staged as one CSV file in {@code /dev/shm} (while the payload blocks
 * compress on other threads) and loaded with one {@code INSERT ... SELECT ... FROM read_csv(...)} with
 * explicit column types; lists and maps travel as JSON text and are cast in the SELECT (pod labels
 * once per container; evt.args per event, ~1.3 us/event of DuckDB time). The JDBC Appender (2.0's
 * chunk-based one) was measured too, for the narrow facts table: 74-83k events/s against 112-120k for
 * CSV staging, so CSV stays. Everything of one append is one transaction; payload block files are
 * fsynced before it commits; DuckDB fsyncs the WAL on commit (verified with strace), so an
 * acknowledged append survives a crash.
 *
 * <p>Order within a batch: facts are stored by container, then process, then time (wide rows by time), and
 * their payloads go into blocks in that order ({@code preserve_insertion_order} is set for the facts load only:
 * the spans are computed from the staged order). A process's facts in a batch are then contiguous, so its span
 * in {@code fact_spans} is exactly its rows; the process key compresses to runs, and payloads of one pod's
 * processes side by side compress better. Measured at 10M events (same run conditions, no PostgreSQL): 34.6 ->
 * 33.5 B per stored event, payloads 46.5 -> 40.9 B; the price is evt.time, whose deltas are wider within a
 * process than across the cluster (+1 B a fact), and a histogram scan ~20% slower.
 *
 * <p>Batch size: DuckDB writes a transaction's rows straight into the database file once they fill a
 * row group (122,880 rows); smaller transactions go through the WAL and are compressed again by the
 * checkpoint that follows once the WAL exceeds {@code checkpoint_threshold} (measured on Tetragon data:
 * commits of 50k-event batches took 170-590 ms, of 122,880 about 30 ms, and the file ended 30%
 * smaller). Batches of a multiple of 122,880 events are the most efficient; tiny batches pay a commit
 * (fsync) each.
 *
 * <h2>Read</h2>
 * A page of events is found, then read ({@code DuckDbEventStore.page}), in one read transaction:
 * <ol>
 * <li>the page's keys (side, row position, evt_time, podtrail_id), each side sorted and cut, on as little as
 *     the filter needs: {@link io.podtrail.store.duckdb.Pushdown} evaluates a conjunct that reads one dimension on
 *     that dimension and restricts facts to its keys (exact, so it is dropped from the rest; a pod's or a
 *     namespace's on facts' own container key, a process's on the process key); when what remains
 *     reads only facts' own columns, the sensor side is found in facts alone, without any join, and the API side
 *     in wide_events without the session join unless the filter reads session fields. A conjunct that requires a
 *     session bounds the whole page by the sessions' span (the events of a session cannot precede its request by
 *     much), so time zone maps skip the trail before it;</li>
 * <li>a small set of processes (by name, command line, session) or peers (a destination, the unknown
 *     ones) is resolved to its keys once, and {@code fact_spans}/{@code peer_spans} give the facts positions they
 *     occupy: the key scans read only those row groups. A set too large to list (python's 400k processes)
 *     next to a resolved one is not joined: the resolved sets' facts are found first (at most 20,000 candidates),
 *     then the large set is asked for just the candidates' keys (question 1 at 10M events: the semi-join's build
 *     over every process was 30 of its 35 ms). When the spans' facts counts say there are at most a page's worth
 *     of candidates (256), they are instead read whole in the statement that finds them and the filter evaluated on their events in Java
 *     ({@link io.podtrail.query.FilterEvaluator}, held to the SQL's semantics by the differential tests): the page's
 *     rows were to be read anyway. A set's keys and their spans come in one statement; a set over the dimensions
 *     found too large is remembered as such (dimension rows are never changed or removed, so it can only grow);</li>
 * <li>the API side is skipped when the filter requires event types wide_events has never held ({@code evt.type =
 *     connect}; the types are read on open and added to before an append commits). A filter that names sessions
 *     finds its API rows (the sessions' requests, the rows kept whole of their processes) by position and checks
 *     them whole in Java, instead of through the api_events view's session joins;</li>
 * <li>the page's rows by position ({@link io.podtrail.store.duckdb.PageRows}): facts rows and wide rows by rowid
 *     (DuckDB turns the semi-join into a filter inside the scan that reads only those rows; wide rows with only the
 *     columns their {@code _present} lists name, ~30 of ~125 for an API request), their dimension rows
 *     by key (cached: they never change) and their sessions by exec id or auditID (cached too, emptied whenever
 *     an attribution commits: each lookup was a 3-4 ms statement on every page).</li>
 * </ol>
 * Reading connections stay open with the statements they prepared ({@link io.podtrail.store.duckdb.ReadConnections}):
 * planning a small lookup cost as much as running it. Measured at 10M events: one session's 13 events 617 ms as
 * one statement over the views, 57 ms with the two phases, ~25 ms with the session mapping and the kept statements;
 * the newest 100 of a pod 773 against 34 and ~24 ms (docs/benchmarks.md). Newest-first pages without a lower bound search a
 * widening time window (the last hour, then 16 times wider) since facts arrive roughly in time order.
 *
 * <h2>Idempotency and audit stages</h2>
 * Duplicates within a batch are dropped in memory. Stored duplicates are found with a count over the
 * batch's evt.time range in facts and wide_events (zero for fresh input in time order, answered from zone maps); when
 * rows exist there, their ids are compared (loaded when few, else joined with the batch's ids), so the
 * cost stays proportional to the batch, not to the table. This assumes a re-ingested event has the same
 * evt.time, which holds because both are derived from the source event. Kubernetes API stages are
 * merged in memory ({@link io.podtrail.store.duckdb.AuditMerge}) with the stored request found by id
 * within {@code auditMergeWindow} of the batch; the stored row is replaced by the merged one. The
 * {@code _stages} bit set records which stages a row holds, so a re-ingested stage is a duplicate.
 *
 * <p>Schema versions: a trail of version 2 is rewritten on open (ids derived from time), one of version 3
 * gets facts' container keys (filled in place, 8M rows a statement, resumable; positions unchanged); older
 * layouts are refused ("created by an older Podtrail; re-ingest"). Additive catalogue changes add columns
 * (to facts, unless the field belongs to a dimension) and the view is recreated on every open.
 */
package io.podtrail.store.duckdb;
