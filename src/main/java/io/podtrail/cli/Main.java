package io.podtrail.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code podtrail} command line. */
@Command(name = "podtrail", mixinStandardHelpOptions = true, version = "podtrail 0.1.0",
        description = "Kubernetes activity audit: who did what, where, and when.",
        subcommands = {CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return new CommandLine(new Main()).execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
