package io.podtrail.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL 15 server for side-by-side benchmarks: initdb in a temporary directory, started
 * on 127.0.0.1 with a free port and settings a competent engineer would use for a bulk-loaded audit
 * table, stopped and deleted on close. Uses Debian's postgresql-15 package; runs the server as the
 * {@code postgres} user when we are root (PostgreSQL refuses to run as root).
 */
public final class PostgresServer implements AutoCloseable {

    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

    private final Path dir;
    private final int port;

    private PostgresServer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    public static boolean available() {
        return Files.isExecutable(BIN.resolve("initdb"));
    }

    public static PostgresServer start(Path parent) throws IOException, InterruptedException {
        if (!available()) {
            throw new IllegalStateException("PostgreSQL 15 not found under " + BIN + ": apt-get install -y postgresql-15 postgresql-contrib");
        }
        Files.createDirectories(parent);
        Path dir = Files.createTempDirectory(parent.toAbsolutePath(), "pg-");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path data = dir.resolve("data");
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            run(List.of("chown", "-R", "postgres:postgres", dir.toString()));
            run(List.of("chmod", "755", parent.toString()));
        }
        run(asPostgres(root, BIN.resolve("initdb").toString(), "-D", data.toString(), "-U", "bench",
                "--auth=trust", "--encoding=UTF8", "--no-locale"));
        String opts = String.join(" ",
                "-p " + port,
                "-c listen_addresses=127.0.0.1",
                "-c unix_socket_directories=" + dir,
                "-c shared_buffers=4GB",
                "-c work_mem=256MB",
                "-c maintenance_work_mem=2GB",
                "-c max_wal_size=16GB",
                "-c checkpoint_timeout=30min",
                "-c wal_level=minimal",
                "-c max_wal_senders=0",
                "-c max_parallel_maintenance_workers=2",
                "-c max_parallel_workers_per_gather=2",
                "-c effective_cache_size=12GB",
                "-c random_page_cost=1.1",
                "-c jit=off");
        run(asPostgres(root, BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-o", opts,
                "-l", dir.resolve("server.log").toString(), "-w", "start"));
        return new PostgresServer(dir, port);
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "bench", "");
    }

    /** Bytes of the database's data directory (tables, indexes, WAL). */
    public long dataDirBytes() throws IOException {
        try (Stream<Path> s = Files.walk(dir.resolve("data"))) {
            return s.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            run(asPostgres(root, BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "fast", "-w", "stop"));
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static List<String> asPostgres(boolean root, String... cmd) {
        List<String> c = new ArrayList<>();
        if (root) {
            c.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        c.addAll(List.of(cmd));
        return c;
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed:\n" + out);
        }
    }
}
