package io.podtrail.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/fields.md is the catalogue as {@code podtrail fields -o markdown} prints it. When the catalogue
 * changes, regenerate the file with {@code ./mvnw test -Dtest=FieldsDocTest -Dgolden.update=true}.
 */
class FieldsDocTest {

    private static final Path DOC = Path.of("docs/fields.md");

    @Test
    void docsFieldsMdIsTheCatalogue() throws IOException {
        String expected = FieldsCommand.markdown();
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(DOC, expected);
        }
        assertThat(Files.readString(DOC))
                .as("docs/fields.md is stale: run ./mvnw test -Dtest=FieldsDocTest -Dgolden.update=true")
                .isEqualTo(expected);
    }

    @Test
    void fieldsCommandListsTheFalcoNamesUsersKnow() {
        CliRunner.Result r = CliRunner.run("fields");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("proc.cmdline", "container.id", "k8s.ns.name", "fd.sip", "ka.user.name",
                "ka.uri.param[ARG]", "proc.exec_id");
        CliRunner.Result json = CliRunner.run("fields", "-o", "json", "ka.");
        assertThat(json.out().lines()).allMatch(l -> l.startsWith("{\"name\":\"ka."));
    }
}
