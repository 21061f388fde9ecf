package io.podtrail.store.duckdb;

import org.duckdb.DuckDBConnection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The store's reading connections, kept open between queries with the statements they prepared. Why: DuckDB
 * plans a statement when it is prepared, and for the small lookups of a page (a dozen rows by position, a few
 * dimension rows by key) planning costs as much as running (measured at 10M events: 1.0-1.4 ms to prepare a
 * lookup of facts or a dimension, 3-4 ms for the 120-column wide_events row, each run after that as long
 * again). A page asks the same statements every time, so each connection keeps the last {@link #STATEMENTS} it
 * prepared; a connection is used by one thread at a time.
 */
final class ReadConnections implements AutoCloseable {

    /** Prepared statements kept per connection (least recently used closed first). */
    static final int STATEMENTS = 64;
    /** Idle connections kept (more are opened under load and closed when given back). */
    static final int IDLE = 4;

    private static final Map<Connection, Reader> READERS = new ConcurrentHashMap<>();

    private final DuckDBConnection writer;
    private final ArrayDeque<Reader> idle = new ArrayDeque<>();
    private boolean closed;

    ReadConnections(DuckDBConnection writer) {
        this.writer = writer;
    }

    /** A connection and its statements. */
    private static final class Reader {
        final Connection connection;
        final Map<String, PreparedStatement> statements = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
                if (size() > STATEMENTS) {
                    closeQuietly(eldest.getValue());
                    return true;
                }
                return false;
            }
        };

        Reader(Connection connection) {
            this.connection = connection;
        }

        void close() {
            READERS.remove(connection);
            statements.values().forEach(ReadConnections::closeQuietly);
            statements.clear();
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing
            }
        }
    }

    /** A connection for one unit of work, in autocommit mode. */
    Connection borrow() throws SQLException {
        Reader r;
        synchronized (this) {
            if (closed) {
                throw new SQLException("the store is closed");
            }
            r = idle.pollFirst();
        }
        if (r == null) {
            r = new Reader(writer.duplicate());
            READERS.put(r.connection, r);
        }
        r.connection.setAutoCommit(true); // each statement sees the latest committed appends
        return r.connection;
    }

    /**
     * Gives a connection back after its work: kept when the work ended cleanly (its transaction is rolled back if
     * one is open), else closed, so a failure never leaves a connection in an unknown state for the next query.
     */
    void giveBack(Connection c, boolean clean) {
        Reader r = READERS.get(c);
        if (r == null) {
            return;
        }
        boolean keep = clean;
        if (keep) {
            try {
                if (!c.getAutoCommit()) {
                    c.rollback();
                    c.setAutoCommit(true);
                }
            } catch (SQLException e) {
                keep = false;
            }
        }
        synchronized (this) {
            if (keep && !closed && idle.size() < IDLE) {
                idle.push(r);
                return;
            }
        }
        r.close();
    }

    /**
     * The statement for this SQL on a borrowed connection, prepared once and kept; what the caller gets is a view
     * of it whose {@code close()} only clears its parameters (so try-with-resources stays the idiom), and every
     * parameter is bound each time. On another connection (the writer's), a plain new statement.
     */
    static PreparedStatement prepare(Connection c, String sql) throws SQLException {
        Reader r = READERS.get(c);
        if (r == null) {
            return c.prepareStatement(sql);
        }
        PreparedStatement ps = r.statements.get(sql);
        if (ps == null) {
            ps = c.prepareStatement(sql);
            r.statements.put(sql, ps);
        }
        PreparedStatement kept = ps;
        return (PreparedStatement) java.lang.reflect.Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close") && method.getParameterCount() == 0) {
                        kept.clearParameters();
                        return null;
                    }
                    try {
                        return method.invoke(kept, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (Reader r : idle) {
            r.close();
        }
        idle.clear();
    }

    private static void closeQuietly(PreparedStatement ps) {
        try {
            ps.close();
        } catch (SQLException ignored) {
            // closing
        }
    }
}
