package io.podtrail.enrich;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The configured trusted domains ({@code trusted.domains}) as addresses: resolved once when the configuration is
 * loaded, like a firewall's FQDN objects. The sensors report IPs, not names, so a destination is trusted when its
 * address is one the domain resolved to then; a CDN that changes addresses later is not followed (restart to
 * re-resolve). An unresolvable domain is reported and skipped, never fatal.
 */
public final class TrustedDomains {

    /** Resolves a name to its addresses (the system resolver by default; tests give their own). */
    @FunctionalInterface
    public interface Resolver {
        List<String> resolve(String domain) throws Exception;
    }

    /** The system resolver, with a 2 s limit per domain. */
    public static final Resolver SYSTEM = domain -> {
        try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            Future<InetAddress[]> f = executor.submit(() -> InetAddress.getAllByName(domain));
            List<String> out = new ArrayList<>();
            for (InetAddress a : f.get(2, TimeUnit.SECONDS)) {
                out.add(a.getHostAddress());
            }
            return out;
        }
    };

    private TrustedDomains() {
    }

    /**
     * Each domain's addresses as single-address CIDRs ({@code a.b.c.d/32}, {@code ::1/128}); domains that do not
     * resolve are left out and reported on standard error.
     */
    public static Map<String, List<String>> resolve(List<String> domains, Resolver resolver) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String d : domains) {
            try {
                List<String> cidrs = new ArrayList<>();
                for (String ip : resolver.resolve(d)) {
                    cidrs.add(ip + (ip.indexOf(':') >= 0 ? "/128" : "/32"));
                }
                out.put(d, cidrs);
            } catch (ExecutionException | TimeoutException | UnknownHostException e) {
                System.err.println("podtrail: trusted domain " + d + " does not resolve (" + cause(e) + "): not trusted");
            } catch (Exception e) {
                System.err.println("podtrail: trusted domain " + d + " cannot be resolved (" + cause(e) + "): not trusted");
            }
        }
        return out;
    }

    private static String cause(Throwable e) {
        Throwable c = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
    }
}
