package io.podtrail.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Bearer tokens in {@code DATA/tokens.json}. A token is {@code ptk_} followed by 256 random bits (base64url);
 * only its SHA-256 is stored, with an id, a role, an optional scope and the creation time. The file is
 * rewritten atomically (temporary file with mode 0600, fsync, rename) under a lock file, so the CLI can
 * create and revoke tokens while a server runs; the server notices a changed file on the next request
 * (it compares the file's modification time, size and inode).
 */
public final class TokenStore {

    public static final String FILE_NAME = "tokens.json";
    public static final String ADMIN_TOKEN_FILE = "admin.token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * One token as stored (never the secret).
     *
     * @param namespaces namespaces an analyst may see; empty for all
     * @param clusters   clusters an analyst may see; empty for all
     */
    public record Token(String id, Role role, List<String> namespaces, List<String> clusters, Instant created,
                        String sha256) {
        public Token {
            namespaces = List.copyOf(namespaces);
            clusters = List.copyOf(clusters);
        }

        public boolean scoped() {
            return !namespaces.isEmpty() || !clusters.isEmpty();
        }

        /** "all", or "namespaces=a,b clusters=c". */
        public String scopeText() {
            if (!scoped()) {
                return "all";
            }
            List<String> parts = new ArrayList<>();
            if (!namespaces.isEmpty()) {
                parts.add("namespaces=" + String.join(",", namespaces));
            }
            if (!clusters.isEmpty()) {
                parts.add("clusters=" + String.join(",", clusters));
            }
            return String.join(" ", parts);
        }
    }

    /** A new token: what is stored, and the secret to hand out once. */
    public record Created(Token token, String secret) {
    }

    private record Snapshot(Object stamp, Map<String, Token> byHash) {
    }

    private final Path dir;
    private final Path file;
    private volatile Snapshot snapshot = new Snapshot(null, Map.of());

    public TokenStore(Path dataDir) {
        this.dir = dataDir;
        this.file = dataDir.resolve(FILE_NAME);
    }

    public Path file() {
        return file;
    }

    public boolean exists() {
        return Files.exists(file);
    }

    /** The token whose secret this is, re-reading the file first when it changed. */
    public Optional<Token> authenticate(String secret) {
        if (secret == null || secret.isBlank()) {
            return Optional.empty();
        }
        Snapshot s = current();
        String h = sha256(secret.trim());
        Token t = s.byHash.get(h);
        // the map lookup finds the candidate; compare in constant time anyway
        if (t != null && MessageDigest.isEqual(t.sha256.getBytes(StandardCharsets.US_ASCII),
                h.getBytes(StandardCharsets.US_ASCII))) {
            return Optional.of(t);
        }
        return Optional.empty();
    }

    public List<Token> list() {
        return List.copyOf(current().byHash.values()).stream()
                .sorted((a, b) -> a.created.compareTo(b.created)).toList();
    }

    public Created create(Role role, List<String> namespaces, List<String> clusters) {
        if (role != Role.ANALYST && (!namespaces.isEmpty() || !clusters.isEmpty())) {
            throw new IllegalArgumentException("--namespaces and --clusters only apply to analyst tokens");
        }
        for (String n : namespaces) {
            checkName("namespace", n);
        }
        for (String c : clusters) {
            checkName("cluster", c);
        }
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String secret = "ptk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        byte[] idBytes = new byte[6];
        RANDOM.nextBytes(idBytes);
        Token t = new Token("tok_" + HexFormat.of().formatHex(idBytes), role, namespaces, clusters,
                Instant.now(), sha256(secret));
        update(tokens -> {
            tokens.add(t);
            return true;
        });
        return new Created(t, secret);
    }

    /** @return whether a token with this id existed */
    public boolean revoke(String id) {
        boolean[] found = {false};
        update(tokens -> {
            found[0] = tokens.removeIf(t -> t.id.equals(id));
            return found[0];
        });
        return found[0];
    }

    /**
     * On a data directory without a token file: creates an admin token and writes it to
     * {@code DATA/admin.token} (mode 0600).
     *
     * @return the admin token file when one was created
     */
    public Optional<Path> bootstrapAdmin() {
        if (exists()) {
            return Optional.empty();
        }
        Created c = create(Role.ADMIN, List.of(), List.of());
        Path p = dir.resolve(ADMIN_TOKEN_FILE);
        writeAtomically(p, (c.secret + "\n").getBytes(StandardCharsets.UTF_8));
        return Optional.of(p);
    }

    private static void checkName(String what, String n) {
        if (!n.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,252}")) {
            throw new IllegalArgumentException("'" + n + "' is not a valid " + what + " name");
        }
    }

    private interface Change {
        boolean apply(List<Token> tokens);
    }

    private void update(Change change) {
        try {
            Files.createDirectories(dir);
            try (FileChannel lockChannel = FileChannel.open(dir.resolve("tokens.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lockChannel.lock()) {
                List<Token> tokens = new ArrayList<>(read().byHash.values());
                if (change.apply(tokens)) {
                    write(tokens);
                }
                snapshot = read();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update " + file, e);
        }
    }

    private Snapshot current() {
        Object stamp = stamp();
        Snapshot s = snapshot;
        if (!Objects.equals(stamp, s.stamp)) {
            try {
                s = read();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
            snapshot = s;
        }
        return s;
    }

    private Object stamp() {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return List.of(a.lastModifiedTime(), a.size(), String.valueOf(a.fileKey()));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private Snapshot read() throws IOException {
        Object stamp = stamp();
        if (stamp == null) {
            return new Snapshot(null, Map.of());
        }
        JsonNode root = JSON.readTree(file.toFile());
        Map<String, Token> byHash = new LinkedHashMap<>();
        for (JsonNode n : root.path("tokens")) {
            Token t = new Token(n.path("id").asText(), Role.fromId(n.path("role").asText()),
                    strings(n.path("namespaces")), strings(n.path("clusters")),
                    Instant.parse(n.path("created").asText()), n.path("sha256").asText());
            byHash.put(t.sha256, t);
        }
        return new Snapshot(stamp, byHash);
    }

    private static List<String> strings(JsonNode arr) {
        List<String> out = new ArrayList<>();
        arr.forEach(x -> out.add(x.asText()));
        return out;
    }

    private void write(List<Token> tokens) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "podtrail-tokens/1");
        root.put("hash", "sha256 of the whole token text");
        ArrayNode arr = root.putArray("tokens");
        for (Token t : tokens) {
            ObjectNode o = arr.addObject();
            o.put("id", t.id);
            o.put("role", t.role.id());
            t.namespaces.forEach(o.withArray("namespaces")::add);
            t.clusters.forEach(o.withArray("clusters")::add);
            o.put("created", t.created.toString());
            o.put("sha256", t.sha256);
        }
        writeAtomically(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    }

    /** Writes a file readable only by its owner: a 0600 temporary file, fsynced, renamed over the target. */
    static void writeAtomically(Path target, byte[] content) {
        Path parent = target.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, "." + target.getFileName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                    ByteBuffer b = ByteBuffer.wrap(content);
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                    ch.force(true);
                }
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
            try (FileChannel d = FileChannel.open(parent, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException ignored) {
                // directories cannot be opened for fsync on every platform
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    static String sha256(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
