package io.podtrail.ui;

import io.podtrail.simulate.Truth;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Activity screen in the browser ({@link BrowserTest}): login, the scope tree, the histogram's zoom, the source
 * toggles, the detail pane's filter actions, filter errors, and a namespace-scoped analyst. Each test saves a
 * screenshot to {@code target/screenshots/}.
 */
class ActivityUiTest extends BrowserTest {

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

    static void signIn(String token, String hash) {
        signIn(token, hash, By.id("events-viewport"));
    }
}
