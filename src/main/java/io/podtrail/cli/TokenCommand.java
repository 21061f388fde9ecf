package io.podtrail.cli;

import io.podtrail.event.Fields;
import io.podtrail.server.Role;
import io.podtrail.server.TokenStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code podtrail token create|list|revoke}: bearer tokens of a data directory (works while the server runs). */
@Command(name = "token", description = "Manage the API's bearer tokens (stored hashed in DATA/tokens.json).",
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
final class TokenCommand implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    @Command(name = "create", description = {"Create a token and print it (it is shown only once).",
            "Roles: sensor (ingest only), analyst (read; --namespaces/--clusters limit what it sees), admin."})
    static final class Create implements Callable<Integer> {
        @Mixin
        DataDir dataDir;

        @Option(names = "--role", required = true, paramLabel = "ROLE", description = "sensor, analyst or admin.")
        String role;

        @Option(names = "--namespaces", split = ",", paramLabel = "NS,...", description = "Analyst: only these namespaces.")
        List<String> namespaces = new ArrayList<>();

        @Option(names = "--clusters", split = ",", paramLabel = "CLUSTER,...", description = "Analyst: only these clusters.")
        List<String> clusters = new ArrayList<>();

        @Override
        public Integer call() {
            TokenStore store = new TokenStore(dataDir.resolve());
            TokenStore.Created c = store.create(Role.fromId(role), namespaces, clusters);
            System.out.println(c.secret());
            System.err.println("created " + c.token().id() + " (" + c.token().role().id() + ", " + c.token().scopeText() + ")");
            if (!clusters.isEmpty() && Fields.byName("k8s.cluster.name").isEmpty()) {
                System.err.println("warning: this build has no k8s.cluster.name field: the server refuses reads "
                        + "with a cluster-scoped token until it has");
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List tokens: id, role, scope, created (never the secret).")
    static final class ListTokens implements Callable<Integer> {
        @Mixin
        DataDir dataDir;

        @Override
        public Integer call() {
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("ID", "ROLE", "SCOPE", "CREATED"));
            for (TokenStore.Token t : new TokenStore(dataDir.resolve()).list()) {
                rows.add(List.of(t.id(), t.role().id(), t.scopeText(), t.created().toString()));
            }
            PrintWriter out = new PrintWriter(System.out, true);
            TextTable.print(out, rows);
            out.flush();
            return 0;
        }
    }

    @Command(name = "revoke", description = "Revoke a token by id; a running server refuses it from its next request.")
    static final class Revoke implements Callable<Integer> {
        @Mixin
        DataDir dataDir;

        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            if (!new TokenStore(dataDir.resolve()).revoke(id)) {
                throw new IllegalArgumentException("no token with id '" + id + "' (see podtrail token list)");
            }
            System.err.println("revoked " + id);
            return 0;
        }
    }
}
