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
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
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
 * What the browser tests of the web UI share: headless Chromium (Debian's chromium and chromium-driver; the tests
 * are skipped when they are absent) against an in-process server loaded with half an hour of a simulated cluster
 * with every story, an admin token and an analyst limited to namespace frontend. After each test the page is saved
 * to {@code target/screenshots/last-TEST.png} and the browser's console must hold no script error or
 * Content-Security-Policy violation.
 */
abstract class BrowserTest {

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
        // the audit log first, as a live server mostly receives it (the webhook is quicker than the sensors' export)
        truth = SimulatedData.ingest(new SimulationConfig(11, 3, end.minus(Duration.ofMinutes(30)), Duration.ofMinutes(30), 12,
                EnumSet.allOf(Story.class)), sim, data, "demo", true);
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

    // ------------------------------------------------------------------------------------------------ helpers

    static <T> T wait(java.util.function.Function<? super org.openqa.selenium.WebDriver, T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(30)).until(condition);
    }

    static void type(By by, String text) {
        WebElement e = wait(ExpectedConditions.visibilityOfElementLocated(by));
        e.clear();
        e.sendKeys(text);
    }

    /** Opens the link {@code hash}, signs in with {@code token} and waits for {@code ready} to be in the page. */
    static void signIn(String token, String hash, By ready) {
        driver.get(server.url() + "/" + hash);
        type(By.id("token"), token);
        driver.findElement(By.id("login")).click();
        wait(ExpectedConditions.presenceOfElementLocated(ready));
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
        return apiGet("/api/v1/histogram?filter=" + URLEncoder.encode(filter, StandardCharsets.UTF_8), token).get("total").asLong();
    }

    /** The JSON answer of a read request, which must succeed. */
    static JsonNode apiGet(String path, String token) {
        HttpResponse<String> res = send(path, token);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        try {
            return JSON.readTree(res.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static HttpResponse<String> send(String path, String token) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(server.url() + path)).header("Authorization", "Bearer " + token).build();
            return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
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
