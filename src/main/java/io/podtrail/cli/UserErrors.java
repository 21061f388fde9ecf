package io.podtrail.cli;

/** Turns exceptions into the one clear message a user sees (set PODTRAIL_DEBUG=1 for the stack trace). */
final class UserErrors {
    private UserErrors() {
    }

    static String describe(Throwable ex) {
        if (ex instanceof java.nio.file.NoSuchFileException n) {
            return "no such file: " + n.getFile();
        }
        String msg = ex.getMessage();
        if (msg == null || msg.isBlank()) {
            msg = ex.getClass().getSimpleName();
        }
        return msg;
    }

    /** 2 for bad usage or input the user can fix, 1 for everything else. */
    static int exitCode(Throwable ex) {
        return ex instanceof IllegalArgumentException ? 2 : 1;
    }
}
