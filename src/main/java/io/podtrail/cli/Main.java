package io.podtrail.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code podtrail} command line: one subcommand per task, shared options in {@link DataDir} and {@link ReadOptions}. */
@Command(name = "podtrail", mixinStandardHelpOptions = true, version = "podtrail 0.1.0",
        description = "Kubernetes activity audit: who did what, where, and when.",
        subcommands = {DemoCommand.class, IngestCommand.class, QueryCommand.class, SessionsCommand.class, SessionCommand.class, PolicyEventsCommand.class, FacetsCommand.class, HistogramCommand.class, FieldsCommand.class, RulesCommand.class, BaselineCommand.class, SimulateCommand.class, ServeCommand.class, TokenCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("podtrail " + cmd.getCommandName() + ": " + UserErrors.describe(ex));
            if (System.getenv("PODTRAIL_DEBUG") != null) {
                ex.printStackTrace(cmd.getErr());
            }
            return UserErrors.exitCode(ex);
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
