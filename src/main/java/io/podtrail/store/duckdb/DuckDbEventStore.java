package io.podtrail.store.duckdb;

import io.podtrail.event.Event;
import io.podtrail.event.EventIds;
import io.podtrail.event.EventKind;
import io.podtrail.event.Field;
import io.podtrail.event.FieldType;
import io.podtrail.event.Fields;
import io.podtrail.query.EventQuery;
import io.podtrail.store.EventStore;
import io.podtrail.store.FacetCount;
import io.podtrail.store.FacetQuery;
import io.podtrail.store.Histogram;
import io.podtrail.store.HistogramQuery;
import org.duckdb.DuckDBConnection;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The embedded trail: one DuckDB file at {@code DIR/trail.duckdb}, owned by this process.
 *
 * <p>Append path (one writer, serialized): dedup within the batch in memory; find already stored
 * ids with one query restricted to the batch's evt.time range (zone maps prune it to the few row
 * groups that can hold them); merge Kubernetes audit stages with their stored request; look up (or
 * create) each sensor event's container, process and peer dimension rows; compress the payloads into
 * zstd blocks (in parallel) while each table's new rows are staged as CSV in memory-backed storage;
 * load each with one {@code INSERT ... SELECT FROM read_csv(...)}; commit. DuckDB syncs the WAL on
 * commit, so a returned append survives a crash. Good batch sizes: 122,880 events (one row group).
 * The layout and the measurements behind it are in the package documentation.
 *
 * <p>Queries run on their own duplicate connections and may run concurrently with appends.
 */
public final class DuckDbEventStore implements EventStore {

    /**
     * @param memoryLimit       DuckDB memory_limit (it would default to 80% of RAM)
     * @param threads           DuckDB threads, also used to compress payloads
     * @param zstdLevel         compression level of payload blocks
     * @param rawBlockEvents    payloads per block: larger compresses better, smaller reads one faster
     * @param auditMergeWindow  how far apart in evt.time the stages of one API request may be
     */
    public record Options(String memoryLimit, int threads, int zstdLevel, int rawBlockEvents, Duration auditMergeWindow) {
        public Options {
            if (memoryLimit == null || !memoryLimit.matches("[0-9.]+\\s*[KMGT]?i?B")) {
                throw new IllegalArgumentException("memoryLimit must look like 1GB or 512MiB, got " + memoryLimit);
            }
            if (threads < 1 || rawBlockEvents < 1 || auditMergeWindow == null || auditMergeWindow.isNegative()) {
                throw new IllegalArgumentException("invalid store options: threads " + threads + ", rawBlockEvents "
                        + rawBlockEvents + ", auditMergeWindow " + auditMergeWindow);
            }
        }

        public static Options defaults() {
            return new Options("1GB", 2, 3, 8192, Duration.ofHours(24));
        }
    }

    /**
     * @param rows               stored events
     * @param fileBytes          size of trail.duckdb
     * @param walBytes           size of trail.duckdb.wal (0 after a checkpoint)
     * @param rawBytes           original payload bytes kept
     * @param rawCompressedBytes those payloads compressed: the size of the block files under DIR/raw
     */
    public record Stats(long rows, long fileBytes, long walBytes, long rawBytes, long rawCompressedBytes) {
        /** Bytes on disk per event: DuckDB file, WAL and payload blocks. */
        public double bytesPerEvent() {
            return rows == 0 ? 0 : (double) (fileBytes + walBytes + rawCompressedBytes) / rows;
        }

        /** Bytes on disk per event without the payloads (DuckDB file and WAL). */
        public double tableBytesPerEvent() {
            return rows == 0 ? 0 : (double) (fileBytes + walBytes) / rows;
        }
    }

    /** Work on a connection of the store (package-private executor for aggregations and tests). */
    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    /** The DuckDB file inside the data directory. */
    public static final String FILE_NAME = "trail.duckdb";

    private final Path dataDir;
    private final Path stageDir;
    private final FilterCompiler compiler;
    private final Options options;
    private final DuckDBConnection writer;
    private final List<Field> fields = Fields.stored();
    private final String selectFields;
    /** selectFields over wide_events alone, which has no session columns (the view joins them). */
    private final String selectWideFields;
    private final ExecutorService compressors;
    private static final AtomicLong STAGE_SEQ = new AtomicLong(); // unique staging file names per process
    /** One stager per table, owned by the staging thread. */
    private final Stage facts = new Stage(Schema.FACTS, Schema.factColumns());
    private final Stage processes = new Stage(Schema.PROCESSES, Schema.processColumns());
    private final Stage containers = new Stage(Schema.CONTAINERS, Schema.containerColumns());
    private final Stage peers = new Stage(Schema.PEERS, Schema.peerColumns());
    private final Stage wide = new Stage(Schema.WIDE, Schema.wideColumns());
    /** Dimension caches; bounded, see {@link Dimension}: ~0.5 KB per cached process (its strings included). */
    static final int PROCESS_CACHE = 65_536;
    static final int CONTAINER_CACHE = 8_192;
    static final int PEER_CACHE = 65_536;
    private final Dimension processDim;
    private final Dimension containerDim;
    private final Dimension peerDim;
    private final RawFiles rawFiles;
    private final PageRows pageRows = new PageRows();
    private final ReadConnections readers;
    private final ExecutorService stagingThread;
    private long nextBlockId;
    private volatile boolean closed;
    /**
     * Every evt.type in wide_events (read on open, added to before an append commits, so never fewer than are
     * committed): a page whose filter requires others (`evt.type = connect`) has no API side to look at.
     */
    private final Set<String> wideTypes = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private DuckDbEventStore(Path dataDir, FilterCompiler compiler, Options options) throws SQLException, IOException {
        this.dataDir = dataDir;
        this.compiler = compiler;
        this.options = options;
        Files.createDirectories(dataDir);
        Path shm = Path.of("/dev/shm");
        this.stageDir = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Files.createDirectories(dataDir.resolve("tmp"));
        removeStaleStagingFiles(stageDir);
        this.rawFiles = new RawFiles(dataDir.resolve("raw"));
        try {
            Class.forName("org.duckdb.DuckDBDriver");
        } catch (ClassNotFoundException e) {
            throw new SQLException("DuckDB JDBC driver missing", e);
        }
        Properties p = new Properties();
        p.setProperty("memory_limit", options.memoryLimit());
        p.setProperty("threads", Integer.toString(options.threads()));
        p.setProperty("temp_directory", dataDir.resolve("tmp").toString());
        // Lets a parallel CSV scan fill one row group per 122,880-row batch instead of two partial ones
        // (measured: faster, and no rewrite at the next checkpoint). Rows of a batch are close in time
        // anyway, and queries order explicitly.
        p.setProperty("preserve_insertion_order", "false");
        this.writer = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + dataDir.resolve(FILE_NAME), p);
        this.readers = new ReadConnections(writer);
        try {
            Schema.ensure(writer);
            this.nextBlockId = longQuery(writer, "SELECT coalesce(max(block_id), 0) + 1 FROM raw_blocks");
            this.processDim = new Dimension(Dimension.Kind.PROCESS, Schema.PROCESS_FIELDS,
                    List.of(Fields.PROC_EXEC_ID, Fields.PROC_PID, Fields.PROC_PID_TS), PROCESS_CACHE,
                    (int) longQuery(writer, "SELECT coalesce(max(" + Schema.PKEY + "), 0) + 1 FROM " + Schema.PROCESSES));
            this.containerDim = new Dimension(Dimension.Kind.CONTAINER, Schema.CONTAINER_FIELDS,
                    List.of(Fields.CONTAINER_FULL_ID, Fields.CONTAINER_ID, Fields.K8S_POD_NAME, Fields.HOSTNAME), CONTAINER_CACHE,
                    (int) longQuery(writer, "SELECT coalesce(max(" + Schema.CKEY + "), 0) + 1 FROM " + Schema.CONTAINERS));
            this.peerDim = new Dimension(Dimension.Kind.PEER, Schema.PEER_FIELDS, List.of(Fields.FD_SIP, Fields.FD_CIP, Fields.FD_SPORT), PEER_CACHE,
                    (int) longQuery(writer, "SELECT coalesce(max(" + Schema.NKEY + "), 0) + 1 FROM " + Schema.PEERS));
            try (Statement st = writer.createStatement(); ResultSet r = st.executeQuery("SELECT DISTINCT evt_type FROM " + Schema.WIDE
                    + " WHERE evt_type IS NOT NULL")) {
                while (r.next()) {
                    wideTypes.add(r.getString(1));
                }
            }
            writer.setAutoCommit(false);
        } catch (SQLException | RuntimeException e) {
            writer.close();
            throw e;
        }
        sortSpansIfNeeded(); // trails whose spans were appended before they were kept sorted
        StringBuilder sel = new StringBuilder();
        for (Field f : fields) {
            sel.append(sel.isEmpty() ? "" : ", ").append(f.column());
        }
        this.selectFields = sel.toString();
        StringBuilder wideSel = new StringBuilder();
        for (Field f : fields) {
            wideSel.append(wideSel.isEmpty() ? "" : ", ").append(Schema.isSession(f) ? "NULL AS " + f.column() : f.column());
        }
        this.selectWideFields = wideSel.toString();
        this.stagingThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "podtrail-stage");
            t.setDaemon(true);
            return t;
        });
        this.compressors = Executors.newFixedThreadPool(Math.max(1, options.threads()), r -> {
            Thread t = new Thread(r, "podtrail-raw-compress");
            t.setDaemon(true);
            return t;
        });
    }

    /** Opens (creating if needed) the store in dataDir; only the empty filter is understood. */
    public static DuckDbEventStore open(Path dataDir) {
        return open(dataDir, FilterCompiler.EMPTY_ONLY, Options.defaults());
    }

    public static DuckDbEventStore open(Path dataDir, FilterCompiler compiler) {
        return open(dataDir, compiler, Options.defaults());
    }

    public static DuckDbEventStore open(Path dataDir, FilterCompiler compiler, Options options) {
        try {
            return new DuckDbEventStore(dataDir, compiler, options);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the store in " + dataDir + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------------------------------ append

    /** A Kubernetes API request being merged: the current row, its stage bits, and where it is stored. */
    private static final class Request {
        Event event;
        int stages;
        Long storedTime; // evt.time of the stored row, null when new
        boolean dirty;
    }

    @Override
    public synchronized AppendResult append(List<Event> events) {
        ensureOpen();
        if (events.isEmpty()) {
            return new AppendResult(0, 0, 0);
        }
        long duplicates = 0;
        long merged = 0;
        Map<Long, Event> fresh = new LinkedHashMap<>(events.size() * 2);
        Map<Long, Request> requests = new LinkedHashMap<>();
        List<Event> stages = new ArrayList<>();
        for (Event e : events) {
            if (e.getLong(Fields.ID) == null || e.getLong(Fields.TIME) == null) {
                throw new IllegalArgumentException("podtrail.id and evt.time are required: " + e);
            }
            if (e.kind() == EventKind.K8S_API) {
                stages.add(e);
            } else if (fresh.putIfAbsent(e.id(), e) != null) {
                duplicates++;
            }
        }
        try {
            if (!fresh.isEmpty()) {
                long min = Long.MAX_VALUE;
                long max = Long.MIN_VALUE;
                for (Event e : fresh.values()) {
                    min = Math.min(min, e.time());
                    max = Math.max(max, e.time());
                }
                long t0 = System.nanoTime();
                List<Long> found = storedIds(fresh, min, max);
                trace("dedup query", t0);
                for (long id : found) {
                    if (fresh.remove(id) != null) {
                        duplicates++;
                    }
                }
            }
            if (!stages.isEmpty()) {
                loadStoredRequests(stages, requests);
                for (Event s : stages) {
                    Request r = requests.get(s.id());
                    int bit = AuditMerge.bit(s);
                    if (r == null) {
                        r = new Request();
                        r.event = s;
                        r.stages = bit;
                        r.dirty = true;
                        requests.put(s.id(), r);
                    } else if ((r.stages & bit) != 0) {
                        duplicates++;
                    } else {
                        r.event = AuditMerge.merge(r.event, s);
                        r.stages |= bit;
                        r.dirty = true;
                        merged++;
                    }
                }
            }
            List<Event> rows = new ArrayList<>(fresh.size() + requests.size());
            rows.addAll(fresh.values());
            Map<Event, Integer> stageBits = new IdentityHashMap<>();
            List<Request> replaced = new ArrayList<>();
            long newRequests = 0;
            for (Request r : requests.values()) {
                if (!r.dirty) {
                    continue;
                }
                rows.add(r.event);
                stageBits.put(r.event, r.stages);
                if (r.storedTime != null) {
                    replaced.add(r);
                } else {
                    newRequests++;
                }
            }
            if (!rows.isEmpty()) {
                write(rows, stageBits, replaced);
            }
            long tc = System.nanoTime();
            writer.commit();
            long bmin = Long.MAX_VALUE;
            long bmax = Long.MIN_VALUE;
            for (Event e : rows) {
                bmin = Math.min(bmin, e.time());
                bmax = Math.max(bmax, e.time());
            }
            if (!rows.isEmpty()) {
                extendRange(bmin, bmax);
            }
            processDim.committed();
            containerDim.committed();
            peerDim.committed();
            trace("commit", tc);
            sortSpansIfNeeded();
            return new AppendResult(fresh.size() + newRequests, duplicates, merged);
        } catch (SQLException | IOException | RuntimeException e) {
            rollbackQuietly();
            processDim.abort();
            containerDim.abort();
            peerDim.abort();
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("append failed: " + e.getMessage(), e);
        }
    }

    /**
     * Ids among the given ones that are stored with evt.time in [min, max]. Fresh input arrives in time
     * order, so the range usually holds no stored row at all: a count (answered from zone maps and a few
     * row groups) decides; a small range loads its ids; a large one joins against the batch's ids.
     *
     * <p>Stored means the same id, or (an event with a derived id) a row of the same time whose whole stored id
     * ends in the hash the new id was derived from: how an event stored by schema version 2 (a whole 64-bit hash
     * of its record) is found when its record is sent again.
     */
    private List<Long> storedIds(Map<Long, Event> fresh, long min, long max) throws SQLException {
        Set<Long> ids = fresh.keySet();
        long inRange;
        // both tables: sensor events with rare fields live in wide_events (and so, as before, API request ids count)
        try (PreparedStatement ps = writer.prepareStatement("SELECT (SELECT count(*) FROM " + Schema.FACTS
                + " WHERE evt_time BETWEEN ? AND ?) + (SELECT count(*) FROM " + Schema.WIDE + " WHERE evt_time BETWEEN ? AND ?)")) {
            ps.setLong(1, min);
            ps.setLong(2, max);
            ps.setLong(3, min);
            ps.setLong(4, max);
            try (ResultSet r = ps.executeQuery()) {
                r.next();
                inRange = r.getLong(1);
            }
        }
        List<Long> found = new ArrayList<>();
        if (inRange == 0) {
            return found;
        }
        boolean small = inRange <= 4L * ids.size();
        String one = "SELECT podtrail_id, evt_time, " + Schema.ID_GIVEN + " IS NOT NULL FROM %s WHERE evt_time BETWEEN ? AND ?"
                + (small ? "" : " AND (podtrail_id IN (SELECT unnest(?::BIGINT[])) OR " + SAME_RECORD_WHOLE + ")");
        Map<SameRecord, Long> derived = SameRecord.index(fresh.values());
        try (PreparedStatement ps = writer.prepareStatement(one.formatted(Schema.FACTS) + " UNION ALL " + one.formatted(Schema.WIDE))) {
            Array idArray = small ? null : writer.createArrayOf("BIGINT", ids.toArray(new Long[0]));
            Array hashArray = small ? null : SameRecord.hashes(writer, derived.keySet());
            int p = 1;
            for (int table = 0; table < 2; table++) {
                ps.setLong(p++, min);
                ps.setLong(p++, max);
                if (!small) {
                    ps.setObject(p++, idArray);
                    ps.setObject(p++, hashArray);
                }
            }
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    long id = r.getLong(1);
                    if (ids.contains(id)) {
                        found.add(id);
                    } else if (r.getBoolean(3)) {
                        Long same = derived.get(SameRecord.of(id, r.getLong(2)));
                        if (same != null) {
                            found.add(same);
                        }
                    }
                }
            }
        }
        return found;
    }

    /** A row with a whole id whose low 31 bits are one of a parameter's hashes (a candidate for {@link SameRecord}). */
    private static final String SAME_RECORD_WHOLE = "(" + Schema.ID_GIVEN + " IS NOT NULL AND CAST(" + Schema.ID_GIVEN
            + " & 2147483647 AS INTEGER) IN (SELECT unnest(?::INTEGER[])))";

    /** A record's time and the 31-bit hash a derived id is made from; for a whole id, its low 31 bits. */
    private record SameRecord(long time, int hash) {
        static SameRecord of(long wholeId, long time) {
            return new SameRecord(time, (int) (wholeId & 0x7FFF_FFFFL));
        }

        /** The events with derived ids, by their time and hash. */
        static Map<SameRecord, Long> index(Collection<Event> events) {
            Map<SameRecord, Long> out = new HashMap<>();
            for (Event e : events) {
                int h = EventIds.hashOf(e.id(), e.time());
                if (h >= 0) {
                    out.put(new SameRecord(e.time(), h), e.id());
                }
            }
            return out;
        }

        static Array hashes(Connection c, Collection<SameRecord> records) throws SQLException {
            return c.createArrayOf("INTEGER", records.stream().map(SameRecord::hash).distinct().toArray(Integer[]::new));
        }
    }

    private void loadStoredRequests(List<Event> stages, Map<Long, Request> requests) throws SQLException {
        long window = options.auditMergeWindow().toNanos();
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        Set<Long> ids = new HashSet<>();
        for (Event e : stages) {
            min = Math.min(min, e.time());
            max = Math.max(max, e.time());
            ids.add(e.id());
        }
        Map<SameRecord, Long> derived = SameRecord.index(stages);
        // a request stored whole-id (schema version 2) is found by its time and its id's low 31 bits (see storedIds)
        String sql = "SELECT " + selectWideFields + ", " + Schema.STAGES + ", " + Schema.RAW_BLOCK + ", " + Schema.RAW_IDX
                + " FROM " + Schema.WIDE + " WHERE evt_time BETWEEN ? AND ? AND (podtrail_id IN (SELECT unnest(?::BIGINT[]))"
                + " OR " + SAME_RECORD_WHOLE + ") AND podtrail_kind = '" + EventKind.K8S_API.label() + "'";
        try (PreparedStatement ps = writer.prepareStatement(sql)) {
            ps.setLong(1, satSub(min, window));
            ps.setLong(2, satAdd(max, window));
            ps.setObject(3, writer.createArrayOf("BIGINT", ids.toArray(new Long[0])));
            ps.setObject(4, SameRecord.hashes(writer, derived.keySet()));
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    Event e = readEvent(r);
                    int n = fields.size();
                    Request req = new Request();
                    req.stages = r.getInt(n + 1);
                    if (r.wasNull()) {
                        req.stages = AuditMerge.bit(e);
                    }
                    long block = r.getLong(n + 2);
                    if (!r.wasNull()) {
                        e.raw(readRaw(writer, rawFiles, block, r.getInt(n + 3)));
                    }
                    req.event = e;
                    req.storedTime = e.time();
                    Long arriving = ids.contains(e.id()) ? Long.valueOf(e.id()) : derived.get(SameRecord.of(e.id(), e.time()));
                    if (arriving != null) {
                        requests.put(arriving, req);
                    }
                }
            }
        }
    }

    private void write(List<Event> rows, Map<Event, Integer> stageBits, List<Request> replaced) throws SQLException, IOException {
        rows.sort(Comparator.comparingLong(Event::time));
        long t0 = System.nanoTime();
        List<Event> wideEvents = new ArrayList<>();
        List<FactKeys> factKeys = new ArrayList<>(rows.size());
        for (Event e : rows) {
            if (e.kind() == EventKind.K8S_API || hasRareField(e)) {
                wideEvents.add(e);
            } else {
                int ckey = containerDim.keyOf(e, 0);
                factKeys.add(new FactKeys(e, ckey, processDim.keyOf(e, ckey), peerDim.keyOf(e, 0)));
            }
        }
        // A batch's facts are stored by container, then process, then time (the sort is stable): a process's facts
        // in a batch are then contiguous, so its span is exactly its rows, and the process key compresses to runs.
        factKeys.sort(FactKeys.STORAGE_ORDER);
        trace("dimension keys", t0);
        // Payload blocks: assigned in storage order (so _raw_idx counts up), compressed in the background while
        // the rows are staged.
        List<CsvStager.Row> factRows = new ArrayList<>(factKeys.size());
        List<CsvStager.Row> wideRows = new ArrayList<>(wideEvents.size());
        long firstBlock = nextBlockId;
        RawBlockAssigner raw = new RawBlockAssigner(firstBlock, options.rawBlockEvents(), rows.size());
        for (FactKeys f : factKeys) {
            Event e = f.event();
            RawRef ref = raw.assign(e);
            factRows.add(new CsvStager.Row(e, ref.block(), ref.idx(), 0, f.pkey(), f.ckey(), f.nkey(), isConnectionName(e)));
        }
        for (Event e : wideEvents) {
            RawRef ref = raw.assign(e);
            wideRows.add(new CsvStager.Row(e, ref.block(), ref.idx(), stageBits.getOrDefault(e, 0)));
        }
        List<List<byte[]>> blocks = raw.blocks;
        for (CsvStager.Row w : wideRows) {
            if (w.event().get(Fields.TYPE) instanceof String type) {
                wideTypes.add(type);
            }
        }
        List<Future<byte[]>> compressed = new ArrayList<>();
        for (List<byte[]> b : blocks) {
            compressed.add(compressors.submit(() -> RawBlocks.compress(b, options.zstdLevel())));
        }
        // One staged file and one INSERT per table and batch: measured, 8 INSERTs of 15k rows in one transaction
        // cost ~60% more than one of 122,880 (DuckDB compresses a whole row group once, at the end).
        List<Stage> stages = List.of(containers, processes, peers, facts, wide);
        List<List<CsvStager.Row>> stageRows = List.of(containerDim.pending(), processDim.pending(), peerDim.pending(),
                factRows, wideRows);
        Future<List<Path>> stagedFiles = stagingThread.submit(() -> {
            List<Path> files = new ArrayList<>();
            for (int i = 0; i < stages.size(); i++) {
                files.add(stageRows.get(i).isEmpty() ? null : stage(stages.get(i), stageRows.get(i)));
            }
            return files;
        });
        t0 = System.nanoTime();
        try {
            if (!replaced.isEmpty()) {
                try (PreparedStatement ps = writer.prepareStatement(
                        "DELETE FROM " + Schema.WIDE + " WHERE podtrail_id = ? AND evt_time = ? AND podtrail_kind = '"
                                + EventKind.K8S_API.label() + "'")) {
                    for (Request r : replaced) {
                        ps.setLong(1, r.event.id());
                        ps.setLong(2, r.storedTime);
                        ps.executeUpdate();
                    }
                }
            }
            List<Path> files = stagedFiles.get();
            trace("stage", t0);
            for (int i = 0; i < stages.size(); i++) {
                if (files.get(i) == null) {
                    continue;
                }
                if (stages.get(i) == facts) {
                    FactSpans.append(writer, factRows);
                }
                if (stages.get(i) == processes) {
                    mapSessionProcessKeys(stageRows.get(i));
                }
                long tl = System.nanoTime();
                long loaded;
                try (Statement s = writer.createStatement()) {
                    // facts keep the staged order, which their spans were computed from (the other tables need none)
                    boolean ordered = stages.get(i) == facts;
                    if (ordered) {
                        s.execute("SET preserve_insertion_order = true");
                    }
                    try {
                        loaded = s.executeUpdate(stages.get(i).insertSql + stages.get(i).stager.readCsv(files.get(i).toString()));
                    } finally {
                        if (ordered) {
                            s.execute("SET preserve_insertion_order = false");
                        }
                    }
                }
                if (loaded != stageRows.get(i).size()) {
                    throw new IllegalStateException("staged " + stageRows.get(i).size() + " rows but loaded " + loaded
                            + " into " + stages.get(i).table);
                }
                trace("load " + loaded + " rows into " + stages.get(i).table, tl);
            }
            t0 = System.nanoTime();
            if (!blocks.isEmpty()) {
                List<byte[]> data = new ArrayList<>(blocks.size());
                for (Future<byte[]> f : compressed) {
                    data.add(f.get());
                }
                trace("wait for compression", t0);
                // Durable before the rows that reference them are committed; a block written by an
                // append that then fails is unreferenced and overwritten by the next append.
                long[] offsets = rawFiles.write(firstBlock, data);
                try (PreparedStatement ps = writer.prepareStatement("INSERT INTO raw_blocks "
                        + "(block_id, codec, n, raw_bytes, stored_bytes, segment, seg_offset) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                    for (int i = 0; i < blocks.size(); i++) {
                        ps.setLong(1, firstBlock + i);
                        ps.setString(2, RawBlocks.CODEC);
                        ps.setInt(3, blocks.get(i).size());
                        ps.setLong(4, RawBlocks.rawBytes(blocks.get(i)));
                        ps.setLong(5, data.get(i).length);
                        ps.setLong(6, firstBlock);
                        ps.setLong(7, offsets[i]);
                        ps.executeUpdate();
                    }
                }
            }
            trace("raw blocks", t0);
            nextBlockId = firstBlock + blocks.size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("staging failed: " + e.getCause(), e.getCause());
        } finally {
            for (Future<byte[]> f : compressed) {
                f.cancel(false);
            }
            try { // wait for the staging task if it is still running, then remove its files
                for (Path f : stagedFiles.get()) {
                    if (f != null) {
                        Files.deleteIfExists(f);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | IOException ignored) {
                // nothing staged or already gone
            }
        }
    }

    /** A fact's dimension keys, to order a batch's facts before they are stored. */
    private record FactKeys(Event event, int ckey, int pkey, int nkey) {
        static final Comparator<FactKeys> STORAGE_ORDER = Comparator.comparingInt(FactKeys::ckey).thenComparingInt(FactKeys::pkey);
    }

    /** Where a payload is: its block and its index in the block ({@link #NONE} for an event without one). */
    private record RawRef(long block, int idx) {
        static final RawRef NONE = new RawRef(-1, -1);
    }

    /** Gives payloads their place in the order they are asked for, a new block every rawBlockEvents. */
    private static final class RawBlockAssigner {
        final List<List<byte[]>> blocks = new ArrayList<>();
        private final long firstBlock;
        private final int perBlock;
        private final int expected;
        private List<byte[]> current;

        RawBlockAssigner(long firstBlock, int perBlock, int expected) {
            this.firstBlock = firstBlock;
            this.perBlock = perBlock;
            this.expected = expected;
        }

        RawRef assign(Event e) {
            if (e.raw() == null) {
                return RawRef.NONE;
            }
            if (current == null || current.size() == perBlock) {
                current = new ArrayList<>(Math.min(perBlock, expected));
                blocks.add(current);
            }
            current.add(e.raw());
            return new RawRef(firstBlock + blocks.size() - 1, current.size() - 1);
        }
    }

    /** New process rows of exec ids already attributed to a session: into session_process_keys. */
    private void mapSessionProcessKeys(List<CsvStager.Row> newProcesses) throws SQLException {
        List<String> execIds = new ArrayList<>();
        List<Integer> keys = new ArrayList<>();
        for (CsvStager.Row r : newProcesses) {
            Object exec = r.event().get(Fields.PROC_EXEC_ID);
            if (exec != null) {
                execIds.add(exec.toString());
                keys.add(r.pkey());
            }
        }
        SessionTables.mapProcessKeys(writer, execIds, keys);
    }

    /**
     * True when fd.name is exactly what the view computes for a connection ({@code cip:cport->sip:sport}, as
     * the adapters write it), so it need not be stored: ~7 B/event less for network events.
     */
    static boolean isConnectionName(Event e) {
        String name = e.getString(Fields.FD_NAME);
        String cip = e.getString(Fields.FD_CIP);
        String sip = e.getString(Fields.FD_SIP);
        if (name == null || cip == null || sip == null || !name.startsWith(cip)) {
            return false;
        }
        Long cport = e.getLong(Fields.FD_CPORT);
        Long sport = e.getLong(Fields.FD_SPORT);
        return name.equals(cip + ":" + (cport == null ? "" : cport) + "->" + sip + ":" + (sport == null ? "" : sport));
    }

    private static final List<Field> RARE = Fields.stored().stream().filter(Schema::isRare).toList();

    private static boolean hasRareField(Event e) {
        for (Field f : RARE) {
            if (e.get(f) != null) {
                return true;
            }
        }
        return false;
    }

    /** A table and its stager (the stager is used by the staging thread only). */
    private static final class Stage {
        final String table;
        final CsvStager stager;
        final String insertSql;

        Stage(String table, List<Schema.Column> columns) {
            this.table = table;
            this.stager = new CsvStager(columns);
            StringBuilder names = new StringBuilder();
            for (Schema.Column c : stager.columns()) {
                names.append(names.isEmpty() ? "" : ", ").append(c.name());
            }
            this.insertSql = "INSERT INTO " + table + " (" + names + ") SELECT " + stager.selectList() + " FROM ";
        }
    }

    /** Staging files left behind by processes that died mid-append (they hold nothing committed). */
    private static void removeStaleStagingFiles(Path dir) {
        try (var files = Files.newDirectoryStream(dir, "podtrail-stage-*.csv")) {
            for (Path f : files) {
                String[] parts = f.getFileName().toString().split("-");
                try {
                    long pid = Long.parseLong(parts[2]);
                    if (ProcessHandle.of(pid).isEmpty()) {
                        Files.deleteIfExists(f);
                    }
                } catch (RuntimeException | IOException ignored) {
                    // not ours or already gone
                }
            }
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** Writes rows into a new staging file (on the staging thread, which owns the stagers). */
    private Path stage(Stage table, List<CsvStager.Row> rows) throws IOException {
        CsvStager stager = table.stager;
        stager.reset();
        for (CsvStager.Row row : rows) {
            stager.add(row);
        }
        Path file = stageDir.resolve("podtrail-stage-" + ProcessHandle.current().pid() + "-" + STAGE_SEQ.incrementAndGet() + ".csv");
        try (OutputStream out = Files.newOutputStream(file)) {
            stager.writeTo(out);
        }
        return file;
    }

    private static final boolean TRACE = Boolean.getBoolean("podtrail.store.trace");

    static void trace(String what, long startNs) {
        if (TRACE) {
            System.err.printf("[store] %s: %.1f ms%n", what, (System.nanoTime() - startNs) / 1e6);
        }
    }

    /** Below this many unsorted span rows the spans tables are not rewritten (an instance setting for tests). */
    private long minUnsortedSpans = FactSpans.MIN_UNSORTED;

    /** For tests: rewrite the spans tables in key order past this many unsorted rows. */
    void minUnsortedSpans(long rows) {
        this.minUnsortedSpans = rows;
    }

    /**
     * Keeps the spans tables in key order ({@link FactSpans#sortIfNeeded}), after an append has committed: a
     * failure leaves them as they were (still correct, only slower to look up) and does not fail the append.
     */
    private void sortSpansIfNeeded() {
        long t0 = System.nanoTime();
        try {
            boolean sorted = false;
            for (FactSpans spans : List.of(FactSpans.PROCESSES, FactSpans.PEERS)) {
                sorted |= spans.sortIfNeeded(writer, minUnsortedSpans);
            }
            writer.commit();
            if (sorted) {
                trace("spans sorted", t0);
            }
        } catch (SQLException e) {
            rollbackQuietly();
            System.err.println("podtrail: the spans tables stay as they are (lookups slower, answers the same): " + e.getMessage());
        }
    }

    private void rollbackQuietly() {
        try {
            writer.rollback();
        } catch (SQLException ignored) {
            // the original failure matters more
        }
    }

    // ------------------------------------------------------------------------------------------ read

    @Override
    public EventPage query(EventQuery query) {
        ensureOpen();
        SqlFragment filter = compiler.compile(query.filter());
        Pushdown.Plan plan = compiler != FilterCompiler.EMPTY_ONLY ? Pushdown.plan(query.filter(), this::sessionSpan) : Pushdown.Plan.NONE;
        long[] cursor = query.cursor() == null ? null : decodeCursor(query.cursor());
        if (!plan.keySets().isEmpty()) {
            plan = resolve(plan);
        }
        if (query.fromNs() != null || plan.anyResolved()) {
            // bounded, or a few processes or peers whose row groups the spans gave: one pass is enough
            return page(query, filter, plan, cursor, plan.floor());
        }
        // Newest first without a lower bound: look at the last hour, then 16x wider, until the page is full or
        // the window covers the whole trail (facts arrive roughly in time order, so zone maps skip the rest);
        // also when many processes are selected (a pod's): measured at 100M events, 0.8 s in one statement
        // for the newest 100 of a busy pod, 0.1 s in the last hour.
        long[] range = timeRange();
        Long floor = plan.floor();
        if (range == null) {
            return page(query, filter, plan, cursor, floor);
        }
        long bottom = floor == null ? range[0] : Math.max(range[0], floor);
        long top = range[1] + 1;
        if (query.toNs() != null) {
            top = Math.min(top, query.toNs());
        }
        if (cursor != null) {
            top = Math.min(top, cursor[0] + 1);
        }
        for (long width = 3_600_000_000_000L; ; width = width > Long.MAX_VALUE / 16 ? Long.MAX_VALUE : width * 16) {
            long lo = top - width;
            if (lo <= bottom || width == Long.MAX_VALUE || lo > top) {
                return page(query, filter, plan, cursor, floor);
            }
            EventPage p = page(query, filter, plan, cursor, lo);
            if (p.nextCursor() != null) {
                return p;
            }
        }
    }

    /**
     * Most keys a query resolves up front per process or peer set; past it the set stays a subquery (binding a long
     * key list costs more than the semi-join, and its rows are everywhere). An instance setting so that tests can
     * make every set "large".
     */
    static final int MAX_RESOLVED_KEYS = 1024;
    private int maxResolvedKeys = MAX_RESOLVED_KEYS;

    /** For tests: sets with more keys than this stay subqueries. */
    void maxResolvedKeys(int n) {
        this.maxResolvedKeys = n;
        largeSets.clear();
    }

    private final java.util.concurrent.atomic.AtomicLong pagesFromCandidates = new java.util.concurrent.atomic.AtomicLong();

    /** How many pages were found by checking large key sets on candidates (for tests). */
    long pagesFromCandidates() {
        return pagesFromCandidates.get();
    }

    private final java.util.concurrent.atomic.AtomicLong pagesCheckedWhole = new java.util.concurrent.atomic.AtomicLong();

    /** How many of those read their candidates whole and checked them in Java (for tests). */
    long pagesCheckedWhole() {
        return pagesCheckedWhole.get();
    }

    /** The plan with its key sets resolved to keys where few, and the facts positions they occupy (see {@link FactSpans}). */
    private Pushdown.Plan resolve(Pushdown.Plan plan) {
        long t0 = System.nanoTime();
        try {
            return resolveKeys(plan);
        } finally {
            trace("resolve key sets", t0);
        }
    }

    private Pushdown.Plan resolveKeys(Pushdown.Plan plan) {
        return withConnection(c -> {
            List<List<Long>> keys = new ArrayList<>();
            StringBuilder spans = new StringBuilder();
            long facts = Long.MAX_VALUE; // the least facts count of a resolved set: at most that many candidates
            for (Pushdown.KeySet set : plan.keySets()) {
                String memo = set.onlyGrows() ? set.spans().table + '|' + set.sql().sql() + '|' + set.sql().params() : null;
                if (memo != null && largeSets.contains(memo)) {
                    keys.add(null); // was large, still is
                    continue;
                }
                long t0 = System.nanoTime();
                // no DISTINCT (a blocking hash aggregate over a namespace's 400k processes: 15 ms): the sets' keys are
                // unique (each dimension row has its own key)
                java.util.LinkedHashSet<Long> found = new java.util.LinkedHashSet<>();
                List<long[]> positions = new ArrayList<>();
                long count = 0;
                try (PreparedStatement ps = ReadConnections.prepare(c, set.spans().keysWithSpans(set.sql().sql(), maxResolvedKeys + 1))) {
                    bind(c, ps, set.sql().params());
                    try (ResultSet r = ps.executeQuery()) {
                        while (r.next()) {
                            found.add(r.getLong(1));
                            long from = r.getLong(2);
                            if (!r.wasNull()) {
                                positions.add(new long[] {from, r.getLong(3)});
                                count += r.getLong(4);
                            }
                        }
                    }
                }
                trace("resolve " + set.spans().table + " (" + found.size() + " keys, " + positions.size() + " spans)", t0);
                if (found.size() > maxResolvedKeys) {
                    // many processes (a namespace's, a busy pod's): their spans cover most of the trail and cost more to
                    // look up than they save (measured: question 1 at 10M, 34 -> 72 ms); the semi-join stays, or the
                    // set is checked on the few rows the other sets leave (see page)
                    if (memo != null) {
                        largeSets.add(memo);
                    }
                    keys.add(null);
                    continue;
                }
                keys.add(new ArrayList<>(found));
                facts = Math.min(facts, count);
                String cond = FactSpans.condition(positions, "%rid");
                if (cond != null) {
                    spans.append(spans.isEmpty() ? "" : " AND ").append(cond);
                }
            }
            return plan.resolve(keys, spans.isEmpty() ? null : spans.toString(), facts);
        });
    }

    /**
     * The key sets known to be too large to resolve: a set that reads only the dimensions can only grow (see
     * {@link Pushdown.KeySet#onlyGrows}), so once large it stays large and its resolve statement is skipped
     * (1.4 ms of question 1's at 10M events: billing's processes).
     */
    private final Set<String> largeSets = java.util.Collections.synchronizedSet(java.util.Collections.newSetFromMap(
            new java.util.LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > 1024;
                }
            }));

    /**
     * Most candidate facts a page reads to check its large key sets on them (see {@link #candidateKeys}); past it
     * the page is found with those sets as semi-joins instead.
     */
    static final int MAX_CANDIDATES = 20_000;
    private int maxCandidates = MAX_CANDIDATES;

    /** For tests: pages with more candidates than this fall back to semi-joins. */
    void maxCandidates(int n) {
        this.maxCandidates = n;
    }

    /**
     * One page with an optional extra lower bound, in two phases within one transaction (so row positions hold):
     * first the page's keys (side, row position, time, id), each side sorted and cut on just the columns the
     * filter reads, then the page's rows fetched whole by position. A single statement would make DuckDB build
     * every field of every matching row (six joins, ~130 columns) before the top-N (measured: 0.9 s for one
     * session's 600 events at 10M events).
     */
    private EventPage page(EventQuery query, SqlFragment filter, Pushdown.Plan plan, long[] cursor, Long lowerBound) {
        // a set too large to resolve (python's 400k processes; before facts had container keys, billing's) next to
        // one resolved (3 unknown destinations): find the facts of the small one, then check the large one on their
        // few keys, instead of a semi-join whose build reads the whole dimension (measured: question 1 at 10M events,
        // 30 of its 35 ms). Without a large set, also when the resolved sets' facts fit a page: the candidates read whole are the page's
        // rows, one statement instead of keys then rows (question 1 at 100M events, its namespace a container hint:
        // 8.4 against 14.9 ms)
        boolean candidates = plan.factFilter() != null && plan.anyResolved()
                && (!plan.unresolved().isEmpty() || plan.resolved().facts() <= wholeLimit(query));
        List<Object> apiParams = new ArrayList<>();
        Set<String> types = Pushdown.eventTypes(query.filter());
        // no API side when the filter requires event types wide_events has none of (`evt.type = connect`: 1 ms a page)
        boolean apiSide = types == null || !java.util.Collections.disjoint(types, wideTypes);
        String api = !apiSide ? null : plan.readsSessions()
                ? side(Schema.API_EVENTS, Schema.RID, 1, query, filter, plan.apiHintsOn(Schema.RID), cursor, lowerBound, apiParams)
                : side(Schema.WIDE, "rowid", 1, query, filter, SqlFragment.TRUE, cursor, lowerBound, apiParams);
        // a session's API side: its request and its processes' rows kept whole, found by position without the view
        boolean apiCandidates = apiSide && plan.readsSessions() && plan.apiHints() != SqlFragment.TRUE;
        long sessionGeneration = pageRows.sessionGeneration(); // before the transaction's snapshot
        // candidates read whole with no API side: one statement reads every position the page needs, so a read
        // transaction is begun only if it falls back to finding keys and then reading rows (its rollback: 0.3 ms)
        boolean oneStatement = candidates && api == null;
        return withConnection(c -> {
            if (!oneStatement) {
                c.setAutoCommit(false);
            }
            try {
                long t0 = System.nanoTime();
                SideRows sensorFound = candidates ? candidateKeys(c, query, plan, cursor, lowerBound, sessionGeneration) : null;
                SideRows apiFound = apiCandidates ? apiCandidateKeys(c, query, plan, cursor, lowerBound, sessionGeneration) : null;
                List<long[]> order;
                if (sensorFound == null && apiFound == null) {
                    List<Object> params = new ArrayList<>();
                    String sensorSql = sensorSide(query, filter, plan, cursor, lowerBound, params);
                    params.addAll(apiParams);
                    params.add((long) query.limit() + 1);
                    order = keys(c, "SELECT _side, " + Schema.RID + ", evt_time, podtrail_id FROM ((" + sensorSql + ")"
                            + (api == null ? "" : " UNION ALL (" + api + ")") + ") ORDER BY evt_time DESC, podtrail_id DESC LIMIT ?", params);
                } else {
                    order = new ArrayList<>();
                    if (sensorFound != null) {
                        order.addAll(sensorFound.keys());
                    } else {
                        List<Object> params = new ArrayList<>();
                        order.addAll(keys(c, sensorSide(query, filter, plan, cursor, lowerBound, params), params));
                    }
                    if (apiFound != null) {
                        order.addAll(apiFound.keys());
                    } else if (api != null) {
                        order.addAll(keys(c, api, apiParams));
                    }
                    // page order: newest first, then the larger id (as the statements' ORDER BY)
                    order.sort((a, b) -> a[2] != b[2] ? Long.compare(b[2], a[2]) : Long.compare(b[3], a[3]));
                    if (order.size() > query.limit() + 1) {
                        order = new ArrayList<>(order.subList(0, query.limit() + 1));
                    }
                }
                trace("page keys", t0);
                long t1 = System.nanoTime();
                List<Map<Long, Event>> rows = List.of(
                        sensorFound != null && sensorFound.rows() != null ? sensorFound.rows() : fetch(c, order, 0, sessionGeneration),
                        apiFound != null ? apiFound.rows() : fetch(c, order, 1, sessionGeneration));
                trace("page rows", t1);
                List<Event> out = new ArrayList<>(order.size());
                for (long[] k : order) {
                    out.add(rows.get((int) k[0]).get(k[1]));
                }
                String next = null;
                if (out.size() > query.limit()) {
                    out.remove(out.size() - 1);
                    Event last = out.get(out.size() - 1);
                    next = encodeCursor(last.time(), last.id());
                }
                return new EventPage(out, next);
            } finally {
                if (!c.getAutoCommit()) {
                    c.rollback(); // read only
                }
            }
        });
    }

    /**
     * The sensor side's key statement: facts alone when the rest of the filter reads only their columns, else the
     * sensor_events view.
     */
    private String sensorSide(EventQuery query, SqlFragment filter, Pushdown.Plan plan, long[] cursor, Long lowerBound, List<Object> params) {
        SqlFragment hints = withSpans(plan, plan.hints());
        return plan.factFilter() != null
                ? side(Schema.FACTS, "rowid", 0, query, plan.factFilter(), hints, cursor, lowerBound, params)
                : side(Schema.SENSOR_EVENTS, Schema.RID, 0, query, filter, hints, cursor, lowerBound, params);
    }

    /**
     * The candidates' statement (see {@link #candidateKeys}): the facts the filter's own conditions and the resolved
     * key sets select, without the large key sets, with {@code columns} after the keys, cut at {@code limit}.
     */
    private String candidateSide(EventQuery query, Pushdown.Plan plan, long[] cursor, Long lowerBound, String columns, int limit,
                                 boolean checkedWhole, List<Object> params) {
        return side(Schema.FACTS, "rowid", columns, 0, query, plan.factFilter(),
                withSpans(plan, checkedWhole ? plan.resolvedHints() : plan.narrowHints()), cursor, lowerBound, limit, params);
    }

    private static SqlFragment withSpans(Pushdown.Plan plan, SqlFragment hints) {
        if (plan.spans() == null) {
            return hints;
        }
        return new SqlFragment(hints.sql() + " AND " + plan.spans().replace("%rid", plan.factFilter() != null ? "rowid" : Schema.RID),
                hints.params());
    }

    /** A page's keys (side, row position, time, id) in page order. */
    private static List<long[]> keys(Connection c, String sql, List<Object> params) throws SQLException {
        List<long[]> out = new ArrayList<>();
        try (PreparedStatement ps = ReadConnections.prepare(c, sql)) {
            bind(c, ps, params);
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    out.add(new long[] {r.getInt(1), r.getLong(2), r.getLong(3), r.getLong(4)});
                }
            }
        }
        return out;
    }

    /** One side's keys of a page (side, row position, time, id), and its rows when they were read whole to check them. */
    private record SideRows(List<long[]> keys, Map<Long, Event> rows) {
    }

    /**
     * Most candidates read whole and checked in Java (up to a page's worth) rather than by asking each large set's
     * dimension for their keys: reading them costs what reading the page's rows would, in the statement that finds
     * them (measured at 10M events, question 1: the check statement and reading the two rows took 2.0 ms each).
     */
    static final int MAX_CHECKED_WHOLE = 256;

    /** Most candidates of a page read whole and checked in Java. */
    private int wholeLimit(EventQuery query) {
        return Math.min(Math.min(query.limit() + 1, MAX_CHECKED_WHOLE), maxCandidates);
    }

    /**
     * The page's keys found from candidates: the sensor facts the resolved sets and the facts' own conditions
     * select, kept when they pass the large key sets. When the resolved sets' facts counts (from their spans) say
     * there are at most a page's worth ({@link #MAX_CHECKED_WHOLE}), the candidates are read whole and the filter
     * evaluated on their events ({@link io.podtrail.query.FilterEvaluator} has the SQL's semantics; the rows are the
     * page's); else they are found on keys and checked by asking each large set's dimension for just their keys.
     * Null when there are more than {@link #MAX_CANDIDATES}.
     */
    private SideRows candidateKeys(Connection c, EventQuery query, Pushdown.Plan plan, long[] cursor, Long lowerBound,
                                   long sessionGeneration) throws SQLException {
        long t0 = System.nanoTime();
        int wholeLimit = wholeLimit(query);
        // read whole only when the resolved sets' facts counts say the candidates fit: else the statement would build
        // every column of every candidate before its top-N (measured at 10M: a namespace and python3.12's 431k
        // facts, 129 -> 227 ms a page)
        java.util.function.Predicate<Event> matches = plan.resolved().facts() <= wholeLimit ? evaluator(query.filter()) : null;
        List<long[]> found = null; // rowid, time, id (and _pkey, _nkey when checked by the sets)
        Map<Long, Event> rows = null;
        if (matches != null) {
            List<Object> params = new ArrayList<>();
            Map<Long, PageRows.Row> facts = new java.util.HashMap<>();
            // the resolved sets alone find them: the other hints (a namespace's containers) are checked in Java
            try (PreparedStatement ps = ReadConnections.prepare(c, candidateSide(query, plan, cursor, lowerBound, ", " + PageRows.FACT_ROW_COLUMNS,
                    wholeLimit + 1, true, params))) {
                bind(c, ps, params);
                try (ResultSet r = ps.executeQuery()) {
                    while (r.next()) {
                        facts.put(r.getLong(2), PageRows.factRow(r, 5));
                    }
                }
            }
            trace("page candidates whole (" + facts.size() + ")", t0);
            if (facts.size() <= wholeLimit) {
                rows = facts.isEmpty() ? Map.of() : pageRows.complete(c, facts, sessionGeneration);
                found = new ArrayList<>();
                for (Map.Entry<Long, Event> e : rows.entrySet()) {
                    if (matches.test(e.getValue())) {
                        found.add(new long[] {e.getKey(), e.getValue().time(), e.getValue().id()});
                    }
                }
                pagesCheckedWhole.incrementAndGet();
                trace("page candidates checked whole", t0);
            }
        }
        if (found == null) {
            // keys now, rows later: positions must hold between the statements
            c.setAutoCommit(false);
            found = new ArrayList<>();
            List<Object> params = new ArrayList<>();
            try (PreparedStatement ps = ReadConnections.prepare(c, candidateSide(query, plan, cursor, lowerBound, ", " + Schema.PKEY + ", "
                    + Schema.NKEY, maxCandidates + 1, false, params))) {
                bind(c, ps, params);
                try (ResultSet r = ps.executeQuery()) {
                    while (r.next()) {
                        found.add(new long[] {r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5), r.getLong(6)});
                    }
                }
            }
            trace("page candidates (" + found.size() + ")", t0);
            if (found.size() > maxCandidates) {
                return null;
            }
            checkLargeSets(c, plan, found);
            trace("page candidates checked", t0);
        }
        List<long[]> out = new ArrayList<>();
        for (long[] f : found) {
            out.add(new long[] {0, f[0], f[1], f[2]});
        }
        pagesFromCandidates.incrementAndGet();
        return new SideRows(out, rows);
    }

    /**
     * The API side of a page whose filter names sessions: the wide_events rows the session hints select (the
     * sessions' requests, their processes' rows kept whole), found by position and read whole, kept when the filter
     * matches their events, as {@link #candidateKeys} does for facts. The api_events view's session joins cost 5 ms
     * of the 7 ms its statement took for one session at 10M events. Null when there are more than a page's worth.
     */
    private SideRows apiCandidateKeys(Connection c, EventQuery query, Pushdown.Plan plan, long[] cursor, Long lowerBound,
                                      long sessionGeneration) throws SQLException {
        java.util.function.Predicate<Event> matches = evaluator(query.filter());
        if (matches == null) {
            return null;
        }
        long t0 = System.nanoTime();
        int wholeLimit = Math.min(query.limit() + 1, MAX_CHECKED_WHOLE);
        List<Object> params = new ArrayList<>();
        List<long[]> found = keys(c, side(Schema.WIDE, "rowid", "", 1, query, SqlFragment.TRUE, plan.apiHintsOn("rowid"), cursor, lowerBound,
                wholeLimit + 1, params), params);
        trace("page API candidates (" + found.size() + ")", t0);
        if (found.size() > wholeLimit) {
            return null;
        }
        List<Long> rids = new ArrayList<>(found.size());
        for (long[] f : found) {
            rids.add(f[1]);
        }
        Map<Long, Event> rows = rids.isEmpty() ? Map.of() : pageRows.readWide(c, rids, sessionGeneration);
        found.removeIf(f -> !(rows.get(f[1]) instanceof Event e && matches.test(e)));
        trace("page API candidates checked whole (" + rids.size() + ")", t0);
        return new SideRows(found, rows);
    }

    /** The filter as a predicate on events; null if it does not compile (never here: the SQL compiler accepted it). */
    private static java.util.function.Predicate<Event> evaluator(String filterText) {
        try {
            return io.podtrail.query.FilterEvaluator.of(io.podtrail.query.Filter.compile(filterText));
        } catch (io.podtrail.query.FilterException e) {
            return null;
        }
    }

    /** Keeps the candidates (rowid, time, id, _pkey, _nkey) whose keys are in every large set, asking each for just those. */
    private static void checkLargeSets(Connection c, Pushdown.Plan plan, List<long[]> found) throws SQLException {
        for (Pushdown.KeySet set : plan.unresolved()) {
            int column = set.spans() == FactSpans.PROCESSES ? 3 : 4;
            java.util.TreeSet<Long> keys = new java.util.TreeSet<>();
            for (long[] f : found) {
                keys.add(f[column]);
            }
            if (keys.isEmpty()) {
                return;
            }
            Set<Long> in = new HashSet<>();
            // the bounds let the dimension's zone maps skip most of it (keys are assigned in insertion order); literals,
            // since DuckDB prunes by a parameter's value less well (measured at 100M: 2.1 against 2.3-3.2 ms)
            try (PreparedStatement ps = ReadConnections.prepare(c, "SELECT k FROM (" + set.sql().sql() + ") t(k) WHERE k BETWEEN "
                    + keys.first() + " AND " + keys.last() + " AND k IN (SELECT unnest(?::BIGINT[]))")) {
                List<Object> params = new ArrayList<>(set.sql().params());
                params.add(new ArrayList<>(keys));
                bind(c, ps, params);
                try (ResultSet r = ps.executeQuery()) {
                    while (r.next()) {
                        in.add(r.getLong(1));
                    }
                }
            }
            found.removeIf(f -> !in.contains(f[column]));
        }
    }

    /** The rows of one side of a page (0: facts, 1: wide_events), whole, by row position ({@link PageRows}). */
    private Map<Long, Event> fetch(Connection c, List<long[]> order, int side, long sessionGeneration) throws SQLException {
        List<Long> ids = new ArrayList<>();
        for (long[] k : order) {
            if (k[0] == side) {
                ids.add(k[1]);
            }
        }
        if (ids.isEmpty()) {
            return Map.of();
        }
        Map<Long, Event> out = side == 0 ? pageRows.read(c, ids, sessionGeneration) : pageRows.readWide(c, ids, sessionGeneration);
        if (out.size() != ids.size()) {
            throw new SQLException("a page's rows changed between finding and reading them (" + out.size() + " of " + ids.size() + ")");
        }
        return out;
    }

    private String side(String view, String rid, int sideNo, EventQuery query, SqlFragment filter, SqlFragment hints, long[] cursor,
                        Long lowerBound, List<Object> params) {
        return side(view, rid, "", sideNo, query, filter, hints, cursor, lowerBound, query.limit() + 1, params);
    }

    /** One side's keys (side, row position, time, id, then {@code extra} columns), newest first, cut at {@code limit}. */
    private String side(String view, String rid, String extra, int sideNo, EventQuery query, SqlFragment filter, SqlFragment hints,
                        long[] cursor, Long lowerBound, int limit, List<Object> params) {
        StringBuilder sql = new StringBuilder("SELECT ").append(sideNo).append(" AS _side, ").append(rid).append(" AS ")
                .append(Schema.RID).append(", evt_time, podtrail_id").append(extra).append(" FROM ").append(view)
                .append(" WHERE (").append(filter.sql()).append(')');
        params.addAll(filter.params());
        if (hints != SqlFragment.TRUE) {
            sql.append(" AND ").append(hints.sql());
            params.addAll(hints.params());
        }
        Long from = query.fromNs();
        if (lowerBound != null) {
            from = from == null ? lowerBound : Long.valueOf(Math.max(from, lowerBound));
        }
        if (from != null) {
            sql.append(" AND evt_time >= ?");
            params.add(from);
        }
        if (query.toNs() != null) {
            sql.append(" AND evt_time < ?");
            params.add(query.toNs());
        }
        if (cursor != null) {
            sql.append(" AND (evt_time < ? OR (evt_time = ? AND podtrail_id < ?))");
            params.add(cursor[0]);
            params.add(cursor[0]);
            params.add(cursor[1]);
        }
        sql.append(" ORDER BY evt_time DESC, podtrail_id DESC LIMIT ?");
        params.add((long) limit);
        return sql.toString();
    }

    /**
     * The span of the sessions a condition selects: [earliest start, latest end or start]; {@link Pushdown#NO_SESSION}
     * when none, null when one has no start.
     */
    private long[] sessionSpan(SqlFragment where) {
        long t0 = System.nanoTime();
        try {
            return sessionSpanOf(where);
        } finally {
            trace("session span", t0);
        }
    }

    private long[] sessionSpanOf(SqlFragment where) {
        return withConnection(c -> {
            try (PreparedStatement ps = ReadConnections.prepare(c, "SELECT count(*), count(session_start), min(session_start), "
                    + "max(coalesce(session_end, session_start)) FROM " + Schema.SESSIONS + " WHERE " + where.sql())) {
                bind(c, ps, where.params());
                try (ResultSet r = ps.executeQuery()) {
                    r.next();
                    long n = r.getLong(1);
                    return n == 0 ? Pushdown.NO_SESSION : r.getLong(2) < n ? null : new long[] {r.getLong(3), r.getLong(4)};
                }
            }
        });
    }

    /** [min, max] of evt_time over the trail, or null when it is empty (kept up to date by append). */
    private long[] timeRange() {
        long[] r = range;
        if (r == null && !rangeKnown) {
            r = withConnection(c -> {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT min(t0), max(t1) FROM (SELECT min(evt_time) t0, "
                        + "max(evt_time) t1 FROM " + Schema.FACTS + " UNION ALL SELECT min(evt_time), max(evt_time) FROM " + Schema.WIDE + ")")) {
                    rs.next();
                    long lo = rs.getLong(1);
                    return rs.wasNull() ? null : new long[] {lo, rs.getLong(2)};
                }
            });
            synchronized (this) {
                if (!rangeKnown) {
                    range = r;
                    rangeKnown = true;
                }
                r = range;
            }
        }
        return r;
    }

    private volatile long[] range;
    private volatile boolean rangeKnown;

    /** Widens the known time range after an append (min/max of the batch). */
    private synchronized void extendRange(long min, long max) {
        if (!rangeKnown) {
            return; // computed from the tables on first use
        }
        long[] r = range;
        range = r == null ? new long[] {min, max} : new long[] {Math.min(r[0], min), Math.max(r[1], max)};
    }

    @Override
    public byte[] raw(long eventId) {
        ensureOpen();
        return withConnection(c -> {
            String ref = "SELECT " + Schema.RAW_BLOCK + ", " + Schema.RAW_IDX + " FROM %s WHERE podtrail_id = ? AND "
                    + Schema.RAW_BLOCK + " IS NOT NULL";
            try (PreparedStatement ps = ReadConnections.prepare(c, "(" + ref.formatted(Schema.FACTS) + " LIMIT 1) UNION ALL ("
                    + ref.formatted(Schema.WIDE) + " LIMIT 1) LIMIT 1")) {
                ps.setLong(1, eventId);
                ps.setLong(2, eventId);
                try (ResultSet r = ps.executeQuery()) {
                    return r.next() ? readRaw(c, rawFiles, r.getLong(1), r.getInt(2)) : null;
                }
            }
        });
    }

    // ------------------------------------------------------------------------------------------ aggregations

    /** WHERE fragment (filter and time range) over the events view, appending its parameters. */
    private String where(String filterText, Long fromNs, Long toNs, List<Object> params) {
        SqlFragment filter = compiler.compile(filterText);
        StringBuilder w = new StringBuilder(" WHERE (").append(filter.sql()).append(')');
        params.addAll(filter.params());
        if (fromNs != null) {
            w.append(" AND evt_time >= ?");
            params.add(fromNs);
        }
        if (toNs != null) {
            w.append(" AND evt_time < ?");
            params.add(toNs);
        }
        return w.toString();
    }

    /** The container columns the facet levels read. */
    static final List<String> FACET_COLUMNS = List.of("k8s_cluster_name", "k8s_ns_name", "k8s_workload_kind", "k8s_workload_name",
            "k8s_pod_name", "container_name", "k8s_node_name", "evt_hostname");

    /**
     * What facets count: rows of the facet columns with a weight {@code _w} and a WHERE over the time range (and
     * filter), parameters appended. With a filter, the events view (weight 1). Without one, facts are first
     * counted per container key within the range and only those counts joined with containers (measured at 10M
     * events: ~1.4M facts a day become a few thousand rows before the join; counted per process, ~50k rows joined
     * with processes: 352 against 69 ms at 100M), plus wide_events' rows counted per facet path.
     */
    private String facetSource(String filterText, Long fromNs, Long toNs, List<Object> params) {
        if (filterText != null && !filterText.isBlank()) {
            return "(SELECT *, 1 AS _w FROM " + Schema.EVENTS + where(filterText, fromNs, toNs, params) + ")";
        }
        StringBuilder c = new StringBuilder();
        for (String col : FACET_COLUMNS) {
            c.append(c.isEmpty() ? "" : ", ").append(col);
        }
        String facts = "SELECT " + Schema.CKEY + ", count(*) AS _w FROM " + Schema.FACTS + where("", fromNs, toNs, params) + " GROUP BY ALL";
        String wide = "SELECT " + c + ", count(*) AS _w FROM " + Schema.WIDE + where("", fromNs, toNs, params) + " GROUP BY ALL";
        return "(SELECT " + c.toString().replaceAll("(^|, )", "$1c.") + ", f._w FROM (" + facts + ") f JOIN " + Schema.CONTAINERS
                + " c ON c." + Schema.CKEY + " = f." + Schema.CKEY + " UNION ALL " + wide + ")";
    }

    /**
     * A histogram over a given range: the bucket width is known up front, so one GROUP BY over the range counts
     * each bucket (and kind) directly; empty buckets are added here. (The general statement first materialises
     * every timestamp to find the range: measured 100 ms against 40 ms at 10M events over 7 days.)
     */
    private Histogram boundedHistogram(HistogramQuery query) {
        long lo = query.fromNs();
        long hi = query.toNs();
        long width = Histogram.widthFor(hi - lo, query.buckets());
        List<Object> params = new ArrayList<>();
        String kind = query.splitByKind() ? Fields.KIND.column() : "CAST(NULL AS VARCHAR)";
        String sql = "SELECT (evt_time // " + width + ") * " + width + " AS start, " + kind + " AS k, count(*) FROM "
                + histogramSource(query.filter()) + where(query.filter(), lo, hi, params) + " GROUP BY ALL";
        Map<Long, Map<String, Long>> counts = new java.util.HashMap<>();
        Map<Long, Long> totals = new java.util.HashMap<>();
        withConnection(c -> {
            try (PreparedStatement ps = ReadConnections.prepare(c, sql)) {
                bind(c, ps, params);
                try (ResultSet r = ps.executeQuery()) {
                    while (r.next()) {
                        long start = r.getLong(1);
                        String k = r.getString(2);
                        long n = r.getLong(3);
                        totals.merge(start, n, Long::sum);
                        if (query.splitByKind() && k != null && n > 0) {
                            counts.computeIfAbsent(start, x -> new java.util.TreeMap<>()).merge(k, n, Long::sum);
                        }
                    }
                }
            }
            return null;
        });
        List<Histogram.Bucket> buckets = new ArrayList<>();
        for (long start = Math.floorDiv(lo, width) * width; start < hi; start += width) {
            buckets.add(new Histogram.Bucket(start, totals.getOrDefault(start, 0L), counts.getOrDefault(start, Map.of())));
        }
        return new Histogram(lo, hi, width, buckets);
    }

    /** What a histogram counts: evt_time and podtrail_kind of every event (view only when filtered). */
    private static String histogramSource(String filterText) {
        if (filterText != null && !filterText.isBlank()) {
            return Schema.EVENTS;
        }
        String kind = Fields.KIND.column();
        return "(SELECT evt_time, " + kind + " FROM " + Schema.FACTS + " UNION ALL SELECT evt_time, " + kind + " FROM "
                + Schema.WIDE + ") AS " + Schema.EVENTS;
    }

    /** The SQL expression of each level of a hierarchy, over the events view's columns. */
    static List<String> levelExpressions(FacetQuery.Hierarchy by) {
        return switch (by) {
            case WORKLOAD -> List.of("k8s_cluster_name", "k8s_ns_name",
                    "CASE WHEN k8s_workload_name IS NULL THEN NULL ELSE concat(k8s_workload_kind, '/', k8s_workload_name) END",
                    "k8s_pod_name", "container_name");
            case NODE -> List.of("k8s_cluster_name", "coalesce(k8s_node_name, evt_hostname)",
                    "CASE WHEN k8s_pod_name IS NULL THEN NULL ELSE concat(k8s_ns_name, '/', k8s_pod_name) END");
        };
    }

    /**
     * One statement: the matching events' level values grouped by ROLLUP (every prefix of the hierarchy),
     * the pod rows ranked by count within their parent, pods beyond the cap (and their containers) replaced
     * by one "others" row per parent, in pre-order.
     */
    static String facetSql(FacetQuery.Hierarchy by, String source, String where) {
        List<String> exprs = levelExpressions(by);
        int n = exprs.size();
        int pod = by.podLevel();
        StringBuilder sel = new StringBuilder();
        StringBuilder cols = new StringBuilder();
        StringBuilder grouping = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sel.append(i == 0 ? "" : ", ").append(exprs.get(i)).append(" AS l").append(i);
            cols.append(i == 0 ? "" : ", ").append('l').append(i);
            grouping.append(", grouping(l").append(i).append(") AS g").append(i);
        }
        StringBuilder depth = new StringBuilder("(");
        for (int i = 0; i < n; i++) {
            depth.append(i == 0 ? "" : " + ").append("(1 - g").append(i).append(')');
        }
        depth.append(')');
        String parent = cols.substring(0, cols.indexOf("l" + pod) - (pod == 0 ? 0 : 2));
        StringBuilder podPrefix = new StringBuilder();
        for (int i = 0; i <= pod; i++) {
            podPrefix.append(i == 0 ? "" : ", ").append('l').append(i);
        }
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < n; i++) {
            order.append(i == 0 ? "" : ", ").append("g").append(i).append(" DESC, l").append(i).append(" NULLS LAST");
            if (i == pod) {
                order.append(", others");
            }
        }
        StringBuilder othersCols = new StringBuilder();
        for (int i = 0; i < n; i++) {
            othersCols.append(i == 0 ? "" : ", ").append(i < pod ? "l" + i : "NULL");
        }
        StringBuilder othersG = new StringBuilder();
        for (int i = 0; i < n; i++) {
            othersG.append(", ").append(i <= pod ? 0 : 1);
        }
        return "WITH g AS (SELECT " + cols + grouping + ", CAST(sum(_w) AS BIGINT) AS n FROM (SELECT " + sel + ", _w FROM " + source + where
                + ") GROUP BY ROLLUP (" + cols + ")),\n"
                + "d AS (SELECT *, " + depth + " AS depth FROM g),\n"
                + "r AS (SELECT *, CASE WHEN depth = " + (pod + 1) + " THEN row_number() OVER (PARTITION BY depth = " + (pod + 1)
                + (parent.isEmpty() ? "" : ", " + parent) + " ORDER BY n DESC, l" + pod + " NULLS LAST) END AS rk FROM d),\n"
                + "p AS (SELECT *, max(rk) OVER (PARTITION BY depth > " + pod + ", " + podPrefix + ") AS prk FROM r)\n"
                + "SELECT * FROM (SELECT " + cols + ", g0" + gs(1, n) + ", depth, n, false AS others, 0 AS hidden FROM p WHERE depth <= " + pod
                + " OR prk <= ?\n"
                + "UNION ALL SELECT " + othersCols + othersG + ", " + (pod + 1) + ", sum(n), true, count(*) FROM p WHERE depth = "
                + (pod + 1) + " AND rk > ? GROUP BY " + (parent.isEmpty() ? "ALL" : parent) + ")\n"
                + "ORDER BY " + order;
    }

    private static String gs(int from, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = from; i < n; i++) {
            b.append(", g").append(i);
        }
        return b.toString();
    }

    @Override
    public List<FacetCount> facets(FacetQuery query) {
        ensureOpen();
        List<Object> params = new ArrayList<>();
        String sql = facetSql(query.by(), facetSource(query.filter(), query.fromNs(), query.toNs(), params), " WHERE TRUE");
        params.add((long) query.maxPods());
        params.add((long) query.maxPods());
        int n = query.by().levels().size();
        return withConnection(c -> {
            List<FacetCount> out = new ArrayList<>();
            try (PreparedStatement ps = ReadConnections.prepare(c, sql)) {
                bind(c, ps, params);
                try (ResultSet r = ps.executeQuery()) {
                    while (r.next()) {
                        int depth = r.getInt(2 * n + 1);
                        List<String> path = new ArrayList<>(depth);
                        for (int i = 0; i < depth; i++) {
                            path.add(r.getString(i + 1));
                        }
                        out.add(new FacetCount(path, r.getLong(2 * n + 2), r.getBoolean(2 * n + 3), r.getLong(2 * n + 4)));
                    }
                }
            }
            if (out.isEmpty()) {
                out.add(new FacetCount(List.of(), 0, false, 0)); // ROLLUP over nothing has no grand total row
            }
            return out;
        });
    }

    /**
     * One statement: the matching events (materialized once), the range (given, or that of the events), the
     * nice width for it, every bucket from generate_series and the counts per bucket (and kind) joined to it.
     */
    static String histogramSql(String source, String where, boolean split) {
        StringBuilder widths = new StringBuilder();
        for (long w : Histogram.NICE_WIDTHS_NS) {
            widths.append(widths.isEmpty() ? "" : ", ").append('(').append(w).append(')');
        }
        long day = 86_400_000_000_000L;
        String kind = split ? Fields.KIND.column() : "CAST(NULL AS VARCHAR)";
        return "WITH m AS MATERIALIZED (SELECT evt_time AS t, " + kind + " AS k FROM " + source + where + "),\n"
                + "r AS (SELECT coalesce(CAST(? AS BIGINT), min(t)) AS lo, coalesce(CAST(? AS BIGINT), max(t) + 1) AS hi FROM m),\n"
                + "w AS (SELECT lo, hi, coalesce((SELECT min(x) FROM (VALUES " + widths + ") v(x) WHERE x * CAST(? AS HUGEINT) >= hi - lo), "
                + "CAST(ceil((hi - lo) / (" + day + " * CAST(? AS DOUBLE))) AS BIGINT) * " + day + ") AS width FROM r "
                + "WHERE lo IS NOT NULL AND hi > lo),\n"
                + "b AS (SELECT lo, hi, width, unnest(generate_series((lo // width) * width, hi - 1, width)) AS start FROM w),\n"
                + "c AS (SELECT (t // width) * width AS start, k, count(*) AS n FROM m, w GROUP BY ALL)\n"
                + "SELECT b.lo, b.hi, b.width, b.start, c.k, coalesce(c.n, 0) FROM b LEFT JOIN c ON c.start = b.start ORDER BY b.start, c.k";
    }

    @Override
    public Histogram histogram(HistogramQuery query) {
        ensureOpen();
        if (query.fromNs() != null && query.toNs() != null && query.toNs() > query.fromNs()) {
            return boundedHistogram(query);
        }
        List<Object> params = new ArrayList<>();
        String sql = histogramSql(histogramSource(query.filter()), where(query.filter(), query.fromNs(), query.toNs(), params),
                query.splitByKind());
        params.add(query.fromNs());
        params.add(query.toNs());
        params.add((long) query.buckets());
        params.add((long) query.buckets());
        return withConnection(c -> {
            long lo = 0;
            long hi = 0;
            long width = Histogram.widthFor(query.fromNs() != null && query.toNs() != null ? query.toNs() - query.fromNs() : 0, query.buckets());
            List<Histogram.Bucket> buckets = new ArrayList<>();
            try (PreparedStatement ps = ReadConnections.prepare(c, sql)) {
                bind(c, ps, params);
                try (ResultSet r = ps.executeQuery()) {
                    long start = Long.MIN_VALUE;
                    long count = 0;
                    Map<String, Long> byKind = new LinkedHashMap<>();
                    while (r.next()) {
                        lo = r.getLong(1);
                        hi = r.getLong(2);
                        width = r.getLong(3);
                        long s = r.getLong(4);
                        if (s != start && start != Long.MIN_VALUE) {
                            buckets.add(new Histogram.Bucket(start, count, byKind));
                            count = 0;
                            byKind = new LinkedHashMap<>();
                        }
                        start = s;
                        String k = r.getString(5);
                        long n = r.getLong(6);
                        count += n;
                        if (query.splitByKind() && k != null && n > 0) {
                            byKind.merge(k, n, Long::sum);
                        }
                    }
                    if (start != Long.MIN_VALUE) {
                        buckets.add(new Histogram.Bucket(start, count, byKind));
                    }
                }
            }
            if (buckets.isEmpty() && query.fromNs() != null && query.toNs() != null) {
                lo = query.fromNs();
                hi = query.toNs();
            }
            return new Histogram(lo, hi, width, buckets);
        });
    }

    @Override
    public long count() {
        ensureOpen();
        return withConnection(c -> {
            return longQuery(c, COUNT_SQL);
        });
    }

    /** Rows, bytes on disk and payload bytes. */
    public Stats stats() {
        ensureOpen();
        return withConnection(c -> {
            long rows;
            long raw;
            long rawCompressed;
            try (Statement s = c.createStatement()) {
                try (ResultSet r = s.executeQuery(COUNT_SQL)) {
                    r.next();
                    rows = r.getLong(1);
                }
                try (ResultSet r = s.executeQuery("SELECT coalesce(sum(raw_bytes), 0), coalesce(sum(stored_bytes), 0) FROM raw_blocks")) {
                    r.next();
                    raw = r.getLong(1);
                    rawCompressed = r.getLong(2);
                }
            }
            return new Stats(rows, size(dataDir.resolve(FILE_NAME)), size(dataDir.resolve(FILE_NAME + ".wal")), raw, rawCompressed);
        });
    }

    @Override
    public synchronized void attribute(io.podtrail.correlate.Attributions attributions) {
        ensureOpen();
        try {
            SessionTables.write(writer, attributions);
            writer.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            throw new IllegalStateException("saving sessions failed: " + e.getMessage(), e);
        } finally {
            pageRows.sessionsChanged(); // after the commit: a page read since sees the new sessions
        }
    }

    @Override
    public synchronized int appendPolicyEvents(List<io.podtrail.detect.PolicyEvent> events) {
        ensureOpen();
        if (events.isEmpty()) {
            return 0;
        }
        long now = System.currentTimeMillis() * 1_000_000L;
        // One row per rule and triggering event. Raised again with a session (attributed late), the row takes the
        // session and the output that names it; raised again without one (a re-ingest), it keeps what it has.
        try (PreparedStatement ps = writer.prepareStatement("INSERT INTO " + Schema.POLICY_EVENTS
                + " (rule, podtrail_id, priority, tags, output, evt_time, session_id, source, detected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (rule, podtrail_id) DO UPDATE SET output = CASE WHEN excluded.session_id IS NOT NULL"
                + " AND " + Schema.POLICY_EVENTS + ".session_id IS NULL THEN excluded.output ELSE " + Schema.POLICY_EVENTS
                + ".output END, session_id = coalesce(" + Schema.POLICY_EVENTS + ".session_id, excluded.session_id)")) {
            int added = 0; // raised, new or not: DuckDB counts an upsert's update as a row too
            for (io.podtrail.detect.PolicyEvent p : events) {
                ps.setString(1, p.rule());
                ps.setLong(2, p.eventId());
                ps.setString(3, p.priority().label());
                ps.setObject(4, writer.createArrayOf("VARCHAR", p.tags().toArray()));
                ps.setString(5, p.output());
                ps.setLong(6, p.time());
                ps.setString(7, p.sessionId());
                ps.setString(8, p.source());
                ps.setLong(9, now);
                ps.executeUpdate();
                added++;
            }
            writer.commit();
            return added;
        } catch (SQLException e) {
            rollbackQuietly();
            throw new IllegalStateException("saving policy events failed: " + e.getMessage(), e);
        }
    }

    @Override
    public PolicyEventPage policyEvents(EventQuery query) {
        ensureOpen();
        SqlFragment filter = compiler.compilePolicyFeed(query.filter());
        StringBuilder sql = new StringBuilder("SELECT ").append(selectFields)
                .append(", policy_rule, policy_priority, policy_tags, policy_output, _pe_time, _pe_id, _pe_session, _pe_source FROM (")
                .append("SELECT e.*, pe.rule AS policy_rule, pe.priority AS policy_priority, pe.tags AS policy_tags, ")
                .append("pe.output AS policy_output, pe.evt_time AS _pe_time, pe.podtrail_id AS _pe_id, ")
                .append("pe.session_id AS _pe_session, pe.source AS _pe_source FROM ").append(Schema.POLICY_EVENTS)
                // the time too: DuckDB prunes the events by the policy events' times (podtrail_id is computed, so an id
                // alone is matched against every row: 614 vs 12 ms for four events at 100M)
                .append(" pe LEFT JOIN ").append(Schema.EVENTS).append(" e ON e.podtrail_id = pe.podtrail_id AND e.evt_time = pe.evt_time")
                .append(") WHERE (").append(filter.sql()).append(')');
        List<Object> params = new ArrayList<>(filter.params());
        if (query.fromNs() != null) {
            sql.append(" AND _pe_time >= ?");
            params.add(query.fromNs());
        }
        if (query.toNs() != null) {
            sql.append(" AND _pe_time < ?");
            params.add(query.toNs());
        }
        if (query.cursor() != null) {
            String[] c = decodePolicyCursor(query.cursor());
            sql.append(" AND (_pe_time < ? OR (_pe_time = ? AND (_pe_id < ? OR (_pe_id = ? AND policy_rule > ?))))");
            params.add(Long.parseLong(c[0]));
            params.add(Long.parseLong(c[0]));
            params.add(Long.parseLong(c[1]));
            params.add(Long.parseLong(c[1]));
            params.add(c[2]);
        }
        sql.append(" ORDER BY _pe_time DESC, _pe_id DESC, policy_rule LIMIT ?");
        params.add((long) query.limit() + 1);
        return withConnection(c -> {
            List<io.podtrail.detect.PolicyEvent> out = new ArrayList<>();
            try (PreparedStatement ps = ReadConnections.prepare(c, sql.toString())) {
                bind(c, ps, params);
                try (ResultSet r = ps.executeQuery()) {
                    int n = fields.size();
                    while (r.next()) {
                        Event e = readEvent(r);
                        List<String> tags = new ArrayList<>();
                        Object t = r.getObject(n + 3);
                        if (t instanceof Array a) {
                            for (Object o : (Object[]) a.getArray()) {
                                tags.add(String.valueOf(o));
                            }
                        }
                        String session = e.getString(Fields.SESSION_ID) != null ? e.getString(Fields.SESSION_ID) : r.getString(n + 7);
                        out.add(new io.podtrail.detect.PolicyEvent(r.getString(n + 1),
                                io.podtrail.detect.Priority.parse(r.getString(n + 2)).orElse(io.podtrail.detect.Priority.DEBUG),
                                tags, r.getString(n + 4), r.getLong(n + 5), r.getLong(n + 6), session, r.getString(n + 8), e));
                    }
                }
            }
            String next = null;
            if (out.size() > query.limit()) {
                out.remove(out.size() - 1);
                io.podtrail.detect.PolicyEvent last = out.get(out.size() - 1);
                next = Base64.getUrlEncoder().withoutPadding().encodeToString((last.time() + ":" + last.eventId() + ":" + last.rule())
                        .getBytes(StandardCharsets.UTF_8));
            }
            return new PolicyEventPage(out, next);
        });
    }

    private static String[] decodePolicyCursor(String cursor) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            String[] parts = s.split(":", 3);
            Long.parseLong(parts[0]);
            Long.parseLong(parts[1]);
            return parts;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid cursor: " + cursor, e);
        }
    }

    @Override
    public io.podtrail.correlate.SessionRecord session(String id) {
        ensureOpen();
        return withConnection(c -> SessionTables.read(c, id));
    }

    @Override
    public List<io.podtrail.store.SessionSummary> sessions(io.podtrail.store.SessionQuery query) {
        ensureOpen();
        List<Object> params = new ArrayList<>();
        String where = where(query.filter(), query.fromNs(), query.toNs(), params);
        params.add((long) query.limit());
        String sql = SessionTables.listSql(where);
        return withConnection(c -> {
            List<io.podtrail.store.SessionSummary> out = new ArrayList<>();
            try (PreparedStatement ps = ReadConnections.prepare(c, sql)) {
                bind(c, ps, params);
                try (ResultSet r = ps.executeQuery()) {
                    while (r.next()) {
                        int n = SessionTables.COLUMN_COUNT;
                        out.add(new io.podtrail.store.SessionSummary(SessionTables.record(r), r.getLong(n + 1), r.getLong(n + 2),
                                r.getLong(n + 3), r.getLong(n + 4)));
                    }
                }
            }
            return out;
        });
    }

    /**
     * The stored processes and attributions, for the correlator (called on the writer thread, between appends;
     * each query sees every committed append).
     */
    @Override
    public io.podtrail.correlate.ProcessArchive archive() {
        // each question on a fresh autocommit connection: the writer's own connection keeps the snapshot of its
        // open transaction, which missed processes committed since (found: descendants of a late session)
        return new io.podtrail.correlate.ProcessArchive() {
            @Override
            public Map<String, String> sessionsOf(java.util.Collection<String> execIds) {
                return withConnection(c -> SessionTables.archive(c).sessionsOf(execIds));
            }

            @Override
            public List<io.podtrail.correlate.ProcessInfo> processesInPod(String namespace, String pod, long fromNs, long toNs) {
                return withConnection(c -> SessionTables.archive(c).processesInPod(namespace, pod, fromNs, toNs));
            }

            @Override
            public List<String> descendants(String execId, long fromNs) {
                return withConnection(c -> SessionTables.archive(c).descendants(execId, fromNs));
            }

            @Override
            public io.podtrail.correlate.SessionRecord session(String id) {
                return withConnection(c -> SessionTables.archive(c).session(id));
            }

            @Override
            public List<io.podtrail.correlate.SessionRecord> pendingSessions() {
                return withConnection(c -> SessionTables.archive(c).pendingSessions());
            }
        };
    }

    /** Runs work on a fresh duplicate connection (aggregations, checkpoints, tests). */
    <T> T withConnection(SqlWork<T> work) {
        Connection c;
        try {
            c = readers.borrow();
        } catch (SQLException e) {
            throw new IllegalStateException("store query failed: " + e.getMessage(), e);
        }
        boolean clean = false;
        try {
            T result = work.run(c);
            clean = true;
            return result;
        } catch (SQLException e) {
            throw new IllegalStateException("store query failed: " + e.getMessage(), e);
        } finally {
            readers.giveBack(c, clean);
        }
    }

    /** Writes all changes into the database file (truncating the WAL). */
    void checkpoint() {
        synchronized (this) {
            withConnection(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("CHECKPOINT");
                }
                return null;
            });
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        compressors.shutdownNow();
        stagingThread.shutdownNow();
        readers.close();
        try {
            writer.close();
        } catch (SQLException e) {
            throw new IllegalStateException("closing the store failed: " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("store is closed");
        }
    }

    private static final String COUNT_SQL = "SELECT (SELECT count(*) FROM " + Schema.FACTS + ") + (SELECT count(*) FROM "
            + Schema.WIDE + ")";

    private static long longQuery(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    private static long size(Path p) {
        try {
            return Files.exists(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static byte[] readRaw(Connection c, RawFiles files, long block, int idx) throws SQLException {
        try (PreparedStatement ps = ReadConnections.prepare(c, 
                "SELECT codec, segment, seg_offset, stored_bytes FROM raw_blocks WHERE block_id = ?")) {
            ps.setLong(1, block);
            try (ResultSet r = ps.executeQuery()) {
                if (!r.next()) {
                    return null;
                }
                return RawBlocks.extract(r.getString(1), files.read(r.getLong(2), r.getLong(3), r.getInt(4)), idx);
            } catch (IOException e) {
                throw new SQLException("cannot read payload block " + block + ": " + e.getMessage(), e);
            }
        }
    }

    /** Reads the stored fields from the first columns of the current row. */
    private Event readEvent(ResultSet r) throws SQLException {
        Event e = new Event();
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            Object v = r.getObject(i + 1);
            if (v == null) {
                continue;
            }
            e.set(f, PageRows.value(f, v));
        }
        return e;
    }

    static void bind(Connection c, PreparedStatement ps, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object p = params.get(i);
            if (p instanceof List<?> l) {
                ps.setObject(i + 1, c.createArrayOf(arrayType(l), l.toArray()));
            } else if (p instanceof Integer n) {
                ps.setLong(i + 1, n);
            } else {
                ps.setObject(i + 1, p);
            }
        }
    }

    private static String arrayType(List<?> l) {
        Object first = l.isEmpty() ? null : l.get(0);
        if (first instanceof Long || first instanceof Integer) {
            return "BIGINT";
        }
        if (first instanceof BigInteger) {
            return "HUGEINT";
        }
        if (first instanceof Boolean) {
            return "BOOLEAN";
        }
        return "VARCHAR";
    }

    static String encodeCursor(long time, long id) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((time + ":" + id).getBytes(StandardCharsets.US_ASCII));
    }

    static long[] decodeCursor(String cursor) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            int colon = s.indexOf(':');
            return new long[] {Long.parseLong(s.substring(0, colon)), Long.parseLong(s.substring(colon + 1))};
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid cursor: " + cursor, e);
        }
    }

    private static long satSub(long a, long b) {
        long r = a - b;
        return ((a ^ b) & (a ^ r)) < 0 ? Long.MIN_VALUE : r;
    }

    private static long satAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
