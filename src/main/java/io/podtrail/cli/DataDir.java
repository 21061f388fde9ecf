package io.podtrail.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The {@code --data DIR} option every command takes: default ./podtrail-data, or $PODTRAIL_DATA. */
final class DataDir {
    @Option(names = "--data", paramLabel = "DIR",
            description = "Data directory (default: $PODTRAIL_DATA, else ./podtrail-data).")
    Path data;

    Path resolve() {
        if (data != null) {
            return data;
        }
        String env = System.getenv("PODTRAIL_DATA");
        return Path.of(env != null && !env.isBlank() ? env : "podtrail-data");
    }
}
