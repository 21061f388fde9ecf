package io.podtrail.cli;

import io.podtrail.server.PodtrailServer;
import io.podtrail.server.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code podtrail serve}: the HTTP API for sensors (ingest) and analysts (queries). */
@Command(name = "serve", description = {
        "Run the HTTP API: sensors POST events to /api/v1/ingest/{k8s-audit,falco,tetragon,events},",
        "analysts query /api/v1/events. Bearer tokens: podtrail token. See docs/server.md."})
final class ServeCommand implements Callable<Integer> {

    @Mixin
    DataDir dataDir;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Address to listen on (default: 127.0.0.1:7070, or the config file's).")
    String listen;

    @picocli.CommandLine.Mixin
    RulesOptions rulesOptions;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML config file (listen, tls, limits); see docs/server.md.")
    Path config;

    @Option(names = "--watch", paramLabel = "CLUSTER[=KUBECONTEXT]",
            description = {"Keep the Kubernetes context live from this cluster's API server (fabric8 informers): the cluster's",
                    "name in k8s.cluster.name, and the kubeconfig context to use (default: the current context, or the",
                    "in-cluster service account). Repeatable, one per cluster."})
    List<String> watch = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        ServerConfig c = ServerConfig.defaults(dataDir.resolve());
        if (config != null) {
            c = ServerConfig.load(config, c);
            if (dataDir.data != null) {
                c = c.withDataDir(dataDir.data);
            }
        }
        if (listen != null) {
            c = c.withListen(listen);
        }
        PodtrailServer server = PodtrailServer.start(c, rulesOptions.load(System.err));
        for (String w : watch) {
            int eq = w.indexOf('=');
            String cluster = eq < 0 ? w : w.substring(0, eq);
            String kubeContext = eq < 0 ? null : w.substring(eq + 1);
            server.context().watch(kubeContext, cluster);
            System.out.println("podtrail serve: watching cluster " + cluster
                    + (kubeContext == null ? " (current kubeconfig context or in-cluster account)" : " (kubeconfig context " + kubeContext + ")"));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "podtrail-shutdown"));
        server.createdAdminToken().ifPresent(p -> System.out.println(
                "podtrail serve: created an admin token in " + p.toAbsolutePath() + " (mode 0600); "
                        + "create others with 'podtrail token create'"));
        System.out.println("podtrail serve: listening on " + server.url() + " (data " + c.dataDir().toAbsolutePath() + ")"
                + (c.mutualTls() ? "; ingest needs a client certificate signed by a CA in " + c.tlsClientCa() : ""));
        System.out.flush();
        stopped.await();
        return 0;
    }
}
