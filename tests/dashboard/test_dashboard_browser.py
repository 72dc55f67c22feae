"""The dashboard in a real browser: `make dashboard` on a free 127.0.0.1 port
over a warehouse built by the real pipeline, driven by headless Chromium
(Debian's chromium + chromium-driver through Selenium; nothing downloaded).

Loads every page, checks the numbers shown against SQL written here
independently of the dashboard, applies a country filter in the sidebar,
follows a drill-down to its sentences, publishes a new warehouse by atomic
rename while the dashboard runs, and saves screenshots to a tmp dir. The
README's docs/img/dashboard.png is written when it is missing or when
UPDATE_SCREENSHOTS=1 (it shows run times, so rewriting it on every test run
would leave the work tree dirty).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import duckdb
import pytest

from extract.tasks.settings import PROJECT_ROOT

README_SCREENSHOT = PROJECT_ROOT / "docs" / "img" / "dashboard.png"
README_RUNS_SCREENSHOT = PROJECT_ROOT / "docs" / "img" / "runs.png"
README_MAP_SCREENSHOT = PROJECT_ROOT / "docs" / "img" / "map.png"
CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
    "--window-size=1400,1000", "--lang=en-US",
]


def find_browser() -> tuple[str, str]:
    browser = next((shutil.which(b) for b in ("chromium", "chromium-browser") if shutil.which(b)), None)
    driver = shutil.which("chromedriver") or next(
        (p for p in ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver") if os.path.exists(p)), None)
    if not browser or not driver:
        pytest.skip("no Chromium and chromedriver on this machine: `make browser-deps` installs Debian's "
                    "chromium and chromium-driver (needs root or sudo, and apt)")
    return browser, driver


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sql(warehouse: Path, query: str, params=None):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(query, params or []).fetchall()
    finally:
        con.close()


def one(warehouse: Path, query: str, params=None):
    return sql(warehouse, query, params)[0][0]


@pytest.fixture(scope="module")
def chromium() -> tuple[str, str]:
    return find_browser()


@contextlib.contextmanager
def serve(warehouse_source: Path, work: Path):
    """`make dashboard` serving a copy of `warehouse_source` (a test may publish over the copy)."""
    warehouse = work / "warehouse.duckdb"
    shutil.copy2(warehouse_source, warehouse)
    port = free_port()
    log = open(work / "streamlit.log", "w")
    process = subprocess.Popen(
        ["make", "--no-print-directory", "-o", ".venv/bin/.installed", "dashboard",
         f"WAREHOUSE_PATH={warehouse}", f"DASHBOARD_PORT={port}"],
        cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy
        while True:
            try:
                with direct.open(base + "/_stcore/health", timeout=2) as response:
                    if response.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"make dashboard did not come up:\n{(work / 'streamlit.log').read_text()[-3000:]}")
            time.sleep(0.5)
        yield base, warehouse, work
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # make and the streamlit it started
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


@pytest.fixture(scope="module")
def served(chromium, pipeline_warehouse, tmp_path_factory):
    """The dashboard over the sample inbox's warehouse."""
    with serve(pipeline_warehouse, tmp_path_factory.mktemp("dashboard")) as server:
        yield server


@pytest.fixture(scope="module")
def served_quality(chromium, quality_warehouse, tmp_path_factory):
    """The dashboard over a warehouse with a failed last run, a rejected input and held-back facts."""
    with serve(quality_warehouse, tmp_path_factory.mktemp("dashboard-quality")) as server:
        yield server


@pytest.fixture(scope="module")
def browser(chromium, tmp_path_factory):
    browser_path, driver_path = chromium
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not look anything up
    options = webdriver.ChromeOptions()
    options.binary_location = browser_path
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


# ------------------------------------------------------------------ page helpers

def wait_for(driver, condition, timeout: float = 45, what: str = "condition"):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = condition(driver)
            if last:
                return last
        except Exception as error:  # stale elements while Streamlit re-renders
            last = error
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


def idle(driver) -> bool:
    from selenium.webdriver.common.by import By

    return bool(driver.find_elements(By.CSS_SELECTOR, "[data-testid=stApp][data-test-script-state=notRunning]"))


def metrics(driver) -> dict[str, str]:
    from selenium.webdriver.common.by import By

    out = {}
    for element in driver.find_elements(By.CSS_SELECTOR, "[data-testid=stMetric]"):
        label = element.find_element(By.CSS_SELECTOR, "[data-testid=stMetricLabel]").text.strip()
        out[label] = element.find_element(By.CSS_SELECTOR, "[data-testid=stMetricValue]").text.strip()
    return out


def shown(driver, expected: dict[str, str], what: str) -> dict[str, str]:
    """Wait until the page is idle and shows exactly these metric values."""
    def matches(d):
        if not idle(d):
            return False
        got = metrics(d)
        return got if all(got.get(k) == v for k, v in expected.items()) else False
    try:
        return wait_for(driver, matches, what=what)
    except AssertionError:
        raise AssertionError(f"{what}: the page shows {metrics(driver)}, SQL says {expected}") from None


def open_page(driver, url: str, title: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(url)
    wait_for(driver, lambda d: idle(d) and any(h.text.strip() == title for h in d.find_elements(By.CSS_SELECTOR, "h1")),
             what=f"page {title!r}")
    assert_no_error(driver)


def assert_no_error(driver) -> None:
    from selenium.webdriver.common.by import By

    errors = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "[data-testid=stException]")]
    assert not errors, errors


def screenshot(driver, path: Path, full_page: bool = True) -> Path:
    """A screenshot of the whole page (or just the first screen)."""
    from selenium.webdriver.common.by import By

    if full_page:
        height = driver.execute_script(
            "const m = document.querySelector('[data-testid=stMain]'); return m ? m.scrollHeight : 1000;")
        driver.set_window_size(1400, min(max(int(height) + 80, 1000), 6000))
        time.sleep(0.5)
    path.parent.mkdir(parents=True, exist_ok=True)
    driver.find_element(By.TAG_NAME, "body")
    driver.save_screenshot(str(path))
    driver.set_window_size(1400, 1000)
    return path


def evidence_count(driver, key: str) -> tuple[int, int]:
    """(sentences, articles) as the drill-down with this key states them, checked against the list shown."""
    from selenium.webdriver.common.by import By

    text = driver.find_element(By.CSS_SELECTOR, f".st-key-evidence-count-{key}").text
    match = re.search(r"(\d+) sentences? from (\d+) articles?", text)
    assert match, text
    items = driver.find_elements(By.CSS_SELECTOR, f"[class*='st-key-evidence-item-{key}-']")
    assert len(items) == min(int(match.group(1)), 200)
    assert all(item.text.strip() for item in items)
    return int(match.group(1)), int(match.group(2))


def readme_screenshot(shot: Path, target: Path) -> None:
    """Copy a screenshot into docs/img/ when it is missing there or UPDATE_SCREENSHOTS=1."""
    if os.environ.get("UPDATE_SCREENSHOTS") == "1" or not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, target)
    assert target.stat().st_size > 10_000


def table_rows(driver, key: str) -> list[list[str]]:
    """The body cells of the st.table in the container with this key."""
    from selenium.webdriver.common.by import By

    rows = driver.find_elements(By.CSS_SELECTOR, f".st-key-{key} table tbody tr")
    return [[cell.text.strip() for cell in row.find_elements(By.CSS_SELECTOR, "th, td")] for row in rows]


def table_header(driver, key: str) -> list[str]:
    from selenium.webdriver.common.by import By

    return [cell.text.strip() for cell in driver.find_elements(By.CSS_SELECTOR, f".st-key-{key} table thead th")]


def usd(value) -> str:
    return "$" + format(round(value or 0), ",")


# ------------------------------------------------------------------------ tests

def test_pages_show_the_numbers_sql_gives(served, browser, tmp_path_factory):
    base, warehouse, _ = served
    shots = tmp_path_factory.mktemp("screenshots")

    open_page(browser, base + "/", "Calls between officials")
    shown(browser, {
        "Calls": format(one(warehouse, "select count(*) from marts.fct_call"), ","),
        "Countries": str(one(warehouse, "select count(distinct country_iso3) from marts.bridge_call_participant")),
        "People": str(one(warehouse, "select count(distinct actor_id) from marts.bridge_call_participant")),
        "Reporting articles": str(one(warehouse, "select count(distinct article_id) from marts.fct_call_mention")),
    }, "calls page")
    # drill-down, default "all calls": every supporting sentence of every call
    assert evidence_count(browser, "calls") == tuple(sql(
        warehouse, "select count(*), count(distinct article_id) from marts.fct_call_mention")[0])
    time.sleep(1)  # let the charts finish drawing
    screenshot(browser, shots / "calls.png")
    screenshot(browser, shots / "dashboard.png", full_page=False)
    readme_screenshot(shots / "dashboard.png", README_SCREENSHOT)

    open_page(browser, base + "/network", "Who talks to whom")
    shown(browser, {
        "People": str(one(warehouse, "select count(distinct participant_key) from marts.rpt_call_participants")),
        "Pairs in contact": str(one(warehouse, "select count(*) from marts.rpt_actor_network")),
    }, "network page")
    screenshot(browser, shots / "network.png")

    open_page(browser, base + "/aid", "Aid flows")
    shown(browser, {
        "Aid reported (USD)": usd(one(warehouse, "select sum(amount_usd) from marts.fct_aid")),
        "Amounts reported": str(one(warehouse, "select count(*) from marts.fct_aid")),
        "Donors": str(one(warehouse, "select count(distinct donor_iso3) from marts.fct_aid")),
        "Recipients": str(one(warehouse, "select count(distinct recipient_iso3) from marts.fct_aid")),
    }, "aid page")
    assert evidence_count(browser, "aid")[0] == one(warehouse, "select count(*) from marts.fct_aid")
    screenshot(browser, shots / "aid.png")

    open_page(browser, base + "/evidence", "Evidence")
    shown(browser, {
        "Sentences": str(one(warehouse, "select count(*) from marts.rpt_fact_evidence")),
        "Articles": str(one(warehouse, "select count(distinct article_id) from marts.rpt_fact_evidence")),
    }, "evidence page")
    screenshot(browser, shots / "evidence.png")

    assert all((shots / f"{p}.png").stat().st_size > 10_000 for p in ("calls", "dashboard", "network", "aid", "evidence"))
    assert README_SCREENSHOT.stat().st_size > 10_000


def test_a_country_filter_changes_every_page_consistently(served, browser, tmp_path_factory):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    base, warehouse, _ = served
    # a country with both calls and aid, so both pages change
    iso3, name = sql(warehouse, """
        select c.country_iso3, c.name_en from marts.dim_country c
        where c.country_iso3 in (select country_iso3 from marts.bridge_call_participant)
          and c.country_iso3 in (select donor_iso3 from marts.fct_aid union select recipient_iso3 from marts.fct_aid)
        order by c.name_en limit 1""")[0]

    open_page(browser, base + "/", "Calls between officials")
    box = next(e for e in browser.find_elements(By.CSS_SELECTOR, "[data-testid=stSidebar] [data-testid=stMultiSelect]")
               if e.text.startswith("Country"))
    field = box.find_element(By.TAG_NAME, "input")
    field.click()
    field.send_keys(name)
    field.send_keys(Keys.ENTER)
    field.send_keys(Keys.ESCAPE)
    # the URL stores the code, e.g. ?country=GBR, not the label shown
    wait_for(browser, lambda d: urllib.parse.parse_qs(urllib.parse.urlsplit(d.current_url).query).get("country")
             == [iso3], what="the filter's code in the URL")

    calls = one(warehouse, "select count(distinct call_id) from marts.bridge_call_participant where country_iso3 = ?", [iso3])
    sentences, articles = sql(warehouse, """
        select count(*), count(distinct article_id) from marts.fct_call_mention
        where call_id in (select call_id from marts.bridge_call_participant where country_iso3 = ?)""", [iso3])[0]
    shown(browser, {"Calls": str(calls)}, f"calls page filtered on {iso3}")
    wait_for(browser, lambda d: evidence_count(d, "calls") == (sentences, articles), what="filtered drill-down")
    screenshot(browser, tmp_path_factory.mktemp("screenshots-filtered") / "calls-filtered.png")

    # the filter lives in the URL, so it follows to the other pages
    browser.find_element(By.CSS_SELECTOR, "[data-testid=stSidebarNav] a[href$='/aid']").click()
    wait_for(browser, lambda d: idle(d) and any(h.text == "Aid flows" for h in d.find_elements(By.CSS_SELECTOR, "h1")),
             what="aid page")
    total, n = sql(warehouse, "select sum(amount_usd), count(*) from marts.fct_aid where ? in (donor_iso3, recipient_iso3)",
                   [iso3])[0]
    shown(browser, {"Aid reported (USD)": usd(total), "Amounts reported": str(n)}, f"aid page filtered on {iso3}")
    assert_no_error(browser)


def test_it_keeps_working_when_a_run_publishes_a_new_warehouse(served, browser):
    base, warehouse, work = served
    open_page(browser, base + "/", "Calls between officials")
    before = one(warehouse, "select count(*) from marts.fct_call")
    shown(browser, {"Calls": str(before)}, "calls before publishing")

    # a "run" builds a new file beside the published one, then renames it over it
    building = work / "warehouse.duckdb.building"
    shutil.copy2(warehouse, building)
    con = duckdb.connect(str(building))
    try:
        con.execute("delete from marts.fct_call where call_id = (select min(call_id) from marts.fct_call)")
        con.execute("checkpoint")
    finally:
        con.close()
    os.replace(building, warehouse)

    open_page(browser, base + "/", "Calls between officials")
    shown(browser, {"Calls": str(before - 1)}, "calls after publishing")


PAGES = [("calls", "Calls between officials"), ("network", "Who talks to whom"), ("aid", "Aid flows"),
         ("map", "Map of calls and aid"), ("evidence", "Evidence"), ("runs", "Runs & quality")]


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two CSS rgb()/rgba() colours."""
    def luminance(css: str) -> float:
        r, g, b = (int(v) / 255 for v in re.findall(r"[\d.]+", css)[:3])
        return sum(w * (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
                   for w, c in zip((0.2126, 0.7152, 0.0722), (r, g, b), strict=True))
    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_page_has_its_own_path_and_the_url_takes_a_country_code(served, browser):
    from selenium.webdriver.common.by import By

    base, warehouse, _ = served
    for path, title in PAGES:
        open_page(browser, f"{base}/{path}", title)
        assert urllib.parse.urlsplit(browser.current_url).path == f"/{path}"
        assert "Page not found" not in browser.find_element(By.TAG_NAME, "body").text
    open_page(browser, base + "/", "Calls between officials")  # the bare address opens /calls
    wait_for(browser, lambda d: urllib.parse.urlsplit(d.current_url).path == "/calls", what="/ → /calls")

    # ?country=<ISO3>, as an analyst types it (any case); the URL keeps the code
    iso3, name = sql(warehouse, """
        select c.country_iso3, c.name_en from marts.dim_country c
        where c.country_iso3 in (select country_iso3 from marts.bridge_call_participant)
        order by c.country_iso3 desc limit 1""")[0]
    open_page(browser, f"{base}/calls?country={iso3.lower()}", "Calls between officials")
    calls = one(warehouse, "select count(distinct call_id) from marts.bridge_call_participant where country_iso3 = ?",
                [iso3])
    shown(browser, {"Calls": str(calls)}, f"calls page for ?country={iso3.lower()}")
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(browser.current_url).query)["country"] == [iso3]
    sidebar = browser.find_element(By.CSS_SELECTOR, "[data-testid=stSidebar]").text
    assert f"{name} ({iso3})" in sidebar

    # evidence: dark on light, with the participants' names and the call's date marked
    sentences = browser.find_elements(By.CSS_SELECTOR, ".ev-sentence")
    assert sentences
    for sentence in sentences:
        ratio = contrast(sentence.value_of_css_property("color"), sentence.value_of_css_property("background-color"))
        assert ratio >= 7, ratio
    names = {m.text for m in browser.find_elements(By.CSS_SELECTOR, "[class*=st-key-evidence-item] mark.ev-name")}
    reported = {r[0] for r in sql(warehouse, """
        select p.name_as_reported from marts.bridge_call_participant p
        where p.call_id in (select call_id from marts.bridge_call_participant where country_iso3 = ?)""", [iso3])}
    assert names & reported, (names, reported)
    dates = [m.text for m in browser.find_elements(By.CSS_SELECTOR, "[class*=st-key-evidence-item] mark.ev-date")]
    assert dates and all(re.search(r"\d", d) for d in dates), dates

    # aid: each amount marked is the row's amount as the sentence writes it
    open_page(browser, base + "/aid", "Aid flows")
    amounts = [m.text for m in browser.find_elements(By.CSS_SELECTOR, "[class*=st-key-evidence-item] mark.ev-amount")]
    assert len(amounts) == one(warehouse, "select count(*) from marts.fct_aid"), amounts
    assert all(re.search(r"\d", a) for a in amounts), amounts


def test_the_map_shows_the_links_sql_gives(served, browser, tmp_path_factory):
    from selenium.webdriver.common.by import By

    base, warehouse, _ = served
    shots = tmp_path_factory.mktemp("screenshots-map")
    call_links = one(warehouse, """
        select count(*) from (
            select distinct a.country_iso3, b.country_iso3
            from marts.bridge_call_participant a
            join marts.bridge_call_participant b on a.call_id = b.call_id and a.country_iso3 < b.country_iso3)""")
    aid_links, aid_usd = sql(warehouse, """
        select count(distinct (donor_iso3, recipient_iso3)), sum(amount_usd) from marts.fct_aid
        where donor_iso3 is not null and recipient_iso3 is not null and donor_iso3 <> recipient_iso3""")[0]
    countries = one(warehouse, """
        with pairs as (
            select a.country_iso3 as x, b.country_iso3 as y
            from marts.bridge_call_participant a
            join marts.bridge_call_participant b on a.call_id = b.call_id and a.country_iso3 < b.country_iso3
            union all
            select donor_iso3, recipient_iso3 from marts.fct_aid
            where donor_iso3 is not null and recipient_iso3 is not null and donor_iso3 <> recipient_iso3)
        select count(distinct c) from (select x as c from pairs union all select y from pairs)""")
    open_page(browser, base + "/map", "Map of calls and aid")
    shown(browser, {"Countries on the map": str(countries), "Call links": str(call_links),
                    "Aid links": str(aid_links), "Aid on the map (USD)": usd(aid_usd)}, "map page")
    # deck.gl draws into a canvas: it is there, sized, and not blank
    canvas = wait_for(browser, lambda d: [c for c in d.find_elements(By.CSS_SELECTOR, ".st-key-link-map canvas")
                                          if c.size["width"] > 400 and c.size["height"] > 300],
                      what="the map's canvas")[0]
    time.sleep(2)  # let deck.gl draw
    tile = shots / "map-canvas.png"
    canvas.screenshot(str(tile))
    from PIL import Image

    with Image.open(tile) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 50, "the map canvas is blank"
    assert not [w for w in browser.find_elements(By.CSS_SELECTOR, "[data-testid=stAlert]") if "No map position" in w.text]
    screenshot(browser, shots / "map.png", full_page=False)
    readme_screenshot(shots / "map.png", README_MAP_SCREENSHOT)


def test_runs_and_quality_shows_the_failed_run_rejects_and_quarantine_sql_gives(served_quality, browser,
                                                                               tmp_path_factory):
    from selenium.webdriver.common.by import By

    base, warehouse, _ = served_quality
    shots = tmp_path_factory.mktemp("screenshots-runs")
    open_page(browser, base + "/runs", "Runs & quality")
    n_runs, n_failed = sql(warehouse, "select count(*), count(*) filter (where status = 'failed') from audit.run_log")[0]
    loaded, rejected = sql(warehouse, """select count(*) filter (where status = 'loaded'),
                                                count(*) filter (where status = 'rejected') from audit.input_ledger""")[0]
    held_back = one(warehouse, "select count(*) from audit.quarantine")
    assert n_failed >= 1 and rejected >= 1 and held_back >= 1  # the fixture made them
    shown(browser, {"Runs": str(n_runs), "Failed runs": str(n_failed), "Inputs loaded": str(loaded),
                    "Rejected inputs": str(rejected), "Held back": str(held_back)}, "runs page")

    # the run log, newest first, the failed run on top with its reason
    logged = sql(warehouse, """select run_id, coalesce(status, 'published'), coalesce(reason, ''),
                                      coalesce(cast(n_calls_published as varchar), '')
                               from audit.run_log order by finished_at desc nulls last, started_at desc, run_id""")
    header = table_header(browser, "runs-table")
    rows = [dict(zip(header, r, strict=True)) for r in table_rows(browser, "runs-table")]
    assert [(r["run"], r["status"], r["why it failed"], r["calls published"]) for r in rows] == logged
    assert rows[0]["status"] == "failed" and rows[0]["why it failed"] == logged[0][2] != ""
    page = browser.find_element(By.CSS_SELECTOR, "[data-testid=stMain]").text
    assert f"The last run ({logged[0][0]}) failed: {logged[0][2]}" in page
    assert "FAILED" in browser.find_element(By.CSS_SELECTOR, "[data-testid=stSidebar]").text

    # rejected inputs with their reasons
    header = table_header(browser, "rejected-table")
    shown_rejects = sorted((r[header.index("file or URL")], r[header.index("why")])
                           for r in table_rows(browser, "rejected-table"))
    assert shown_rejects == sorted(sql(warehouse, "select source_uri, reason from audit.input_ledger "
                                                  "where status = 'rejected'"))

    # held-back facts with their rule and the article they were read from (a held-back article is in raw only)
    header = table_header(browser, "quarantine-table")
    quarantined = [dict(zip(header, r, strict=True)) for r in table_rows(browser, "quarantine-table")]
    expected = sql(warehouse, """
        select q.rule, r.title, r.source_uri
        from audit.quarantine q
        join raw.articles r on r.article_id = json_extract_string(q."values", '$.article_id')""")
    assert sorted((r["rule"], r["article"], r["file or URL"]) for r in quarantined) == sorted(expected)

    # validation results of the newest run that has them
    run_id, total, failed, critical = sql(warehouse, """
        select run_id, count(*), count(*) filter (where not success),
               count(*) filter (where not success and severity = 'critical')
        from audit.validation_results group by run_id order by max(validated_at) desc, run_id limit 1""")[0]
    shown(browser, {"Expectations": str(total), "Passed": str(total - failed), "Failed": str(failed),
                    "Failed critical": str(critical)}, f"validation results of {run_id}")
    time.sleep(1)
    screenshot(browser, shots / "runs.png")
    readme_screenshot(shots / "runs.png", README_RUNS_SCREENSHOT)
