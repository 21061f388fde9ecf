package io.podtrail.ui;

import com.fasterxml.jackson.databind.JsonNode;
import io.podtrail.simulate.Truth;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Sessions, session and Policy events screens in the browser ({@link BrowserTest}), checked against the
 * simulator's truth: the sessions list with every kind of session, the seed story's session page (the curl
 * connection to the unknown IP, the shred command), an analyst scoped to frontend, and the analyst's walk from the
 * policy event "Terminal shell in a container" to the triggering event and to its session.
 */
class SessionsUiTest extends BrowserTest {

    static final By SESSION_ROWS = By.cssSelector("#sessions-rows tr");
    static final By POLICY_ROWS = By.cssSelector("#policy-rows tr");

    @Test
    void theSessionsListShowsWhoWhereWhatAndWhetherItWasAllowed() throws IOException {
        signIn(admin, "#/sessions?range=1h", SESSION_ROWS);
        assertThat(driver.findElement(By.id("nav-sessions")).getDomAttribute("class")).contains("active");
        Truth.Session seed = session("SEED");
        Truth.Session second = session("SECOND_USER");
        Truth.Session denied = session("DENIED_EXEC");
        WebElement seedRow = row(seed.auditId());
        assertThat(seedRow.getText()).contains("john.doe", "sre", seed.sourceIp(), seed.pod(), "bash", "tty", "yes", "exact");
        assertThat(row(second.auditId()).getText()).contains("jane.roe", second.sourceIp(), "sh -c");
        WebElement deniedRow = row(denied.auditId());
        assertThat(deniedRow.getText()).contains("mallory", "DENIED 403", "unmatched");
        assertThat(deniedRow.findElement(By.cssSelector(".denied")).getCssValue("color")).isEqualTo("rgba(180, 35, 24, 1)");
        // the shell started from the node: no user, its own kind
        List<WebElement> outside = driver.findElements(By.cssSelector("#sessions-rows tr[data-kind=outside_api]"));
        assertThat(outside).isNotEmpty();
        assertThat(outside.get(0).getText()).contains("outside the Kubernetes API", truth.nodeShells().get(0).pod());
        assertThat(driver.findElements(SESSION_ROWS)).hasSize(apiSessions("", admin).size());
        shot("sessions");

        // the filter bar works as on the Activity screen
        driver.findElement(By.id("filter")).sendKeys("session.allowed = false", org.openqa.selenium.Keys.ENTER);
        waitForUrl("session.allowed");
        wait(d -> d.findElements(SESSION_ROWS).size() == apiSessions("session.allowed = false", admin).size());
        assertThat(driver.findElements(By.cssSelector("#sessions-rows tr[data-user=mallory]"))).hasSize(1);
    }

    @Test
    void theSeedSessionShowsTheUnknownDownloadAndTheShred() throws IOException {
        Truth.Session seed = session("SEED");
        signIn(admin, "#/sessions?range=1h", SESSION_ROWS);
        row(seed.auditId()).findElement(By.cssSelector("td.user")).click();
        waitForUrl("#/session?id=" + seed.auditId());
        WebElement head = wait(ExpectedConditions.visibilityOfElementLocated(By.id("session-head")));
        assertThat(head.getText()).contains("john.doe", "system:authenticated", "sre", seed.sourceIp(), seed.userAgent(),
                seed.namespace() + "/" + seed.pod(), seed.container(), seed.node(), "bash", "tty", "stdin", "yes", "101", "exact");
        // the process tree: every process of the story, shred among them
        List<String> tree = driver.findElements(By.cssSelector("#process-tree tr")).stream().map(WebElement::getText).toList();
        assertThat(tree).hasSize(seed.processes().size());
        assertThat(tree).anySatisfy(t -> assertThat(t).contains("shred -u /root/.bash_history"));
        // the timeline: the curl connection to the unknown IP, marked; the shred command
        Truth.Connection curl = seed.connections().get(0);
        WebElement unknown = driver.findElement(By.cssSelector("#timeline tr.is-unknown"));
        assertThat(unknown.getText()).contains("curl", curl.dstIp() + ":" + curl.dstPort(), "external", "UNKNOWN destination");
        assertThat(driver.findElements(By.cssSelector("#timeline tr.is-unknown"))).hasSize(seed.connections().size());
        assertThat(driver.findElements(By.cssSelector("#timeline tr[data-kind=exec]")).stream().map(WebElement::getText))
                .anySatisfy(t -> assertThat(t).contains("shred -u /root/.bash_history"));
        List<String> times = driver.findElements(By.cssSelector("#timeline td.t")).stream().map(t -> t.getText().split(" ")[0]).toList();
        assertThat(times).isSortedAccordingTo(java.util.Comparator.comparing(Instant::parse));
        tallShot("session");

        // "Open in Activity" shows this session's events
        driver.findElement(By.id("open-activity")).click();
        waitForUrl("#/activity?q=");
        assertThat(param("q")).isEqualTo("session.id = \"" + seed.auditId() + "\"");
        wait(d -> !d.findElements(By.cssSelector(".trow")).isEmpty());
        wait(d -> number(d.findElement(By.id("total")).getText()) == times.size());
    }

    @Test
    void anAnalystLimitedToFrontendSeesNoBillingSession() throws IOException {
        Truth.Session seed = session("SEED");
        assertThat(seed.namespace()).isEqualTo("billing");
        signIn(frontend, "#/sessions?range=1h", SESSION_ROWS);
        List<String> namespaces = driver.findElements(SESSION_ROWS).stream().map(r -> r.getDomAttribute("data-ns")).toList();
        assertThat(namespaces).isNotEmpty().allSatisfy(ns -> assertThat(ns).isEqualTo("frontend"));
        assertThat(driver.getPageSource()).doesNotContain("billing-api", "john.doe");
        shot("sessions-analyst-frontend");
        // nor by its link
        driver.get(server.url() + "/#/session?id=" + seed.auditId());
        WebElement banner = wait(ExpectedConditions.visibilityOfElementLocated(By.id("banner")));
        assertThat(banner.getText()).contains("no such session, or it is outside your scope");
        assertThat(driver.getPageSource()).doesNotContain("john.doe");
    }

    @Test
    void fromThePolicyEventToItsSessionAndTheTriggeringEvent() throws IOException {
        Assumptions.assumeTrue(status("/api/v1/policy-events?limit=1") != 404, "the server has no policy events feed yet");
        Truth.Session seed = session("SEED");
        signIn(admin, "#/policy?range=1h", POLICY_ROWS);
        assertThat(driver.findElement(By.id("nav-policy")).getDomAttribute("class")).contains("active");
        // newest first
        List<String> times = driver.findElements(By.cssSelector("#policy-rows td.t")).stream().map(WebElement::getText).toList();
        assertThat(times).isSortedAccordingTo(java.util.Comparator.comparing(Instant::parse).reversed());
        shot("policy");

        // priorities and tags narrow the feed, as the API does
        driver.findElement(By.cssSelector("#priorities [data-priority=Warning] input")).click();
        waitForUrl("pri=Warning");
        long warnings = apiGet("/api/v1/policy-events?limit=1000&since=1h&filter=" + URLEncoder.encode("priority = Warning", StandardCharsets.UTF_8), admin)
                .get("policy_events").size();
        assertThat(warnings).isPositive();
        wait(d -> policyColumn(1).size() == warnings && policyColumn(1).stream().allMatch("Warning"::equals));
        driver.findElement(By.cssSelector("#priorities [data-priority=Warning] input")).click();
        wait(d -> !d.getCurrentUrl().contains("pri="));
        pick("policy-tag", "T1070");
        waitForUrl("tag=T1070");
        wait(d -> !policyColumn(2).isEmpty() && policyColumn(2).stream().allMatch(r -> r.contains("T1070")));
        assertThat(policyColumn(2)).anySatisfy(r -> assertThat(r).contains("History or log tampering"));
        pick("policy-tag", "");
        wait(d -> !d.getCurrentUrl().contains("tag="));

        // the analyst picks the rule
        pick("policy-rule", "Terminal shell in a container");
        waitForUrl("rule=Terminal");
        wait(d -> d.findElements(POLICY_ROWS).stream().allMatch(r -> "Terminal shell in a container".equals(r.getDomAttribute("data-rule"))));
        WebElement shell = wait(d -> d.findElements(POLICY_ROWS).stream()
                .filter(r -> r.findElements(By.cssSelector("a.session-link")).stream()
                        .anyMatch(a -> a.getDomAttribute("href").contains(seed.auditId())))
                .findFirst().orElse(null));
        assertThat(shell.getText()).contains("Notice", "john.doe", seed.pod());
        String eventId = shell.getDomAttribute("data-id");
        shot("policy-terminal-shell");

        // the row opens the triggering event in the Activity view: its container, five minutes either side, selected
        shell.findElement(By.cssSelector("td.output")).click();
        waitForUrl("#/activity?");
        WebElement detail = wait(ExpectedConditions.visibilityOfElementLocated(By.id("detail")));
        assertThat(param("sel")).isEqualTo(eventId);
        assertThat(Duration.between(Instant.parse(param("from")), Instant.parse(param("to")))).isEqualTo(Duration.ofMinutes(10));
        assertThat(driver.findElement(By.cssSelector("#chips .chip[data-level=container]")).getText()).contains(seed.container());
        assertThat(detail.findElement(By.cssSelector("tr[data-field='podtrail.id'] td.v")).getText()).isEqualTo(eventId);
        wait(d -> !d.findElements(By.cssSelector(".trow")).isEmpty());
        assertThat(rowValues("r.dataset.ns")).allSatisfy(ns -> assertThat(ns).isEqualTo(seed.namespace()));

        // back to the feed, then its session
        driver.navigate().back();
        waitForUrl("#/policy?");
        WebElement link = wait(d -> d.findElements(By.cssSelector("#policy-rows a.session-link")).stream()
                .filter(a -> a.getDomAttribute("href").contains(seed.auditId())).findFirst().orElse(null));
        link.click();
        waitForUrl("#/session?id=" + seed.auditId());
        wait(ExpectedConditions.visibilityOfElementLocated(By.id("session-head")));
        WebElement raised = driver.findElement(By.id("session-policy"));
        assertThat(raised.getText()).contains("Terminal shell in a container");
        assertThat(driver.findElement(By.cssSelector("#timeline tr.is-unknown")).getText()).contains(seed.connections().get(0).dstIp(), "UNKNOWN");
        assertThat(driver.findElements(By.cssSelector("#timeline tr[data-kind=exec]")).stream().map(WebElement::getText))
                .anySatisfy(t -> assertThat(t).contains("shred"));
        tallShot("session-from-policy");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    static Truth.Session session(String story) {
        return truth.sessions().stream().filter(s -> s.story().equals(story)).findFirst().orElseThrow();
    }

    /** A screenshot of a taller window, for a page that does not fit the usual one (the window is restored). */
    static void tallShot(String name) throws IOException {
        org.openqa.selenium.Dimension size = driver.manage().window().getSize();
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(size.getWidth(), 1300));
        try {
            shot(name);
        } finally {
            driver.manage().window().setSize(size);
        }
    }

    /** Picks a value of a select whose options are refilled after each load (a refill makes them stale: try again). */
    static void pick(String id, String value) {
        wait(d -> {
            try {
                new org.openqa.selenium.support.ui.Select(d.findElement(By.id(id))).selectByValue(value);
                return true;
            } catch (org.openqa.selenium.StaleElementReferenceException | org.openqa.selenium.NoSuchElementException e) {
                return false;
            }
        });
    }

    /** The text of one column of the policy rows, read in one step. */
    @SuppressWarnings("unchecked")
    static List<String> policyColumn(int i) {
        return (List<String>) driver.executeScript("return [...document.querySelectorAll('#policy-rows tr')].map(r => r.children[" + i + "].textContent)");
    }

    static WebElement row(String sessionId) {
        return wait(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#sessions-rows tr[data-id='" + sessionId + "']")));
    }

    static List<JsonNode> apiSessions(String filter, String token) {
        Instant now = Instant.now();
        JsonNode j = apiGet("/api/v1/sessions?limit=1000&from=" + now.minus(Duration.ofHours(1)) + "&to=" + now
                + "&filter=" + URLEncoder.encode(filter, StandardCharsets.UTF_8), token);
        List<JsonNode> out = new java.util.ArrayList<>();
        j.get("sessions").forEach(out::add);
        return out;
    }

    static int status(String path) {
        return send(path, admin).statusCode();
    }
}
