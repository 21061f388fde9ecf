package io.podtrail.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.podtrail.cli.SimulatedData;
import io.podtrail.server.PodtrailServer;
import io.podtrail.server.Role;
import io.podtrail.server.ServerConfig;
import io.podtrail.server.TokenStore;
import io.podtrail.simulate.SimulationConfig;
import io.podtrail.simulate.Story;
import io.podtrail.simulate.Truth;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web UI in headless Chromium (Debian's chromium and chromium-driver; skipped when they are absent) against
 * an in-process server loaded with a simulated cluster: login, the scope tree, the histogram's zoom, the source
 * toggles, the detail pane's filter actions, filter errors, and a namespace-scoped analyst. Each test saves a
 * screenshot to {@code target/screenshots/}.
 */
class ActivityUiTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SHOTS = Path.of("target", "screenshots");
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path tmp;
    static PodtrailServer server;
    static ChromeDriver driver;
    static String admin;
    static String frontend;
    static Truth truth;

    @BeforeAll
    static void start() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs " + CHROMIUM + " and " + CHROMEDRIVER + " (apt-get install chromium chromium-driver)");
        Path sim = tmp.resolve("sim");
        Path data = tmp.resolve("data");
        // half an hour ending a few minutes ago, so the default range (last 1 h) holds it all
        Instant end = Instant.now().minus(Duration.ofMinutes(3)).truncatedTo(ChronoUnit.SECONDS);
        truth = SimulatedData.ingest(new SimulationConfig(11, 3, end.minus(Duration.ofMinutes(30)), Duration.ofMinutes(30), 12,
                EnumSet.allOf(Story.class)), sim, data, "demo");
        server = PodtrailServer.start(ServerConfig.defaults(data).withListen("127.0.0.1:0"));
        admin = Files.readString(data.resolve(TokenStore.ADMIN_TOKEN_FILE)).strip();
        frontend = new TokenStore(data).create(Role.ANALYST, List.of("frontend"), List.of()).secret();

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1600,1000",
                "--disable-dev-shm-usage");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
        driver = new ChromeDriver(service, options);
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void signedOut() {
        driver.get(server.url() + "/ui/icon.svg"); // the origin, without starting the app
        driver.executeScript("sessionStorage.clear()");
        driver.get("about:blank");
    }

    @org.junit.jupiter.api.AfterEach
    void screenshotAndNoScriptErrors(org.junit.jupiter.api.TestInfo info) throws IOException {
        shot("last-" + info.getTestMethod().orElseThrow().getName());
        // script errors and Content-Security-Policy violations; refused requests (401, 400) are expected answers
        List<String> errors = driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
                .filter(l -> l.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                .map(org.openqa.selenium.logging.LogEntry::getMessage)
                .filter(m -> !m.contains("Failed to load resource: the server responded with a status of"))
                .toList();
        assertThat(errors).isEmpty();
    }

    // ------------------------------------------------------------------------------------------------ tests

    @Test
    void loginRefusesAnUnknownTokenThenShowsTheActivity() throws IOException {
        driver.get(server.url() + "/");
        type(By.id("token"), "ptk_not-a-real-token");
        driver.findElement(By.id("login")).click();
        WebElement error = wait(ExpectedConditions.visibilityOfElementLocated(By.id("login-error")));
        assertThat(error.getText()).contains("401", "unknown or revoked token");
        // the browser's log is read (the check after each test relies on it): the refused request is in it
        assertThat(driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll())
                .anySatisfy(l -> assertThat(l.getMessage()).contains("status of 401"));
        shot("login-refused");

        type(By.id("token"), admin);
        driver.findElement(By.id("login")).click();
        waitForRows();
        assertThat(driver.findElement(By.id("total")).getText()).matches("[0-9,]+ events");
        assertThat(driver.findElements(By.cssSelector("#scope-tree .tnode[data-level=namespace]"))).hasSizeGreaterThan(3);
        assertThat(driver.findElements(By.cssSelector("#histogram rect"))).hasSizeGreaterThan(10);
        shot("activity");

        // the next page through the API cursor
        String before = driver.findElement(By.id("events-status")).getText();
        assertThat(before).startsWith("500 of ");
        driver.findElement(By.id("load-more")).click();
        wait(d -> d.findElement(By.id("events-status")).getText().startsWith("1,000 of "));
        scrollTable();
        assertThat(rows()).hasSizeLessThan(100); // only the rows in view are in the page
    }

    @Test
    void theScopeTreeFiltersByNamespaceBilling() throws IOException {
        signIn(admin, "#/activity?range=1h");
        WebElement billing = wait(ExpectedConditions.elementToBeClickable(
                By.cssSelector("#scope-tree .tnode[data-level=namespace][data-path='[\"demo\",\"billing\"]'] .nm")));
        long treeCount = number(billing.findElement(By.xpath("..")).findElement(By.cssSelector(".ct")).getText());
        billing.click();
        waitForUrl("scope=");
        waitForRows();
        wait(d -> rowValues("r.dataset.ns").stream().allMatch("billing"::equals));
        assertThat(rows()).isNotEmpty();
        assertThat(driver.findElement(By.cssSelector("#chips .chip[data-level=namespace]")).getText()).contains("billing");
        long api = apiTotal("k8s.ns.name = billing", admin);
        assertThat(api).isPositive();
        wait(d -> number(d.findElement(By.id("total")).getText()) == api);
        assertThat(treeCount).isEqualTo(api);
        assertThat(driver.findElement(By.cssSelector("#scope-tree .tnode.sel")).getDomAttribute("data-path")).isEqualTo("[\"demo\",\"billing\"]");
        shot("scope-billing");

        // the chip's × removes the scope
        driver.findElement(By.cssSelector("#chips .chip[data-level=namespace] button")).click();
        wait(d -> !d.getCurrentUrl().contains("billing"));

        // cluster > node > pod
        driver.findElement(By.cssSelector(".tree-head [data-by=node]")).click();
        waitForUrl("by=node");
        wait(d -> !d.findElements(By.cssSelector("#scope-tree .tnode[data-level=node]")).isEmpty());
        shot("scope-nodes");
    }

    @Test
    void draggingOnTheHistogramZoomsInAndBackReturns() throws IOException {
        signIn(admin, "#/activity?range=1h");
        waitForRows();
        WebElement svg = driver.findElement(By.cssSelector("#histogram svg"));
        int w = svg.getSize().getWidth();
        new Actions(driver).moveToElement(svg, -w / 2 + 44 + (w - 52) * 6 / 10, 0).clickAndHold()
                .moveByOffset((w - 52) / 5, 0).release().perform();
        waitForUrl("from=");
        waitForRows();
        Instant from = Instant.parse(param("from"));
        Instant to = Instant.parse(param("to"));
        assertThat(Duration.between(from, to)).isLessThan(Duration.ofMinutes(20)).isGreaterThan(Duration.ofMinutes(5));
        assertThat(driver.findElement(By.id("range-label")).getText()).contains(param("from"));
        for (String t : rowValues("r.querySelector('.t').textContent")) {
            assertThat(Instant.parse(t)).isBetween(from, to);
        }
        shot("histogram-zoomed");

        driver.findElement(By.id("back")).click();
        waitForUrl("range=1h");
        assertThat(driver.getCurrentUrl()).doesNotContain("from=");
        driver.findElement(By.id("forward")).click();
        waitForUrl("from=");
    }

    @Test
    void turningNetworkOffHidesConnections() throws IOException {
        signIn(admin, "#/activity?range=1h");
        waitForRows();
        assertThat(apiTotal("podtrail.kind = connect", admin)).isPositive();
        driver.findElement(By.cssSelector("#sources .source[data-source=network]")).click();
        waitForUrl("off=network");
        long expected = apiTotal("podtrail.kind in (exec, exit, file, k8s_api)", admin);
        wait(d -> number(d.findElement(By.id("total")).getText()) == expected);
        waitForRows();
        // the rows in view at the top, then half-way down the loaded page
        assertThat(rowValues("r.dataset.kind")).isNotEmpty().doesNotContain("connect", "accept", "close");
        assertThat(driver.findElement(By.cssSelector(".source[data-source=network]")).getDomAttribute("class")).contains("off");
        scrollTable();
        assertThat(rowValues("r.dataset.kind")).isNotEmpty().doesNotContain("connect", "accept", "close");
        shot("network-off");

        for (String source : new String[]{"commands", "files", "k8s"}) {
            driver.findElement(By.cssSelector("#sources .source[data-source=" + source + "]")).click();
            waitForUrl(source);
        }
        wait(d -> d.findElement(By.cssSelector(".events .empty")).getText().contains("Every source is turned off"));
        assertThat(rows()).isEmpty();
    }

    @Test
    void aValueInTheDetailPaneAddsItToTheFilter() throws IOException {
        signIn(admin, "#/activity?range=1h&q=" + URLEncoder.encode("podtrail.kind = exec", StandardCharsets.UTF_8));
        waitForRows();
        driver.findElement(By.cssSelector(".trow")).click();
        WebElement detail = wait(ExpectedConditions.visibilityOfElementLocated(By.id("detail")));
        waitForUrl("sel=");
        WebElement procName = detail.findElement(By.cssSelector("tr[data-field='proc.name']"));
        String name = procName.findElement(By.cssSelector("td.v")).getText();
        assertThat(detail.findElements(By.cssSelector("tr[data-field]"))).hasSizeGreaterThan(15);
        shot("detail");
        procName.findElement(By.cssSelector("button.in")).click();
        waitForUrl("proc.name");
        assertThat(param("q")).isEqualTo("podtrail.kind = exec and proc.name = \"" + name + "\"");
        assertThat(driver.findElement(By.id("filter")).getDomProperty("value")).isEqualTo(param("q"));
        long expected = apiTotal(param("q"), admin);
        wait(d -> number(d.findElement(By.id("total")).getText()) == expected);
        waitForRows();
        assertThat(rowValues("r.querySelector('.what').textContent")).isNotEmpty().allSatisfy(w -> assertThat(w).contains(name));
    }

    @Test
    void anInvalidFilterIsShownWithACaretAtItsPosition() throws IOException {
        signIn(admin, "#/activity?range=1h");
        waitForRows();
        WebElement filter = driver.findElement(By.id("filter"));
        filter.sendKeys("k8s.ns");
        WebElement menu = wait(ExpectedConditions.visibilityOfElementLocated(By.id("completions")));
        assertThat(menu.getText()).contains("k8s.ns.name");
        // values of a field come from the scope tree
        filter.sendKeys(Keys.TAB, "= ");
        wait(d -> d.findElement(By.id("completions")).getText().contains("billing"));
        assertThat(filter.getDomProperty("value")).isEqualTo("k8s.ns.name = ");
        shot("filter-completion");
        filter.sendKeys(Keys.chord(Keys.CONTROL, "a"), "proc.name = tcpdump and k8s.nss.name = billing", Keys.ENTER);
        WebElement error = wait(ExpectedConditions.visibilityOfElementLocated(By.id("filter-error")));
        assertThat(error.getText()).contains("k8s.nss.name");
        String caretLine = error.findElement(By.cssSelector(".caret")).getText();
        assertThat(caretLine.indexOf('^')).isEqualTo("proc.name = tcpdump and ".length());
        shot("filter-error");
    }

    @Test
    void anAnalystLimitedToFrontendNeverSeesBilling() throws IOException {
        signIn(frontend, "#/activity?range=1h");
        waitForRows();
        assertThat(rowValues("r.dataset.ns")).isNotEmpty().allSatisfy(ns -> assertThat(ns).isEqualTo("frontend"));
        List<String> namespaces = driver.findElements(By.cssSelector("#scope-tree .tnode[data-level=namespace] .nm"))
                .stream().map(WebElement::getText).toList();
        assertThat(namespaces).containsExactly("frontend");
        assertThat(number(driver.findElement(By.id("total")).getText())).isEqualTo(apiTotal("k8s.ns.name = frontend", admin));
        shot("analyst-frontend");

        driver.get(server.url() + "/#/activity?range=1h&q=" + URLEncoder.encode("k8s.ns.name = billing", StandardCharsets.UTF_8));
        wait(d -> d.findElement(By.id("total")).getText().equals("0 events"));
        assertThat(rows()).isEmpty();
        assertThat(driver.getPageSource()).doesNotContain("billing-api");
    }

    @Test
    void aLinkReproducesTheView() throws IOException {
        // acceptance question 1 as a link: billing's outbound connections to unknown destinations, network only
        String q = "evt.type = connect and peer.known = false";
        Instant from = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);
        Instant to = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String hash = "#/activity?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&from=" + from + "&to=" + to
                + "&scope=" + URLEncoder.encode("[\"demo\",\"billing\"]", StandardCharsets.UTF_8) + "&off=commands,files,k8s";
        signIn(admin, hash);
        waitForRows();
        assertThat(driver.findElement(By.id("filter")).getDomProperty("value")).isEqualTo(q);
        assertThat(driver.findElement(By.cssSelector("#chips .chip[data-level=namespace]")).getText()).contains("billing");
        assertThat(driver.findElement(By.cssSelector(".source[data-source=network]")).getDomAttribute("class")).doesNotContain("off");
        assertThat(driver.findElement(By.cssSelector(".source[data-source=commands]")).getDomAttribute("class")).contains("off");
        assertThat(driver.findElement(By.cssSelector("[data-range=custom]")).getDomAttribute("class")).contains("on");
        assertThat(truth.unknownOutboundBilling()).isNotEmpty();
        wait(d -> rows().size() == truth.unknownOutboundBilling().size());
        for (Truth.Outbound o : truth.unknownOutboundBilling()) {
            assertThat(rowValues("r.textContent")).anySatisfy(r -> assertThat(r).contains(o.pod(), o.dstIp() + ":" + o.dstPort(), "unknown"));
        }
        // the selected event is part of the link too
        driver.findElement(By.cssSelector(".trow")).click();
        waitForUrl("sel=");
        String link = driver.getCurrentUrl();
        driver.get("about:blank");
        driver.get(link);
        WebElement detail = wait(ExpectedConditions.visibilityOfElementLocated(By.id("detail")));
        assertThat(detail.findElement(By.cssSelector("tr[data-field='peer.known'] td.v")).getText()).isEqualTo("false");
        driver.findElement(By.cssSelector("[data-range=custom]")).click();
        assertThat(driver.findElement(By.id("range-from")).getDomProperty("value")).isEqualTo(from.toString().replace("Z", ".000Z"));
        shot("link-unknown-outbound");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    static <T> T wait(java.util.function.Function<? super org.openqa.selenium.WebDriver, T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(30)).until(condition);
    }

    static void type(By by, String text) {
        WebElement e = wait(ExpectedConditions.visibilityOfElementLocated(by));
        e.clear();
        e.sendKeys(text);
    }

    static void signIn(String token, String hash) {
        driver.get(server.url() + "/" + hash);
        type(By.id("token"), token);
        driver.findElement(By.id("login")).click();
        wait(ExpectedConditions.presenceOfElementLocated(By.id("events-viewport")));
    }

    static void waitForRows() {
        wait(d -> !d.findElements(By.cssSelector(".trow")).isEmpty()
                && !d.findElement(By.id("events-status")).getText().contains("loading"));
    }

    /** A JavaScript expression of each row {@code r} in view, read in one step (a re-render cannot make it stale). */
    @SuppressWarnings("unchecked")
    static List<String> rowValues(String expression) {
        return (List<String>) driver.executeScript("return [...document.querySelectorAll('.trow')].map(r => " + expression + ")");
    }

    static List<WebElement> rows() {
        return driver.findElements(By.cssSelector(".trow"));
    }

    static void waitForUrl(String part) {
        wait(d -> URLDecoder.decode(d.getCurrentUrl(), StandardCharsets.UTF_8).contains(part) || d.getCurrentUrl().contains(part));
    }

    static void scrollTable() {
        ((JavascriptExecutor) driver).executeScript("const v = document.getElementById('events-viewport'); v.scrollTop = v.scrollHeight / 2;");
        // until the rows of the new position are drawn (on the next animation frame)
        wait(d -> (Boolean) driver.executeScript("const v = document.getElementById('events-viewport');"
                + " return [...document.querySelectorAll('.trow')].some(r => parseInt(r.style.top) >= v.scrollTop)"));
    }

    /** A parameter of the URL's hash query. */
    static String param(String name) {
        String url = driver.getCurrentUrl();
        String q = url.substring(url.indexOf('?') + 1);
        for (String kv : q.split("&")) {
            int i = kv.indexOf('=');
            if (kv.substring(0, i).equals(name)) {
                return URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    static long number(String text) {
        String digits = text.replaceAll("[^0-9]", "");
        return digits.isEmpty() ? -1 : Long.parseLong(digits);
    }

    /** How many events match the filter, counted by the API (the histogram's total, over all time). */
    static long apiTotal(String filter, String token) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/histogram?filter="
                    + URLEncoder.encode(filter, StandardCharsets.UTF_8))).header("Authorization", "Bearer " + token).build();
            HttpResponse<String> res = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            JsonNode j = JSON.readTree(res.body());
            return j.get("total").asLong();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void shot(String name) throws IOException {
        File f = driver.getScreenshotAs(OutputType.FILE);
        Files.copy(f.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
