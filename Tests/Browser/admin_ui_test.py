"""Browser tests of the admin UI (issue: admin UI in a real browser).

Run by Scripts/browser-tests.sh against a live service with demo data and the outbox provider.
Every test drives Debian's chromium through Selenium and checks what the page shows against the
API's own answers. Screenshots of each screen go to BROWSER_SCREENSHOTS.
"""
import atexit
import base64
import email
import email.policy
import glob
import http.client
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Scripts", "lib"))
from bridge_signing import launch_token, signed_call  # noqa: E402
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

BASE = os.environ["BROWSER_BASE"]
LIVE = os.environ["BROWSER_LIVE_BASE"]
SHOTS = os.environ.get("BROWSER_SCREENSHOTS", ".build/screenshots")
SQL = shlex.split(os.environ["BROWSER_SQL"])
DOWNLOADS = tempfile.mkdtemp(prefix="bkntc-downloads-")
atexit.register(shutil.rmtree, DOWNLOADS, ignore_errors=True)


def signed(method, path, tenant=1, user=1, body=None, base=BASE):
    """A signed API call as the bridge makes it: (status, JSON)."""
    return signed_call(base, method, path, tenant, user, body)


def launch_link(tenant, user, base=BASE):
    return f"{base}/admin/#launch={launch_token(tenant, user)}"


def new_driver():
    options = Options()
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000", "--disable-dev-shm-usage"]:
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"download.default_directory": DOWNLOADS, "download.prompt_for_download": False})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": DOWNLOADS})
    except Exception:  # noqa: BLE001 - older chromium: the page-level command
        driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": DOWNLOADS})
    return driver


def wait(driver, condition, timeout=20, message=""):
    # A page that redraws between finding an element and reading it: look again at the next poll.
    return WebDriverWait(driver, timeout, poll_frequency=0.2, ignored_exceptions=[StaleElementReferenceException]).until(
        lambda d: condition(d), message)


def css(driver, selector):
    return driver.find_elements(By.CSS_SELECTOR, selector)


def text(driver, selector):
    """The first match's text; a page that redraws (progress every second) is read again."""
    for _ in range(5):
        try:
            found = css(driver, selector)
            return found[0].text if found else ""
        except StaleElementReferenceException:
            time.sleep(0.1)
    return ""


def confirm_launch(driver, answer="open"):
    """Answers the question a top-level launch link asks; returns the question."""
    dialog = wait(driver, lambda d: [e for e in css(d, "dialog#launch-confirm") if e.is_displayed()], message="the launch question")[0]
    question = dialog.find_element(By.ID, "launch-question").text
    dialog.find_element(By.CSS_SELECTOR, f"button[data-launch={answer}]").click()
    wait(driver, lambda d: not css(d, "dialog#launch-confirm"), message="the question closes")
    return question


def open_admin(driver, tenant=1, user=1, base=BASE, page="#/"):
    driver.get(launch_link(tenant, user, base))
    confirm_launch(driver)
    wait(driver, lambda d: css(d, "#channels button"), message="the channel switcher appears")
    assert "launch=" not in driver.current_url, "the launch token is removed from the address bar"
    if page != "#/":
        driver.execute_script("location.hash = arguments[0]", page)
    time.sleep(0.5)


def shot(driver, name):
    os.makedirs(SHOTS, exist_ok=True)
    driver.save_screenshot(os.path.join(SHOTS, f"{name}.png"))


def number(value):
    return int(value.replace(",", "").replace("\u202f", "").replace("\xa0", "").replace(".", "").strip() or "-1")


def stable_count(driver):
    """The editor's live count once it has settled (debounced preview)."""
    last = None
    for _ in range(60):
        current = text(driver, "#recipient-count")
        if current and current not in ("…", "—") and current == last:
            return number(current)
        last = current
        time.sleep(0.4)
    raise AssertionError(f"the recipient count never settled (last: {last!r})")


STATE = {}


def sessions_opened(tenant, user):
    """Sessions the service has opened for this user and tenant (its sessions table)."""
    out = subprocess.run(SQL + ["-N", "-e", f"SELECT COUNT(*) FROM wp_bkntc_campaign_sessions WHERE user_id = {user} "
                                f"AND tenant_id {'IS NULL' if tenant is None else f'= {tenant}'}"], check=True, capture_output=True, text=True)
    return int(out.stdout.strip())


def test_a_top_level_launch_link_asks_which_account_it_opens(driver):
    """Login CSRF (DESIGN §13): a link opened in a top-level window names the account and tenant
    first; Cancel exchanges nothing, Open signs in; inside a frame nothing is asked."""
    driver.get(BASE + "/health")  # another page: each link below is a fresh load of /admin/
    driver.execute_script("sessionStorage.clear()")
    before = sessions_opened(2, 7)
    driver.get(launch_link(2, 7))
    assert confirm_launch(driver, "cancel") == "Open Campaigns as WordPress user #7 for tenant #2?"
    wait(driver, lambda d: "Open WordPress → Booknetic → Campaigns again" in text(d, "#banner"), message="cancelled: nothing opens, and the page says how to open Campaigns")
    assert "launch=" not in driver.current_url, "the token left the address bar anyway"
    assert not css(driver, "#channels button"), "no session, no channels"
    time.sleep(0.5)
    assert sessions_opened(2, 7) == before, "Cancel never exchanges the token"
    shot(driver, "launch-cancelled")

    driver.get(BASE + "/health")
    driver.get(launch_link(1, 1))
    dialog = wait(driver, lambda d: [e for e in css(d, "dialog#launch-confirm") if e.is_displayed()], message="the question")[0]
    assert "user #1 for tenant #1" in dialog.text
    shot(driver, "launch-question")
    assert confirm_launch(driver, "open") == "Open Campaigns as WordPress user #1 for tenant #1?"
    wait(driver, lambda d: css(d, "#channels button"), message="Open signs in")
    assert "launch=" not in driver.current_url

    # Inside a frame (a page of the service's own origin, as frame-ancestors allows): no question.
    before = sessions_opened(2, 7)
    driver.get(BASE + "/health")
    driver.execute_script("""
        const frame = document.createElement('iframe');
        frame.id = 'framed-admin'; frame.src = arguments[0]; frame.style.width = '1200px'; frame.style.height = '800px';
        document.body.append(frame);""", launch_link(2, 7))
    driver.switch_to.frame(wait(driver, lambda d: css(d, "#framed-admin"))[0])
    try:
        wait(driver, lambda d: css(d, "#channels button") or "may not use campaigns" in text(d, "#view") or text(d, "#banner"),
             message="the framed UI starts")
        assert not css(driver, "dialog#launch-confirm"), "no question inside a frame"
    finally:
        driver.switch_to.default_content()
    wait(driver, lambda d: sessions_opened(2, 7) == before + 1, message="the framed link opened a session")


def test_launch_and_create_a_campaign_whose_count_equals_the_api(driver):
    open_admin(driver, page="#/campaigns/new")
    wait(driver, lambda d: css(d, "select[name=segment]"))
    driver.find_element(By.NAME, "name").send_keys("Browser lapsed")
    Select(driver.find_element(By.NAME, "segment")).select_by_value("lapsed")
    driver.find_element(By.CSS_SELECTOR, "details.filters summary").click()
    first = wait(driver, lambda d: css(d, "input[name=service_ids]"), message="the services as checkboxes")[0]
    first_service = int(first.get_attribute("value"))
    first.click()
    shown = stable_count(driver)
    status, preview = signed("POST", "/api/v1/segments/preview", body={
        "channel": "sms", "segment": {"type": "lapsed", "days": 90},
        "filters": {"service_ids": [first_service], "exclude_suppressed": True}})
    assert status == 200, preview
    assert shown == preview["count"], f"the page shows {shown}, the API {preview['count']}"
    assert shown > 0, "the demo data should give this segment recipients"
    driver.find_element(By.NAME, "body").send_keys("Hi {customer_first_name}, we miss you!")
    assert "GSM-7" in text(driver, "#sms-counter")
    shot(driver, "editor")
    driver.find_element(By.XPATH, "//button[normalize-space()='Save draft']").click()
    wait(driver, lambda d: d.current_url.endswith("/edit"), message="the draft is saved")
    STATE["campaign"] = int(driver.current_url.split("/")[-2])
    wait(driver, lambda d: css(d, "#message-previews .preview-message"), message="the first messages are rendered")
    assert "{customer_first_name}" not in text(driver, "#message-previews")
    shot(driver, "editor-saved")


def test_send_and_watch_the_progress_reach_100_percent(driver):
    campaign = STATE["campaign"]
    open_admin(driver, page=f"#/campaigns/{campaign}/edit")
    wait(driver, lambda d: css(d, "#save-and-send")).__getitem__(0).click()
    confirm_dialog(driver).find_element(By.CSS_SELECTOR, "button[data-confirm=send]").click()
    wait(driver, lambda d: d.current_url.endswith(f"#/campaigns/{campaign}"), message="the wizard opens")
    wait(driver, lambda d: css(d, "#progress-bar") and css(d, "#progress-bar")[0].get_attribute("data-percent") == "100", timeout=90,
         message="the progress bar reaches 100 %")
    wait(driver, lambda d: css(d, "#completion"), message="the completion state shows")
    status, progress = signed("GET", f"/api/v1/campaigns/{campaign}/progress")
    assert status == 200
    shown_sent = number(text(driver, "[data-counter=sent] .value"))
    shown_total = number(text(driver, "[data-counter=total] .value"))
    assert shown_sent == progress["sent"] + progress["delivered"] + progress["undelivered"], (shown_sent, progress)
    assert shown_total == progress["total"], (shown_total, progress)
    status, logs = signed("GET", f"/api/v1/campaigns/{campaign}/logs?status=sent&per_page=1")
    assert logs["total"] == progress["sent"], "the counters match the logs"
    shot(driver, "progress-done")


def test_logs_page_and_csv_download(driver):
    campaign = STATE["campaign"]
    open_admin(driver, page=f"#/campaigns/{campaign}/logs")
    wait(driver, lambda d: css(d, "#logs-table tbody tr"), message="log rows")
    status, page = signed("GET", f"/api/v1/campaigns/{campaign}/logs?per_page=50")
    assert len(css(driver, "#logs-table tbody tr")) == len(page["items"])
    shot(driver, "logs")
    driver.find_element(By.ID, "csv-download").click()
    path = os.path.join(DOWNLOADS, f"campaign-{campaign}-logs.csv")
    wait(driver, lambda d: os.path.exists(path) and not glob.glob(path + ".crdownload"), message="the CSV is downloaded")
    with open(path, encoding="utf-8-sig") as handle:
        lines = [line for line in handle.read().splitlines() if line]
    assert len(lines) == page["total"] + 1, (len(lines), page["total"])


def test_pause_and_resume_a_larger_campaign(driver):
    status, _ = signed("PUT", "/api/v1/settings", body={"channel": "sms", "rate_limit": 1})
    assert status == 200
    status, created = signed("POST", "/api/v1/campaigns", body={
        "channel": "sms", "name": "Browser big", "segment": {"type": "all_customers"}, "body": "Hello {customer_first_name}"})
    assert status == 201, created
    campaign = created["id"]
    status, sent = signed("POST", f"/api/v1/campaigns/{campaign}/send")
    assert status == 200 and sent["total"] > 50, sent
    open_admin(driver, page=f"#/campaigns/{campaign}")
    wait(driver, lambda d: css(d, "button[data-action=pause]")).__getitem__(0).click()
    wait(driver, lambda d: "Paused" in text(d, "#status-line"), message="the page says paused")
    _, progress = signed("GET", f"/api/v1/campaigns/{campaign}/progress")
    assert progress["status"] == "paused", progress
    shot(driver, "progress-paused")
    paused_sent = progress["sent"]
    wait(driver, lambda d: css(d, "button[data-action=resume]")).__getitem__(0).click()
    wait(driver, lambda d: css(d, "button[data-action=pause]"), message="resumed: pause is offered again")
    wait(driver, lambda d: signed("GET", f"/api/v1/campaigns/{campaign}/progress")[1]["sent"] > paused_sent, timeout=30,
         message="sending continues after resume")
    signed("POST", f"/api/v1/campaigns/{campaign}/cancel")
    signed("PUT", "/api/v1/settings", body={"channel": "sms", "rate_limit": None})
    STATE["big"] = campaign


def test_the_campaign_page_and_the_history_screen_show_who_did_what(driver):
    campaign = STATE["big"]
    open_admin(driver, page=f"#/campaigns/{campaign}")
    wait(driver, lambda d: css(d, "#campaign-history .audit-table tbody tr"), message="the campaign's history")
    rows = [row.text for row in css(driver, "#campaign-history .audit-table tbody tr")]
    _, audit = signed("GET", f"/api/v1/audit?object_type=campaign&object_id={campaign}&channel=sms")
    assert len(rows) == len(audit["items"]) >= 5, (rows, audit)
    # Newest first: cancelled (by the API), resumed and paused (in the browser), sent, created.
    assert "Cancelled" in rows[0] and "Resumed" in rows[1] and "Paused" in rows[2] and "Sent" in rows[3], rows
    assert "Browser big" in rows[2] and "recipients" in rows[3], rows
    shot(driver, "campaign-history")
    # The History screen: everything of the channel; "Settings" narrows it to settings changes.
    driver.execute_script("location.hash = '#/audit'")
    wait(driver, lambda d: css(d, "#audit-results .audit-table tbody tr"), message="the history screen")
    Select(driver.find_element(By.ID, "audit-type")).select_by_value("settings")
    wait(driver, lambda d: all(row.get_attribute("data-object-type") == "settings"
                               for row in css(d, "#audit-results .audit-table tbody tr")) and css(d, "#audit-results .audit-table tbody tr"),
         message="only settings changes")
    first = css(driver, "#audit-results .audit-table tbody tr")[0].text
    assert "sending rate from 1 per second to the default" in first, first
    shot(driver, "history")


def test_adding_a_suppression_drops_the_count(driver):
    segment = {"channel": "sms", "segment": {"type": "all_customers"}}
    _, before = signed("POST", "/api/v1/segments/preview", body=segment)
    address = before["sample"][0]["address"]
    open_admin(driver, page="#/suppressions")
    wait(driver, lambda d: css(d, "#suppression-total") and text(d, "#suppression-total"))
    total_before = number(text(driver, "#suppression-total").split()[0])
    driver.find_element(By.NAME, "address").send_keys(address)
    driver.find_element(By.NAME, "reason").send_keys("asked by phone")
    driver.find_element(By.XPATH, "//button[normalize-space()='Add']").click()
    wait(driver, lambda d: number(text(d, "#suppression-total").split()[0]) == total_before + 1, message="the list grows by one")
    shot(driver, "suppressions")
    _, after = signed("POST", "/api/v1/segments/preview", body=segment)
    assert after["count"] == before["count"] - 1, (before["count"], after["count"])
    driver.execute_script("location.hash = '#/campaigns/new'")
    wait(driver, lambda d: css(d, "#recipient-count"))
    assert stable_count(driver) == after["count"], "the editor shows the smaller count"


def test_a_hostile_customer_name_renders_as_text(driver):
    name = "<img src=x onerror=alert(1)>"
    subprocess.run(SQL + ["-e", "INSERT INTO wp_bkntc_customers (first_name, last_name, phone_number, email, created_at, tenant_id) "
                          f"VALUES ('{name}', 'Hacker', '+447700999111', 'xss@example.com', '2025-01-01', 1)"], check=True)
    open_admin(driver, page="#/send")
    search = wait(driver, lambda d: css(d, "input[aria-label='Search customers']"))[0]
    search.send_keys("onerror")
    wait(driver, lambda d: name in d.find_element(By.ID, "view").text, message="the name shows as typed")
    assert not css(driver, "#view img"), "no element was created from the name"
    try:
        driver.switch_to.alert
        raise AssertionError("an alert ran")
    except NoAlertPresentException:
        pass
    shot(driver, "manual-send-xss")


def test_staff_without_the_send_capability_sees_no_send_action(driver):
    status, draft = signed("POST", "/api/v1/campaigns", body={
        "channel": "sms", "name": "Reception may not send", "segment": {"type": "all_customers"}, "body": "Hi"})
    assert status == 201
    open_admin(driver, tenant=1, user=5, page="#/campaigns")  # demo: tenant 1's reception staff (sms_campaigns only)
    wait(driver, lambda d: css(d, f"tr[data-campaign='{draft['id']}']"), message="the draft is listed")
    assert not css(driver, "button[data-action=send]"), "no send button"
    assert "Test & manual send" not in text(driver, "#sections")
    shot(driver, "campaigns-staff")
    status, answer = signed("POST", f"/api/v1/campaigns/{draft['id']}/send", tenant=1, user=5)
    assert status == 403 and answer["error"]["code"] in ("capability", "forbidden"), (status, answer)


def test_the_provider_banner_names_what_to_fix(driver):
    open_admin(driver, base=LIVE)
    buttons = wait(driver, lambda d: css(d, "#channels button[data-channel=whatsapp]"))
    buttons[0].click()
    wait(driver, lambda d: d.find_element(By.ID, "banner").is_displayed(), message="the banner shows")
    banner = text(driver, "#banner")
    assert "WhatsApp" in banner and "add-on" in banner.lower(), banner
    shot(driver, "provider-banner")


# ---- The campaign editor, its pickers and the settings (DESIGN §21; issue 26) ----

class Skip(Exception):
    """A test whose API field is not there yet: reported, not counted as passed or failed."""


def sql(statement):
    out = subprocess.run(SQL + ["--default-character-set=utf8mb4", "-N", "-e", statement], check=True, capture_output=True, text=True)
    return out.stdout.strip()


def sql_text(value):
    return "NULL" if value is None else "'" + str(value).replace("\\", "\\\\").replace("'", "''") + "'"


PHONES = iter(range(int(time.time()) % 50000, 10 ** 6))


def unique_phone():
    return "+4477009" + str(next(PHONES) % 100000).zfill(5)


def private_audience(tag, customers):
    """A service of its own that exactly `customers` (first, last, phone, email) booked: an
    audience the test controls (segment all_appointments filtered by that service). Answers the
    service id and the customers' ids."""
    service = int(sql(f"INSERT INTO wp_bkntc_services (name, price, duration, is_active, tenant_id) VALUES ({sql_text(tag)}, 30, 60, 1, 1); "
                      "SELECT LAST_INSERT_ID()"))
    now = int(time.time())
    ids = []
    for first, last, phone, email in customers:
        customer = int(sql("INSERT INTO wp_bkntc_customers (first_name, last_name, phone_number, email, created_at, tenant_id) VALUES "
                           f"({sql_text(first)}, {sql_text(last)}, {sql_text(phone)}, {sql_text(email)}, '2025-01-01', 1); SELECT LAST_INSERT_ID()"))
        sql("INSERT INTO wp_bkntc_appointments (service_id, customer_id, status, starts_at, ends_at, created_at, tenant_id) VALUES "
            f"({service}, {customer}, 'approved', {now - 10 * 86400}, {now - 10 * 86400 + 3600}, {now - 20 * 86400}, 1)")
        ids.append(customer)
        time.sleep(0.002)
    return service, ids


def full_shot(driver, name):
    """The whole page, not only the window (Chrome's own full-page capture)."""
    os.makedirs(SHOTS, exist_ok=True)
    try:
        metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        data = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": {
            "x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 6000), "scale": 1}})
        with open(os.path.join(SHOTS, f"{name}.png"), "wb") as handle:
            handle.write(base64.b64decode(data["data"]))
    except Exception:  # noqa: BLE001 - an older chromium: the window only
        shot(driver, name)


def shots_at_two_widths(driver, name):
    """The screen at 1366 px and at 820 px (a tablet), then back to the tests' window."""
    for width, height in ((1366, 900), (820, 1100)):
        driver.set_window_size(width, height)
        time.sleep(0.6)
        full_shot(driver, f"{name}-{width}")
    driver.set_window_size(1280, 1000)
    time.sleep(0.3)


def new_campaign_with_audience(driver, channel, name, service):
    """Opens a new campaign of `channel`, names it and picks the customers of `service`."""
    open_admin(driver, page="#/")
    wait(driver, lambda d: css(d, f"#channels button[data-channel={channel}]"))[0].click()
    driver.execute_script("location.hash = '#/campaigns/new'")
    wait(driver, lambda d: css(d, "select[name=segment]") and css(d, "#recipient-count"), message="the editor")
    driver.find_element(By.NAME, "name").send_keys(name)
    Select(driver.find_element(By.NAME, "segment")).select_by_value("all_appointments")
    driver.find_element(By.CSS_SELECTOR, "details.filters summary").click()
    box = wait(driver, lambda d: css(d, f"input[name=service_ids][value='{service}']"), message="the test's service")[0]
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    box.click()


def set_value(driver, element, value):
    """Sets an input's value as a person would (time and date inputs take keys by locale)."""
    driver.execute_script("""
        const [el, value] = arguments; el.value = value;
        el.dispatchEvent(new Event('input', {bubbles: true})); el.dispatchEvent(new Event('change', {bubbles: true}));""", element, value)


def segments_shown(driver):
    found = re.search(r"([\d,.\u202f\xa0]+) SMS segments?", text(driver, "#segment-total"))
    return number(found.group(1)) if found else None


def test_the_editor_warns_about_customers_without_a_first_name(driver):
    stamp = int(time.time())
    service, _ = private_audience(f"Browser nameless {stamp}", [
        (None, "Nofirst", unique_phone(), f"nofirst{stamp}@example.com"),
        ("  ", "Blank", unique_phone(), f"blank{stamp}@example.com"),
        ("Amy", "Able", unique_phone(), f"amy{stamp}@example.com")])
    body = "Hi {customer_first_name}, your next visit is on us."
    request = {"channel": "sms", "segment": {"type": "all_appointments"}, "filters": {"service_ids": [service], "exclude_suppressed": True}, "body": body}
    status, preview = signed("POST", "/api/v1/segments/preview", body=request)
    assert status == 200, preview
    if "missing" not in preview:
        raise Skip("the API's preview answers no `missing` counts yet (DESIGN §21)")
    assert preview["count"] == 3 and preview["missing"].get("customer_first_name") == 2, preview
    new_campaign_with_audience(driver, "sms", "Browser no first name", service)
    driver.find_element(By.NAME, "body").send_keys(body)
    warning = wait(driver, lambda d: css(d, "#missing-warnings [data-missing=customer_first_name]"), message="the warning")[0]
    assert stable_count(driver) == 3
    shown = warning.text
    assert "2 of 3 customers have no first name" in shown, shown
    assert "they would read “Hi ,"in shown and "{customer_first_name|there}" in shown, shown
    shots_at_two_widths(driver, "editor-missing-first-name")
    warning = css(driver, "#missing-warnings [data-missing=customer_first_name]")[0]
    warning.find_element(By.CSS_SELECTOR, "button.add-fallback").click()
    wait(driver, lambda d: "{customer_first_name|there}" in d.find_element(By.NAME, "body").get_attribute("value"), message="the fallback is added")
    wait(driver, lambda d: not css(d, "#missing-warnings [data-missing=customer_first_name]"), message="the warning goes")
    request["body"] = driver.find_element(By.NAME, "body").get_attribute("value")
    _, after = signed("POST", "/api/v1/segments/preview", body=request)
    assert not after["missing"].get("customer_first_name"), after["missing"]


def test_the_sms_total_counts_a_name_with_special_characters(driver):
    stamp = int(time.time())
    service, _ = private_audience(f"Browser UCS-2 {stamp}", [
        ("Zoë", "Ucs", unique_phone(), None), ("Amy", "Gsm", unique_phone(), None)])
    body = ("Hi {customer_first_name}, our new treatment room is open. Book this week and enjoy "
            "a free hand massage with any visit. Reply STOP to opt out")
    request = {"channel": "sms", "segment": {"type": "all_appointments"}, "filters": {"service_ids": [service], "exclude_suppressed": True}, "body": body}
    status, preview = signed("POST", "/api/v1/segments/preview", body=request)
    assert status == 200, preview
    if "segments" not in preview:
        raise Skip("the API's preview answers no `segments` total yet (DESIGN §21)")
    new_campaign_with_audience(driver, "sms", "Browser Zoë", service)
    driver.find_element(By.NAME, "body").send_keys(body)
    wait(driver, lambda d: segments_shown(d) is not None and stable_count(d) == 2, message="the segment total")
    per_message = int(re.search(r"(\d+) SMS segments? per message", text(driver, "#sms-counter")).group(1))
    shown = segments_shown(driver)
    assert shown == preview["segments"]["total"], (shown, preview["segments"])
    assert shown > 2 * per_message, f"the total {shown} is the GSM-only estimate {2 * per_message}: Zoë's UCS-2 message was not counted"
    assert preview["segments"]["ucs2_recipients"] == 1 and "1 use special characters" in text(driver, "#segment-total")
    shots_at_two_widths(driver, "editor-sms-segments")


def in_email_preview(driver, read):
    """Runs `read(driver)` inside the preview's sandboxed message frame (the editor's frame page
    email-frame.html holds it)."""
    driver.switch_to.frame(driver.find_element(By.CSS_SELECTOR, "#email-preview"))
    try:
        driver.switch_to.frame(driver.find_element(By.CSS_SELECTOR, "#message"))
        return read(driver)
    finally:
        driver.switch_to.default_content()


def iframe_text(driver):
    return in_email_preview(driver, lambda d: d.find_element(By.TAG_NAME, "body").text)


def preview_srcdoc(driver):
    driver.switch_to.frame(driver.find_element(By.CSS_SELECTOR, "#email-preview"))
    try:
        return driver.find_element(By.CSS_SELECTOR, "#message").get_attribute("srcdoc")
    finally:
        driver.switch_to.default_content()


def html_to_text(html):
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.parts = []

        def handle_data(self, data):
            self.parts.append(data)

        def handle_starttag(self, tag, attrs):
            if tag in ("p", "br", "div", "tr", "table", "h1", "h2", "h3"):
                self.parts.append("\n")

    parser = Text()
    parser.feed(html)
    return " ".join("".join(parser.parts).split())


def test_the_email_preview_is_the_message_a_recipient_receives(driver):
    stamp = int(time.time())
    address = f"lena{stamp}@example.com"
    service, _ = private_audience(f"Browser preview {stamp}", [("Lena", "Preview", unique_phone(), address)])
    body = ('<p>Hello {customer_first_name},</p>\n<p>Your <strong>glow facial</strong> is waiting.</p>\n'
            '<table role="presentation" cellpadding="0" cellspacing="0" border="0"><tr><td style="background:#3b5bdb;border-radius:6px;">'
            '<a href="https://salon.example/book" style="display:inline-block;padding:12px 24px;color:#ffffff;text-decoration:none;">Book now</a>'
            '</td></tr></table>')
    status, draft = signed("POST", "/api/v1/campaigns", body={
        "channel": "email", "name": "Browser email preview", "segment": {"type": "all_appointments"},
        "filters": {"service_ids": [service], "exclude_suppressed": True}, "subject": "A treat for {customer_first_name}", "body": body})
    assert status == 201, draft
    # A reopened draft shows its rendered message at once, before anything is typed.
    open_admin(driver, page="#/")
    wait(driver, lambda d: css(d, "#channels button[data-channel=email]"))[0].click()
    driver.execute_script("location.hash = arguments[0]", f"#/campaigns/{draft['id']}/edit")
    wait(driver, lambda d: css(d, "#email-preview") and preview_srcdoc(d), message="the preview renders on open")
    wait(driver, lambda d: "Hello Lena" in iframe_text(d), message="the shortcodes are filled in")
    shown = iframe_text(driver)
    assert "{customer_" not in shown and "Book now" in shown, shown
    assert "A treat for Lena" in text(driver, "#preview-subject")
    background = in_email_preview(driver, lambda d: d.find_element(By.CSS_SELECTOR, "td").value_of_css_property("background-color"))
    assert background in ("rgba(59, 91, 219, 1)", "rgb(59, 91, 219)"), f"the button's inline style applies in the preview ({background})"
    status, preview = signed("POST", "/api/v1/segments/preview", body={
        "channel": "email", "segment": {"type": "all_appointments"}, "filters": {"service_ids": [service], "exclude_suppressed": True},
        "subject": "A treat for {customer_first_name}", "body": body, "sample_size": 5, "campaign_id": draft["id"]})
    srcdoc = preview_srcdoc(driver)
    has_messages = "messages" in preview
    if has_messages:
        message = preview["messages"][0]
        assert srcdoc == message["html"], "the frame shows the API's rendered message as it is"
    shots_at_two_widths(driver, "editor-email-preview")
    driver.set_window_size(820, 1100)  # the preview frame in view (a full-page capture leaves frames below the fold blank)
    driver.execute_script("document.getElementById('email-preview').scrollIntoView({block: 'center'})")
    time.sleep(0.6)
    shot(driver, "editor-email-preview-820-frame")
    driver.set_window_size(1280, 1000)
    # Sent: what the provider got (the browser tests' outbox provider records each message as the
    # engine hands it over, before the SMTP composer adds the footer) is in the preview.
    status, sent = signed("POST", f"/api/v1/campaigns/{draft['id']}/send")
    assert status == 200, sent
    wait(driver, lambda d: signed("GET", f"/api/v1/campaigns/{draft['id']}/progress")[1]["status"] == "completed", timeout=60, message="sent")
    row = sql(f"SELECT HEX(subject), HEX(body) FROM wp_bkntc_campaign_outbox WHERE to_address = {sql_text(address)} ORDER BY id DESC LIMIT 1")
    subject, delivered = (bytes.fromhex(part).decode() for part in row.split("\t"))
    assert subject == "A treat for Lena" and text(driver, "#preview-subject").endswith(subject)
    assert html_to_text(delivered) in " ".join(shown.split()), (html_to_text(delivered), shown)
    if has_messages:
        # The footer every email carries (BKNTC_PUBLIC_URL is set for these tests): shown, and a
        # link to a working unsubscribe page.
        assert "unsubscribe" in message["text"].lower(), message["text"]
        link = in_email_preview(driver, lambda d: d.find_element(By.CSS_SELECTOR, "a[href*='/unsubscribe/']").get_attribute("href"))
        assert link.split("/unsubscribe/")[1] in message["text"], (link, message["text"])
        with urllib.request.urlopen(link, timeout=10) as page:
            assert page.status == 200
    else:
        raise Skip("checked against the outbox; the API's preview answers no rendered `messages` yet (DESIGN §21)")


def smtp_messages_to(address):
    """The messages the test SMTP server (aiosmtpd, Scripts/lib/smtp-server.sh) accepted for `address`."""
    found = []
    for envelope in sorted(glob.glob(os.path.join(os.environ["BKNTC_TEST_SMTP_DIR"], "mail", "*.json"))):
        with open(envelope) as f:
            if address in json.load(f)["rcpt_tos"]:
                with open(envelope[: -len(".json")] + ".eml", "rb") as raw:
                    found.append(email.message_from_bytes(raw.read(), policy=email.policy.default))
    return found


def test_the_email_preview_equals_what_the_smtp_server_receives(driver):
    """The editor's preview of a saved email campaign is the message itself: the live replica sends
    it through the site's SMTP settings to aiosmtpd, and the HTML part equals the frame's document,
    the text part the preview's text, unsubscribe footer and link included."""
    assert os.environ.get("BKNTC_TEST_SMTP_DIR"), "Scripts/test and Scripts/browser-only start the SMTP server"
    stamp = int(time.time())
    address = f"mira{stamp}@example.com"
    service, _ = private_audience(f"Browser smtp {stamp}", [("Mira", "Mail", unique_phone(), address)])
    body = '<p>Hi {customer_first_name|there},</p>\n<p>Your <em>colour refresh</em> is due. <a href="https://salon.example/book">Book</a></p>'
    status, draft = signed("POST", "/api/v1/campaigns", body={
        "channel": "email", "name": f"Browser SMTP {stamp}", "segment": {"type": "all_appointments"},
        "filters": {"service_ids": [service], "exclude_suppressed": True}, "subject": "Time for you, {customer_first_name}", "body": body})
    assert status == 201, draft
    settings = dict(line.split("\t") for line in sql(
        "SELECT option_name, option_value FROM wp_options WHERE option_name IN ('bkntc_mail_gateway', 'bkntc_smtp_port')").splitlines())
    assert settings == {"bkntc_mail_gateway": "smtp", "bkntc_smtp_port": os.environ["BKNTC_TEST_SMTP_PORT"]}, \
        "Scripts/browser-tests.sh points the site's SMTP settings at aiosmtpd"
    open_admin(driver, page="#/")
    wait(driver, lambda d: css(d, "#channels button[data-channel=email]"))[0].click()
    driver.execute_script("location.hash = arguments[0]", f"#/campaigns/{draft['id']}/edit")
    wait(driver, lambda d: css(d, "#email-preview") and "Hi Mira" in (preview_srcdoc(d) or ""), message="the preview")
    shown = preview_srcdoc(driver)
    assert "/unsubscribe/" in shown, "the footer is in the preview"
    status, preview = signed("GET", f"/api/v1/campaigns/{draft['id']}/preview-messages")
    expected = next(m for m in preview["items"] if m["address"] == address)
    assert expected["html"] == shown, "the frame shows the saved campaign's message"
    # The live replica (same database, real providers) sends it; its worker is off, so a tick does.
    status, sent = signed("POST", f"/api/v1/campaigns/{draft['id']}/send", base=LIVE)
    assert status == 200, sent
    deadline = time.monotonic() + 60
    while not smtp_messages_to(address) and time.monotonic() < deadline:
        signed("POST", "/api/v1/cron/tick", user="", base=LIVE)
    received = smtp_messages_to(address)
    if len(received) != 1:
        _, progress = signed("GET", f"/api/v1/campaigns/{draft['id']}/progress", base=LIVE)
        _, logs = signed("GET", f"/api/v1/campaigns/{draft['id']}/logs", base=LIVE)
        raise AssertionError(f"{len(received)} messages reached the SMTP server; progress {progress}; logs {logs}")
    message = received[0]
    assert str(message["Subject"]) == "Time for you, Mira" == expected["subject"]
    html = message.get_body(("html",)).get_content().replace("\r\n", "\n")
    text_part = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    # Clicks are tracked by default (DESIGN §18): the one link went out as this recipient's short
    # link, in both parts, and the short link leads back to it; nothing else differs.
    tracked = re.search(r'href="(https?://[^"]*/r/[0-9A-Za-z]{8,12})"', html)
    assert tracked, html
    short = tracked.group(1)
    assert html.replace(short, "https://salon.example/book") == shown, (html, shown)
    assert text_part.replace(short, "https://salon.example/book") == expected["text"], (text_part, expected["text"])
    connection = http.client.HTTPConnection(urllib.parse.urlsplit(short).netloc, timeout=10)
    connection.request("GET", urllib.parse.urlsplit(short).path)
    answer = connection.getresponse()
    assert answer.status == 302 and answer.getheader("Location") == "https://salon.example/book", (answer.status, answer.getheaders())
    connection.close()
    link = re.search(r'https?://[^"\s<>]*/unsubscribe/[A-Za-z0-9._~-]+', shown).group(0)
    assert str(message["List-Unsubscribe"]).strip().startswith(f"<{link}>"), (message["List-Unsubscribe"], link)


def test_a_sending_campaign_opens_read_only_and_duplicates(driver):
    status, _ = signed("PUT", "/api/v1/settings", body={"channel": "sms", "rate_limit": 1})
    assert status == 200
    try:
        status, created = signed("POST", "/api/v1/campaigns", body={
            "channel": "sms", "name": "Browser read only", "segment": {"type": "all_customers"}, "body": "Hello {customer_first_name|there}"})
        assert status == 201, created
        campaign = created["id"]
        status, sent = signed("POST", f"/api/v1/campaigns/{campaign}/send")
        assert status == 200, sent
        open_admin(driver, page=f"#/campaigns/{campaign}/edit")
        notice = wait(driver, lambda d: [e for e in css(d, "#readonly-notice") if e.is_displayed()], message="the read-only notice")[0]
        assert "is sending, so its message can no longer change" in notice.text or "about to send" in notice.text, notice.text
        for control in css(driver, ".editor-main input, .editor-main select, .editor-main textarea"):
            assert not control.is_enabled(), f"{control.get_attribute('name')} is still editable"
        assert not css(driver, "#save-draft") and not css(driver, "#save-and-send"), "no Save on a campaign that cannot change"
        _, progress = signed("GET", f"/api/v1/campaigns/{campaign}/progress")
        assert number(text(driver, "#recipient-count")) == progress["total"], "the snapshot's count"
        assert "when it was sent" in text(driver, "#recipient-count-label")
        time.sleep(1)
        assert number(text(driver, "#recipient-count")) == progress["total"], "never replaced by a live count"
        shots_at_two_widths(driver, "editor-read-only")
        driver.find_element(By.ID, "duplicate-campaign").click()
        wait(driver, lambda d: re.search(r"#/campaigns/(\d+)/edit$", d.current_url) and not d.current_url.endswith(f"/{campaign}/edit"),
             message="the copy's editor opens")
        copy = int(driver.current_url.split("/")[-2])
        _, answer = signed("GET", f"/api/v1/campaigns/{copy}")
        assert answer["status"] == "draft" and answer["name"].startswith("Browser read only"), answer
        wait(driver, lambda d: css(d, "input[name=name]") and d.find_element(By.NAME, "name").is_enabled(), message="the copy is editable")
        assert not [e for e in css(driver, "#readonly-notice") if e.is_displayed()]
        assert driver.find_element(By.NAME, "name").get_attribute("value") == answer["name"]
    finally:
        signed("POST", f"/api/v1/campaigns/{campaign}/cancel")
        signed("PUT", "/api/v1/settings", body={"channel": "sms", "rate_limit": None})


def test_a_completed_campaign_opens_read_only(driver):
    stamp = int(time.time())
    service, _ = private_audience(f"Browser completed {stamp}", [("Cara", "Done", unique_phone(), None)])
    status, created = signed("POST", "/api/v1/campaigns", body={
        "channel": "sms", "name": "Browser completed", "segment": {"type": "all_appointments"},
        "filters": {"service_ids": [service], "exclude_suppressed": True}, "body": "Thanks {customer_first_name}!"})
    assert status == 201
    signed("POST", f"/api/v1/campaigns/{created['id']}/send")
    wait(driver, lambda d: signed("GET", f"/api/v1/campaigns/{created['id']}/progress")[1]["status"] == "completed", timeout=60, message="sent")
    open_admin(driver, page=f"#/campaigns/{created['id']}/edit")
    notice = wait(driver, lambda d: [e for e in css(d, "#readonly-notice") if e.is_displayed()], message="the notice")[0]
    assert "has been sent, so its message can no longer change" in notice.text, notice.text
    assert not driver.find_element(By.NAME, "body").is_enabled()
    assert number(text(driver, "#recipient-count")) == 1
    wait(driver, lambda d: "Thanks Cara!" in text(d, "#message-previews"), message="the first message")


def test_the_schedule_picker_writes_the_repeat_rule(driver):
    open_admin(driver, page="#/")
    wait(driver, lambda d: css(d, "#channels button[data-channel=sms]"))[0].click()
    driver.execute_script("location.hash = '#/campaigns/new'")
    wait(driver, lambda d: css(d, "#schedule-summary"), message="the schedule picker")
    driver.find_element(By.NAME, "name").send_keys("Browser weekly")
    driver.find_element(By.NAME, "body").send_keys("See you this week, {customer_first_name|there}!")
    driver.find_element(By.CSS_SELECTOR, "input[data-schedule=weekly]").click()
    for day, wanted in (("1", True), ("4", True)):
        box = driver.find_element(By.CSS_SELECTOR, f"input[data-weekday='{day}']")
        if box.is_selected() != wanted:
            box.click()
    set_value(driver, driver.find_element(By.ID, "schedule-time"), "09:30")
    wait(driver, lambda d: "Every Monday and Thursday at 09:30" in text(d, "#schedule-summary"), message="the summary in words")
    _, settings = signed("GET", "/api/v1/settings?channel=sms")
    _, dashboard = signed("GET", "/api/v1/dashboard?channel=sms")
    zone = settings["timezone"]["value"] or dashboard.get("timezone")
    if zone:
        assert zone.replace("_", " ") in text(driver, "#schedule-zone"), text(driver, "#schedule-zone")
    shots_at_two_widths(driver, "editor-schedule-weekly")
    assert not driver.find_element(By.CSS_SELECTOR, "details.advanced").get_attribute("open"), "the custom rule stays folded away"
    driver.find_element(By.ID, "save-draft").click()
    wait(driver, lambda d: d.current_url.endswith("/edit"), message="the draft is saved")
    campaign = int(driver.current_url.split("/")[-2])
    _, saved = signed("GET", f"/api/v1/campaigns/{campaign}")
    assert saved["recurrence"] == "30 9 * * 1,4", saved["recurrence"]
    assert saved["scheduled_at"], "the first run is the next Monday or Thursday at 09:30"
    # Reopened: the picker shows the same choice.
    driver.refresh()
    wait(driver, lambda d: css(d, "input[data-schedule=weekly]") and d.find_element(By.CSS_SELECTOR, "input[data-schedule=weekly]").is_selected(),
         message="weekly is chosen again")
    checked = sorted(e.get_attribute("value") for e in css(driver, "input[data-weekday]") if e.is_selected())
    assert checked == ["1", "4"], checked
    assert driver.find_element(By.ID, "schedule-time").get_attribute("value") == "09:30"
    # Monthly on the 15th at 18:00.
    driver.find_element(By.CSS_SELECTOR, "input[data-schedule=monthly]").click()
    Select(driver.find_element(By.ID, "schedule-day")).select_by_value("15")
    set_value(driver, driver.find_element(By.ID, "schedule-time"), "18:00")
    wait(driver, lambda d: "On the 15th of every month at 18:00" in text(d, "#schedule-summary"), message="the monthly summary")
    driver.find_element(By.ID, "save-draft").click()
    wait(driver, lambda d: "Saved" in text(d, ".form-error"), message="saved")
    _, saved = signed("GET", f"/api/v1/campaigns/{campaign}")
    assert saved["recurrence"] == "0 18 15 * *", saved["recurrence"]
    # A rule the simple choices cannot say opens under Advanced.
    status, answer = signed("PUT", f"/api/v1/campaigns/{campaign}", body={
        "channel": "sms", "name": "Browser weekly", "segment": {"type": "all_customers"}, "body": "Hi", "recurrence": "*/30 9-17 * * 1-5"})
    assert status == 200, answer
    driver.refresh()
    wait(driver, lambda d: css(d, "details.advanced[open]"), message="Advanced opens for a custom rule")
    assert driver.find_element(By.ID, "schedule-cron").get_attribute("value") == "*/30 9-17 * * 1-5"
    signed("DELETE", f"/api/v1/campaigns/{campaign}")


def test_the_settings_take_a_time_zone_from_a_searchable_list(driver):
    open_admin(driver, page="#/settings")
    search = wait(driver, lambda d: css(d, "input.zone-search"), message="the time zone search")[0]
    search.send_keys("Berlin")
    wait(driver, lambda d: [o for o in css(d, "select.zone-list option") if o.get_attribute("value") == "Europe/Berlin"], message="Berlin is offered")
    Select(driver.find_element(By.CSS_SELECTOR, "select.zone-list")).select_by_value("Europe/Berlin")
    assert "Europe / Berlin" in text(driver, "#zone-chosen")
    shots_at_two_widths(driver, "settings")
    driver.find_element(By.XPATH, "//button[normalize-space()='Save']").click()
    wait(driver, lambda d: "Saved" in text(d, "#settings-saved"), message="saved")
    _, settings = signed("GET", "/api/v1/settings?channel=sms")
    assert settings["timezone"]["value"] == "Europe/Berlin", settings["timezone"]
    signed("PUT", "/api/v1/settings", body={"channel": "sms", "timezone": None})


def test_the_settings_turn_click_and_open_tracking_on_and_off(driver):
    """DESIGN §18: the email settings show both toggles (opens marked indicative); saving sends
    only the tracking change, and the API then reads it back as the tenant's own."""
    open_admin(driver, page="#/")
    wait(driver, lambda d: css(d, "#channels button[data-channel=email]"))[0].click()
    driver.execute_script("location.hash = '#/settings'")
    clicks = wait(driver, lambda d: css(d, "#tracking-clicks"), message="the click toggle")[0]
    opens = driver.find_element(By.ID, "tracking-opens")
    assert clicks.is_selected() and not opens.is_selected(), "the default: clicks on, opens off"
    assert "indicative" in text(driver, "[data-field=tracking]")
    clicks.click()
    opens.click()
    driver.find_element(By.XPATH, "//button[normalize-space()='Save']").click()
    wait(driver, lambda d: "Saved" in text(d, "#settings-saved"), message="saved")
    _, settings = signed("GET", "/api/v1/settings?channel=email")
    assert settings["tracking"] == {"value": {"clicks": False, "opens": True}, "source": "tenant"}, settings["tracking"]
    _, sms = signed("GET", "/api/v1/settings?channel=sms")
    assert sms["tracking"]["source"] == "default", "only the email channel changed"
    signed("PUT", "/api/v1/settings", body={"channel": "email", "tracking": None})
    # SMS has no opens: only the click toggle is shown.
    driver.execute_script("location.hash = '#/'")
    wait(driver, lambda d: css(d, "#channels button[data-channel=sms]"))[0].click()
    driver.execute_script("location.hash = '#/settings'")
    wait(driver, lambda d: css(d, "#tracking-clicks"), message="the click toggle on SMS")
    assert not css(driver, "#tracking-opens")


def test_the_email_editor_writes_clean_html_with_a_button(driver):
    open_admin(driver, page="#/")
    wait(driver, lambda d: css(d, "#channels button[data-channel=email]"))[0].click()
    driver.execute_script("location.hash = '#/campaigns/new'")
    page = wait(driver, lambda d: css(d, "#email-page"), message="the email editor")[0]
    driver.find_element(By.NAME, "name").send_keys("Browser email editor")
    driver.find_element(By.NAME, "subject").send_keys("Spring offers")
    page.click()
    page.send_keys("Hello ")
    Select(driver.find_element(By.CSS_SELECTOR, ".email-editor .shortcode-menu")).select_by_value("{customer_first_name|there}")
    page.send_keys(", spring is here.")
    driver.find_element(By.CSS_SELECTOR, "button[data-tool=button]").click()
    panel = wait(driver, lambda d: [e for e in css(d, ".editor-panel") if e.is_displayed()], message="the button's questions")[0]
    panel.find_element(By.CSS_SELECTOR, "input[data-name=url]").send_keys("https://salon.example/book")
    panel.find_element(By.CSS_SELECTOR, "button[data-panel=insert]").click()
    body = wait(driver, lambda d: "Book now" in d.find_element(By.NAME, "body").get_attribute("value") and d.find_element(By.NAME, "body").get_attribute("value"),
                message="the body holds the button")
    assert '<table role="presentation"' in body and 'href="https://salon.example/book"' in body, body
    assert 'style="background:#3b5bdb;border-radius:6px;"' in body and "color:#ffffff" in body, "the button keeps its inline styles: " + body
    assert "Hello {customer_first_name|there}, spring is here." in body, body
    assert "contenteditable" not in body and "<script" not in body
    # Loading HTML with a script: the editor keeps none of it and nothing runs.
    driver.find_element(By.CSS_SELECTOR, "button[data-tool=html]").click()
    raw = driver.find_element(By.NAME, "body")
    raw.clear()
    raw.send_keys('<p onclick="alert(1)">Hi <a href="javascript:alert(2)">there</a></p><img src=x onerror="alert(3)"><script>alert(4)</script>')
    driver.find_element(By.CSS_SELECTOR, "button[data-tool=html]").click()
    try:
        driver.switch_to.alert.accept()  # "parts the visual editor cannot keep": switch anyway
    except NoAlertPresentException:
        pass
    time.sleep(0.5)
    try:
        driver.switch_to.alert
        raise AssertionError("a script ran")
    except NoAlertPresentException:
        pass
    inner = driver.find_element(By.ID, "email-page").get_attribute("innerHTML")
    assert "onclick" not in inner and "javascript:" not in inner and "<script" not in inner and "onerror" not in inner, inner
    full_shot(driver, "editor-email-editor")


def test_a_whatsapp_template_is_chosen_by_id_with_its_blanks_as_fields(driver):
    open_admin(driver, page="#/")
    wait(driver, lambda d: css(d, "#channels button[data-channel=whatsapp]"))[0].click()
    driver.execute_script("location.hash = '#/campaigns/new'")
    wait(driver, lambda d: css(d, "#wa-use-template"), message="the WhatsApp template part")
    driver.find_element(By.NAME, "name").send_keys("Browser WhatsApp template")
    driver.find_element(By.ID, "wa-use-template").click()
    _, listed = signed("GET", "/api/v1/whatsapp-templates")
    items = (listed or {}).get("items") or [] if isinstance(listed, dict) else []
    if items:  # the service lists the account's approved templates: pick one by name
        Select(driver.find_element(By.ID, "wa-template")).select_by_value(items[0]["sid"])
        sid = items[0]["sid"]
    else:  # else the template's ID from Twilio, and its blanks row by row
        sid = "HX" + "0123456789abcdef" * 2
        driver.find_element(By.ID, "wa-template-id").send_keys(sid)
    value = wait(driver, lambda d: css(d, "#wa-variables .var-value"), message="the first blank")[0]
    value.send_keys("{customer_first_name|there}")
    assert "JSON" not in driver.find_element(By.ID, "view").text and "Content SID" not in driver.find_element(By.ID, "view").text
    shots_at_two_widths(driver, "editor-whatsapp")
    driver.find_element(By.ID, "save-draft").click()
    wait(driver, lambda d: d.current_url.endswith("/edit"), message="the draft is saved")
    campaign = int(driver.current_url.split("/")[-2])
    _, saved = signed("GET", f"/api/v1/campaigns/{campaign}")
    first = (items[0].get("variables") or ["1"])[0] if items else "1"
    first = first["name"] if isinstance(first, dict) else first
    assert saved["content_sid"] == sid and saved["content_variables"].get(str(first)) == "{customer_first_name|there}", saved
    signed("DELETE", f"/api/v1/campaigns/{campaign}")
    if items:
        return
    # An account with templates (faked in the page: with the outbox provider the service lists
    # none): picked by name, its blanks as fields, a template still waiting for approval offered
    # but not choosable.
    driver.execute_script("""
        const real = window.fetch;
        window.fetch = (url, options) => String(url).endsWith('/api/v1/whatsapp-templates')
          ? Promise.resolve(new Response(JSON.stringify({items: [
              {sid: 'HXaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', name: 'appointment_reminder', language: 'en', approval: 'approved',
               body: 'Hi {{1}}, see you on {{2}}.', variables: [{name: '1', example: 'Anna'}, {name: '2', example: 'Friday'}]},
              {sid: 'HXbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', name: 'spring_offer', language: 'en', approval: 'pending', body: 'Spring!', variables: []}]}),
              {status: 200, headers: {'Content-Type': 'application/json'}}))
          : real(url, options);
        location.hash = '#/campaigns/new';""")
    select = Select(wait(driver, lambda d: css(d, "#wa-template"), message="the templates by name")[0])
    driver.find_element(By.NAME, "name").send_keys("Browser WhatsApp by name")
    driver.find_element(By.ID, "wa-use-template").click()
    names = [o.get_attribute("textContent") for o in select.options]
    assert "appointment_reminder (en)" in names and any("spring_offer" in n and "waiting for WhatsApp" in n for n in names), names
    assert not [o for o in select.options if "spring_offer" in o.get_attribute("textContent")][0].is_enabled()
    select.select_by_value("HXaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
    wait(driver, lambda d: len(css(d, "#wa-variables .var-value")) == 2, message="one field per blank")
    assert "Hi {{1}}, see you on {{2}}." in text(driver, "#wa-template-body")
    first, second = css(driver, "#wa-variables .var-value")
    first.send_keys("{customer_first_name|there}")
    second.send_keys("Friday")
    wait(driver, lambda d: "{{2}} = Friday" in text(d, "#message-previews"), message="the first messages with the template's blanks filled")
    assert "{{1}} = Aiko" in text(driver, "#message-previews") or "{{1}} = " in text(driver, "#message-previews")
    full_shot(driver, "editor-whatsapp-by-name")
    driver.find_element(By.ID, "save-draft").click()
    wait(driver, lambda d: d.current_url.endswith("/edit"), message="saved")
    campaign = int(driver.current_url.split("/")[-2])
    _, saved = signed("GET", f"/api/v1/campaigns/{campaign}")
    assert saved["content_sid"] == "HXaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", saved
    assert saved["content_variables"] == {"1": "{customer_first_name|there}", "2": "Friday"}, saved["content_variables"]
    signed("DELETE", f"/api/v1/campaigns/{campaign}")


def test_templates_use_the_email_editor(driver):
    open_admin(driver, page="#/")
    wait(driver, lambda d: css(d, "#channels button[data-channel=email]"))[0].click()
    driver.execute_script("location.hash = '#/templates'")
    page = wait(driver, lambda d: css(d, ".template-form #email-page"), message="the email editor in the template form")[0]
    driver.find_element(By.CSS_SELECTOR, ".template-form input[name=name]").send_keys("Browser spring template")
    driver.find_element(By.CSS_SELECTOR, ".template-form input[name=subject]").send_keys("Spring at the salon")
    page.click()
    page.send_keys("Spring is here. Come and see us.")
    shots_at_two_widths(driver, "templates-email")
    driver.find_element(By.XPATH, "//button[normalize-space()='Save template']").click()
    wait(driver, lambda d: "Browser spring template" in d.execute_script("return document.getElementById('view').innerText"),
         message="the template is listed")
    _, listed = signed("GET", "/api/v1/templates?channel=email&per_page=100")
    mine = [t for t in listed["items"] if t["name"] == "Browser spring template"]
    assert mine and mine[0]["body"].startswith("<p>Spring is here. Come and see us.</p>"), mine
    signed("DELETE", f"/api/v1/templates/{mine[0]['id']}")


def test_the_editor_says_how_many_quiet_hours_hold_and_until_when(driver):
    # An allowed window of one minute twelve hours from now: everybody waits for it.
    later = time.gmtime(time.time() + 12 * 3600)
    start = f"{later.tm_hour:02d}:{later.tm_min:02d}"
    end = f"{later.tm_hour:02d}:{(later.tm_min + 1) % 60:02d}" if later.tm_min < 59 else f"{(later.tm_hour + 1) % 24:02d}:00"
    status, answer = signed("PUT", "/api/v1/settings", body={"channel": "sms", "quiet_hours": {"start": start, "end": end}})
    assert status == 200, answer
    try:
        stamp = int(time.time())
        service, _ = private_audience(f"Browser quiet {stamp}", [("Quinn", "Quiet", unique_phone(), None), ("Rita", "Rest", unique_phone(), None)])
        body = "Hi {customer_first_name|there}, see you soon."
        status, preview = signed("POST", "/api/v1/segments/preview", body={
            "channel": "sms", "segment": {"type": "all_appointments"}, "filters": {"service_ids": [service], "exclude_suppressed": True}, "body": body})
        if "quiet_hours" not in preview:
            raise Skip("the API's preview answers no `quiet_hours` yet (DESIGN §21)")
        held = preview["quiet_hours"]["held"]
        assert held == 2 and preview["quiet_hours"]["until"], preview["quiet_hours"]
        new_campaign_with_audience(driver, "sms", "Browser quiet hours", service)
        driver.find_element(By.NAME, "body").send_keys(body)
        wait(driver, lambda d: "would wait for quiet hours to end" in text(d, "#segment-total"), message="the quiet-hours line")
        line = text(driver, "#segment-total")
        assert f"{held} would wait for quiet hours to end, until " in line, line
        wait(driver, lambda d: len(css(d, "#message-previews .preview-item")) == 2, message="the two recipients' messages")
        assert "Hi Quinn, see you soon." in text(driver, "#message-previews")
        full_shot(driver, "editor-quiet-hours")
    finally:
        signed("PUT", "/api/v1/settings", body={"channel": "sms", "quiet_hours": None})

# ---- Safe to press Send (DESIGN §21) ----

def campaign_total(kind=None, q=None):
    """How many campaigns the API lists for tenant 1's SMS channel (optionally of a kind or name)."""
    path = "/api/v1/campaigns?channel=sms&per_page=1" + (f"&kind={kind}" if kind else "") + (f"&q={urllib.parse.quote(q)}" if q else "")
    status, page = signed("GET", path)
    assert status == 200, page
    return page["total"]


def confirm_dialog(driver):
    """The open send confirmation, once its figures have loaded."""
    dialog = wait(driver, lambda d: [e for e in css(d, "dialog#send-confirm") if e.is_displayed()], message="the confirmation opens")[0]
    wait(driver, lambda d: css(d, "#confirm-count") or "Could not count" in dialog.text, message="the confirmation's figures")
    return dialog


def test_a_double_click_on_save_and_send_creates_and_sends_once(driver):
    """Issue 26 #1: two clicks on "Save and send" make one campaign and one send; the button is
    busy while it runs, and the confirmation comes first."""
    name = f"Browser double click {int(time.time())}"
    before = campaign_total()
    open_admin(driver, page="#/campaigns/new")
    wait(driver, lambda d: css(d, "select[name=segment]"))
    driver.find_element(By.NAME, "name").send_keys(name)
    Select(driver.find_element(By.NAME, "segment")).select_by_value("all_customers")
    driver.find_element(By.NAME, "body").send_keys("Hi {customer_first_name|there}, see you soon!")
    stable_count(driver)
    ActionChains(driver).double_click(driver.find_element(By.ID, "save-and-send")).perform()
    dialog = confirm_dialog(driver)
    assert len(css(driver, "dialog#send-confirm")) == 1, "one question, not two"
    shot(driver, "confirm-save-and-send")
    send = dialog.find_element(By.CSS_SELECTOR, "button[data-confirm=send]")
    ActionChains(driver).double_click(send).perform()
    wait(driver, lambda d: re.search(r"#/campaigns/\d+$", d.current_url), message="the campaign page opens")
    campaign = int(driver.current_url.split("/")[-1])
    time.sleep(2)  # a second create or send would have landed by now
    assert campaign_total() == before + 1, "exactly one campaign was created"
    assert campaign_total(q=name) == 1
    _, progress = signed("GET", f"/api/v1/campaigns/{campaign}/progress")
    assert progress["status"] != "draft" and progress["run"] == 1, progress
    _, audit = signed("GET", f"/api/v1/audit?object_type=campaign&object_id={campaign}&channel=sms")
    sends = [entry for entry in audit["items"] if entry["action"] == "send"]
    assert len(sends) == 1, audit["items"]
    STATE["double_click"] = campaign


def test_the_confirmation_shows_the_figures_and_cancel_sends_nothing(driver):
    body = "Hi {customer_first_name}, Zoë here: your spring treat is waiting at the salon. Book this week!"
    status, draft = signed("POST", "/api/v1/campaigns", body={
        "channel": "sms", "name": "Browser confirm", "segment": {"type": "all_customers"}, "body": body})
    assert status == 201, draft
    _, preview = signed("POST", "/api/v1/segments/preview", body={
        "channel": "sms", "segment": {"type": "all_customers"}, "filters": draft.get("filters") or {}, "body": body, "sample_size": 1})
    open_admin(driver, page=f"#/campaigns/{draft['id']}")
    wait(driver, lambda d: css(d, "button[data-action=send]")).__getitem__(0).click()
    dialog = confirm_dialog(driver)
    shown = number(dialog.find_element(By.ID, "confirm-count").text)
    assert shown == preview["count"], (shown, preview["count"])
    assert "SMS" in dialog.text, dialog.text
    if "segments" in preview:
        segments = number(dialog.find_element(By.CSS_SELECTOR, "[data-figure=segments] .figure").text)
        assert segments == preview["segments"]["total"], (segments, preview["segments"])
    if preview.get("quiet_hours") is not None:
        assert css(dialog, "[data-figure=held]"), dialog.text
    if preview.get("quota"):
        left = number(dialog.find_element(By.CSS_SELECTOR, "[data-figure=quota] .figure").text)
        assert left == preview["quota"]["left"], (left, preview["quota"])
    shot(driver, "confirm-send")
    dialog.find_element(By.CSS_SELECTOR, "button[data-confirm=cancel]").click()
    wait(driver, lambda d: not css(d, "dialog#send-confirm"), message="Cancel closes the question")
    # Esc is a Cancel too.
    wait(driver, lambda d: css(d, "button[data-action=send]")).__getitem__(0).click()
    confirm_dialog(driver)
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()
    wait(driver, lambda d: not css(d, "dialog#send-confirm"), message="Esc closes the question")
    time.sleep(1.5)
    _, after = signed("GET", f"/api/v1/campaigns/{draft['id']}")
    assert after["status"] == "draft", after["status"]
    _, logs = signed("GET", f"/api/v1/campaigns/{draft['id']}/logs?per_page=1")
    assert logs["total"] == 0, "nothing was snapshotted or sent"
    signed("DELETE", f"/api/v1/campaigns/{draft['id']}")


def backend_refuses_duplicate_sends():
    """Whether the service answers a repeated manual send with 409 duplicate_send (DESIGN §21)."""
    probe = {"channel": "sms", "body": f"probe {time.time()}", "addresses": "+447700900999"}
    first, _ = signed("POST", "/api/v1/manual-send", body=probe)
    second, answer = signed("POST", "/api/v1/manual-send", body=probe)
    return first == 202 and second == 409 and (answer or {}).get("error", {}).get("code") == "duplicate_send"


def test_a_double_send_now_queues_once_and_a_deliberate_repeat_is_asked_about(driver):
    refuses_duplicates = backend_refuses_duplicate_sends()
    before = campaign_total(kind="manual")
    message = f"Your table is ready at {int(time.time())}."
    open_admin(driver, page="#/send")
    form = wait(driver, lambda d: css(d, "#send-now"))[0].find_element(By.XPATH, "./ancestor::form")

    def fill():
        form.find_element(By.NAME, "addresses").send_keys("+447700900555\n+447700900556")
        form.find_element(By.NAME, "body").send_keys(message)

    fill()
    ActionChains(driver).double_click(driver.find_element(By.ID, "send-now")).perform()
    dialog = confirm_dialog(driver)
    assert number(dialog.find_element(By.ID, "confirm-count").text) == 2, dialog.text
    ActionChains(driver).double_click(dialog.find_element(By.CSS_SELECTOR, "button[data-confirm=send]")).perform()
    wait(driver, lambda d: "Queued 2 messages." in text(d, "#manual-result"), message="the result says what happened")
    assert form.find_element(By.NAME, "addresses").get_attribute("value") == "", "the form is cleared"
    assert form.find_element(By.NAME, "body").get_attribute("value") == ""
    shot(driver, "manual-send-done")
    time.sleep(1.5)
    assert campaign_total(kind="manual") == before + 1, "one press, one send"
    if not refuses_duplicates:
        print("    note: this service has no duplicate_send yet; the repeat question is not checked")
        return
    fill()
    driver.find_element(By.ID, "send-now").click()
    confirm_dialog(driver).find_element(By.CSS_SELECTOR, "button[data-confirm=send]").click()
    question = wait(driver, lambda d: css(d, "#duplicate-question"), message="the repeat is asked about")[0]
    assert "ago" in question.text, question.text
    shot(driver, "manual-send-duplicate")
    assert campaign_total(kind="manual") == before + 1, "nothing sent before the answer"
    driver.find_element(By.ID, "send-again").click()
    wait(driver, lambda d: "Queued 2 messages." in text(d, "#manual-result"), message="sent anyway")
    assert campaign_total(kind="manual") == before + 2


def test_a_bad_phone_number_is_a_sentence_naming_the_field(driver):
    open_admin(driver, page="#/send")
    to = wait(driver, lambda d: css(d, "input[name=to]"))[0]
    to.send_keys("12ab")
    driver.find_element(By.ID, "test-send").click()
    error = wait(driver, lambda d: text(d, "[data-field=to] .error-text"), message="the error shows next to the field")
    assert "country code" in error and "E.164" not in error, error
    shot(driver, "test-send-bad-phone")
    form = driver.find_element(By.ID, "send-now").find_element(By.XPATH, "./ancestor::form")
    form.find_element(By.NAME, "addresses").send_keys("07")
    form.find_element(By.NAME, "body").send_keys(f"Hello {time.time()}")
    driver.find_element(By.ID, "send-now").click()
    confirm_dialog(driver).find_element(By.CSS_SELECTOR, "button[data-confirm=send]").click()
    wait(driver, lambda d: text(d, "#manual-result") or text(d, "[data-field=addresses] .error-text") or text(d, "form .form-error"),
         message="the manual send answers")
    time.sleep(0.5)
    page = driver.find_element(By.ID, "view").text
    assert "E.164" not in page and "customer #" not in page, page


def test_progress_shows_waiting_inside_pending_and_when_it_goes_out(driver):
    _, settings = signed("GET", "/api/v1/settings?channel=sms")
    keep = {key: (settings[key]["value"] if settings.get(key, {}).get("source") == "tenant" else None) for key in ("quiet_hours", "timezone")}
    start = (time.gmtime().tm_hour + 2) % 24  # a one-minute window two hours away: everyone is held
    status, _ = signed("PUT", "/api/v1/settings", body={"channel": "sms", "timezone": "UTC",
                                                         "quiet_hours": {"start": f"{start:02d}:00", "end": f"{start:02d}:01"}})
    assert status == 200
    campaign = None
    try:
        status, created = signed("POST", "/api/v1/campaigns", body={
            "channel": "sms", "name": "Browser quiet hours", "segment": {"type": "all_customers"}, "body": "Hi {customer_first_name|there}"})
        assert status == 201, created
        campaign = created["id"]
        signed("POST", f"/api/v1/campaigns/{campaign}/send")
        deadline = time.time() + 30
        progress = None
        while time.time() < deadline:
            _, progress = signed("GET", f"/api/v1/campaigns/{campaign}/progress")
            if progress["waiting"] > 0:
                break
        assert progress and progress["waiting"] > 0, progress
        open_admin(driver, page=f"#/campaigns/{campaign}")
        # The tiles are redrawn every second: read them in one script, never through a stale element.
        def tiles(d):
            return d.execute_script("""
                const read = (key, part) => document.querySelector(`[data-counter=${key}] .${part}`)?.textContent ?? '';
                return {detail: read('pending', 'detail'), waiting: !!document.querySelector('[data-counter=waiting]'),
                        values: Object.fromEntries(['sent', 'pending', 'failed', 'skipped'].map((k) => [k, read(k, 'value')]))};""")
        shown = wait(driver, lambda d: (lambda t: t if t["detail"] else None)(tiles(d)), message="the pending tile explains itself")
        detail = shown["detail"]
        assert not shown["waiting"], "waiting is part of pending, not a second pile"
        assert "wait for quiet hours to end" in detail or "waits for quiet hours to end" in detail, detail
        _, progress = signed("GET", f"/api/v1/campaigns/{campaign}/progress")
        counters = {key: number(value) for key, value in tiles(driver)["values"].items()}
        assert abs(counters["pending"] - (progress["pending"] + progress["sending"])) <= 5, (counters, progress)
        assert abs(sum(counters.values()) - progress["total"]) <= 5, (counters, progress)
        if progress.get("next_release_at"):
            assert "from" in detail and ("today" in detail or "tomorrow" in detail), detail
        else:
            print("    note: this service's progress has no next_release_at yet")
        shot(driver, "progress-quiet-hours")
        driver.execute_script("location.hash = arguments[0]", f"#/campaigns/{campaign}/logs")
        wait(driver, lambda d: css(d, "#logs-table tbody tr"), message="log rows")
        logs_text = text(driver, "#logs-table")
        assert "quiet_hours" not in logs_text, "no internal word under the note"
        _, rows = signed("GET", f"/api/v1/campaigns/{campaign}/logs?per_page=5")
        if any(row.get("held_until") for row in rows["items"]):
            assert "Held until" in logs_text, logs_text[:400]
        else:
            print("    note: this service's log rows have no held_until yet")
        shot(driver, "logs-quiet-hours")
    finally:
        if campaign:
            signed("POST", f"/api/v1/campaigns/{campaign}/cancel")
        signed("PUT", "/api/v1/settings", body={"channel": "sms", **keep})


def test_the_progress_view_follows_the_event_stream_to_the_end(driver):
    """DESIGN §17: the wizard reads GET …/events (fetch + Bearer), moves with each progress event
    and stops on done, without polling /progress while the stream runs."""
    status, _ = signed("PUT", "/api/v1/settings", body={"channel": "sms", "rate_limit": 20})
    assert status == 200
    campaign = None
    try:
        status, created = signed("POST", "/api/v1/campaigns", body={
            "channel": "sms", "name": "Browser live", "segment": {"type": "all_customers"}, "body": "Hello {customer_first_name}"})
        assert status == 201, created
        campaign = created["id"]
        open_admin(driver, page=f"#/campaigns/{campaign}")
        # A draft's stream stays open: the page is following it before anything is sent.
        wait(driver, lambda d: css(d, "#progress-bar") and css(d, "#progress-bar")[0].get_attribute("data-live") == "stream",
             message="the view follows the event stream")
        driver.execute_script("performance.clearResourceTimings()")
        status, sent = signed("POST", f"/api/v1/campaigns/{campaign}/send")
        assert status == 200 and sent["total"] > 50, sent
        seen = set()
        deadline = time.time() + 90
        while time.time() < deadline and not css(driver, "#completion"):
            percent = driver.execute_script("return document.querySelector('#progress-bar')?.dataset.percent")
            if percent is not None:
                seen.add(int(percent))
            time.sleep(0.1)
        assert css(driver, "#completion"), f"the completion state shows (percentages seen: {sorted(seen)})"
        assert len([p for p in seen if 0 < p < 100]) >= 2, f"the bar moved in steps: {sorted(seen)}"
        live = driver.execute_script("return document.querySelector('#progress-bar').dataset.live")
        assert live == "done", f"the stream ended with done, not a fallback ({live})"
        polled = driver.execute_script(
            "return performance.getEntriesByType('resource').filter((e) => e.name.includes('/progress')).length")
        assert polled == 0, f"{polled} polls of /progress while the stream ran"
        _, progress = signed("GET", f"/api/v1/campaigns/{campaign}/progress")
        assert progress["status"] == "completed", progress
        assert number(text(driver, "[data-counter=sent] .value")) == progress["sent"] + progress["delivered"] + progress["undelivered"]
        shot(driver, "progress-live")
    finally:
        if campaign:
            signed("POST", f"/api/v1/campaigns/{campaign}/cancel")
        signed("PUT", "/api/v1/settings", body={"channel": "sms", "rate_limit": None})


def test_the_chart_tooltip_says_each_days_own_figure(driver):
    _, dashboard = signed("GET", "/api/v1/dashboard?channel=sms")
    if not any(day["sent"] for day in dashboard["daily"]):
        _, created = signed("POST", "/api/v1/campaigns", body={
            "channel": "sms", "name": "Browser chart", "segment": {"type": "all_customers"}, "body": "Hello"})
        signed("POST", f"/api/v1/campaigns/{created['id']}/send")
        for _ in range(60):
            _, dashboard = signed("GET", "/api/v1/dashboard?channel=sms")
            if any(day["sent"] for day in dashboard["daily"]):
                break
    open_admin(driver, page="#/")
    wait(driver, lambda d: css(d, ".chart svg g.day"), message="the chart")
    _, dashboard = signed("GET", "/api/v1/dashboard?channel=sms")
    days = [day for day in dashboard["daily"] if day["sent"]]
    assert days, dashboard["daily"]
    for day in days:
        tip = driver.execute_script("const t = document.querySelector(`.chart g.day[data-date='${arguments[0]}'] title`); return t && t.textContent;", day["date"])
        assert tip and f"{day['sent']} sent" in tip and f"{day['failed']} failed" in tip, (day, tip)
    quiet = next((day for day in dashboard["daily"] if not day["sent"] and not day["failed"]), None)
    if quiet:
        tip = driver.execute_script("return document.querySelector(`.chart g.day[data-date='${arguments[0]}'] title`).textContent;", quiet["date"])
        assert "0 sent" in tip, tip
    shot(driver, "dashboard-chart")
    # A campaign's results: a short series is a row of days, not one block as wide as the chart.
    campaign = STATE.get("campaign") or STATE.get("double_click")
    if campaign:
        driver.execute_script("location.hash = arguments[0]", f"#/campaigns/{campaign}/results")
        wait(driver, lambda d: css(d, ".chart svg g.day") or css(d, ".empty"), message="the results")
        if css(driver, ".chart svg g.day"):
            assert len(css(driver, ".chart svg g.day")) >= 14
            widths = driver.execute_script("return Array.from(document.querySelectorAll('.chart rect.bar-bookings')).map(r => r.getBBox().width)")
            assert all(width <= 36 for width in widths), widths
            tip = driver.execute_script("return document.querySelector('.chart g.day title').textContent")
            assert "sent" not in tip and "booking" in tip, tip


def next_alert(driver):
    """The dialog (prompt or confirm) the page opened, once it is there."""
    def present(d):
        try:
            return d.switch_to.alert
        except NoAlertPresentException:
            return False
    return wait(driver, present, timeout=10, message="the page's dialog")


def test_a_saved_audience_is_made_in_the_editor_used_by_a_campaign_and_kept_while_used(driver):
    open_admin(driver, page="#/campaigns/new")
    wait(driver, lambda d: css(d, "select[name=segment]") and css(d, "#save-audience"), message="the editor with its audience choice")
    Select(driver.find_element(By.NAME, "segment")).select_by_value("lapsed")
    own_count = stable_count(driver)
    name = f"Lapsed regulars {int(time.time())}"
    driver.find_element(By.ID, "save-audience").click()
    prompt = next_alert(driver)
    prompt.send_keys(name)
    prompt.accept()
    wait(driver, lambda d: Select(d.find_element(By.ID, "audience-choice")).first_selected_option.text == name,
         message="the new audience is chosen")
    assert not driver.find_element(By.CSS_SELECTOR, ".own-segment").is_displayed(), "the editor's own choices step aside"
    assert "Lapsed customers (90 days)" in text(driver, "#audience-summary")
    assert stable_count(driver) == own_count, "the saved audience reaches whom the choices reached"
    driver.execute_script("document.querySelector('#audience-choice').scrollIntoView({block: 'center'})")
    shot(driver, "editor-saved-audience")
    _, audiences = signed("GET", "/api/v1/audiences?channel=sms")
    audience = next(a for a in audiences["items"] if a["name"] == name)
    assert audience["segment"]["type"] == "lapsed", audience
    driver.find_element(By.NAME, "name").send_keys("Browser saved audience")
    driver.find_element(By.NAME, "body").send_keys("Hi {customer_first_name|there}, we miss you!")
    driver.find_element(By.XPATH, "//button[normalize-space()='Save draft']").click()
    wait(driver, lambda d: d.current_url.endswith("/edit"), message="the draft is saved")
    campaign_id = int(driver.current_url.split("/")[-2])
    status, campaign = signed("GET", f"/api/v1/campaigns/{campaign_id}")
    assert status == 200 and campaign["audience_id"] == audience["id"], campaign
    # Reopened, the campaign shows its audience chosen.
    driver.refresh()
    wait(driver, lambda d: css(d, "#audience-choice option:checked")
         and Select(d.find_element(By.ID, "audience-choice")).first_selected_option.text == name, message="the saved choice")
    # The library names the campaign and refuses to delete an audience in use, in words.
    driver.execute_script("location.hash = '#/audiences'")
    row_selector = f"tr[data-audience='{audience['id']}']"
    wait(driver, lambda d: css(d, row_selector), message="the audience in the library")
    assert f"#{campaign_id}" in text(driver, row_selector)
    css(driver, row_selector)[0].find_element(By.XPATH, ".//button[normalize-space()='Delete']").click()
    next_alert(driver).accept()
    wait(driver, lambda d: text(d, f"{row_selector} .error-text").strip(), message="the refusal next to the audience")
    shot(driver, "audiences")
    status, still = signed("GET", f"/api/v1/audiences/{audience['id']}")
    assert status == 200 and campaign_id in still["used_by"], still


def test_translations_and_the_email_button_are_edited_counted_and_previewed(driver):
    """DESIGN §15 in the editor: a locale added by its code gets its own subject, message and
    button label; the count says who gets which version; the German customer's preview is German
    with the button; names and codes stay text."""
    stamp = int(time.time())
    service, ids = private_audience(f"Browser i18n {stamp}", [
        ("Jonas", "Deutsch", unique_phone(), f"jonas{stamp}@example.com"),
        ("<img src=x onerror=alert(1)>", "Base", unique_phone(), f"base{stamp}@example.com")])
    sql(f"UPDATE wp_bkntc_appointments SET locale = 'de_DE' WHERE customer_id = {ids[0]}")
    status, draft = signed("POST", "/api/v1/campaigns", body={
        "channel": "email", "name": "Browser translations", "segment": {"type": "all_appointments"},
        "filters": {"service_ids": [service], "exclude_suppressed": True}, "subject": "Hello {customer_first_name}",
        "body": "<p>Hello {customer_first_name}</p>"})
    assert status == 201, draft
    open_admin(driver, page="#/")
    wait(driver, lambda d: css(d, "#channels button[data-channel=email]"))[0].click()
    driver.execute_script("location.hash = arguments[0]", f"#/campaigns/{draft['id']}/edit")
    wait(driver, lambda d: css(d, "#translations") and preview_srcdoc(d), message="the editor with its translations")
    summary = driver.find_element(By.CSS_SELECTOR, "#translations summary")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", summary)
    summary.click()
    code = driver.find_element(By.ID, "new-locale")
    code.send_keys("<b>")
    driver.find_element(By.ID, "add-locale").click()
    assert "language code" in text(driver, "#locale-error"), "a code that is not a locale is refused in words"
    code.clear()
    code.send_keys("DE")
    driver.find_element(By.ID, "add-locale").click()
    tab = wait(driver, lambda d: css(d, "#locale-tabs [data-locale=de]"), message="the de tab")[0]
    assert tab.text == "de"
    panel = driver.find_element(By.CSS_SELECTOR, ".locale-panel[data-locale=de]")
    panel.find_element(By.CSS_SELECTOR, "input[aria-label='Subject (de)']").send_keys("Hallo {customer_first_name}")
    panel.find_element(By.CSS_SELECTOR, "textarea").send_keys("<p>Hallo {customer_first_name}</p>")
    panel.find_element(By.CSS_SELECTOR, "input[aria-label='Button label (de)']").send_keys("Jetzt buchen")
    driver.find_element(By.ID, "f-action-label").send_keys("Book now")
    driver.find_element(By.ID, "f-action-url").send_keys("https://salon.example/book?e={customer_email}")
    wait(driver, lambda d: "de 1" in text(d, "#locale-counts") and "base text 1" in text(d, "#locale-counts"),
         message="the count per version")
    pick = Select(driver.find_element(By.ID, "preview-recipient"))
    wait(driver, lambda d: any("(de)" in o.text for o in Select(d.find_element(By.ID, "preview-recipient")).options),
         message="the preview names each recipient's version")
    german = next(o for o in pick.options if "(de)" in o.text)
    pick.select_by_value(german.get_attribute("value"))
    wait(driver, lambda d: "Hallo Jonas" in iframe_text(d) and "Jetzt buchen" in iframe_text(d), message="the German message with its button")
    href = in_email_preview(driver, lambda d: d.find_element(By.XPATH, "//a[normalize-space()='Jetzt buchen']").get_attribute("href"))
    assert href == f"https://salon.example/book?e=jonas{stamp}%40example.com", href
    assert text(driver, "#preview-subject").endswith("Hallo Jonas")
    base = next(o for o in pick.options if "(de)" not in o.text)
    assert "<img src=x onerror=alert(1)>" in base.text, "a hostile name is shown as text"
    pick.select_by_value(base.get_attribute("value"))
    wait(driver, lambda d: "Book now" in iframe_text(d), message="the base message with its button")
    driver.execute_script("document.getElementById('translations').scrollIntoView({block: 'start'})")
    shot(driver, "editor-translations")
    driver.find_element(By.ID, "save-draft").click()
    wait(driver, lambda d: "Saved" in text(d, ".form-error"), message="saved")
    _, saved = signed("GET", f"/api/v1/campaigns/{draft['id']}")
    assert saved["subject_i18n"] == {"de": "Hallo {customer_first_name}"}, saved
    assert saved["body_i18n"] == {"de": "<p>Hallo {customer_first_name}</p>"}, saved
    assert saved["action_label_i18n"] == {"de": "Jetzt buchen"} and saved["action_label"] == "Book now", saved
    assert saved["action_url"] == "https://salon.example/book?e={customer_email}", saved
    assert not driver.get_log("browser") or all("alert" not in e["message"] for e in driver.get_log("browser"))


def test_a_broadcast_is_written_once_for_two_channels_sent_and_followed_per_channel(driver):
    open_admin(driver, page="#/broadcasts/new")
    wait(driver, lambda d: css(d, "#broadcast-editor"), message="the broadcast editor")
    name = "Spring <b>offer</b>"
    driver.find_element(By.NAME, "name").send_keys(name)
    Select(driver.find_element(By.NAME, "mode")).select_by_value("first")
    # The API's words next to the field it names: the email message needs a subject.
    driver.find_element(By.NAME, "body-sms").send_keys("Hi {customer_first_name}, 10% off this week")
    driver.find_element(By.NAME, "body-email").send_keys("Hello {customer_first_name}, 10% off this week")
    driver.find_element(By.ID, "save-broadcast").click()
    wait(driver, lambda d: text(d, "[data-field='content.email.subject'] .error-text").strip(), message="the subject's error")
    driver.find_element(By.NAME, "subject-email").send_keys("Spring offer")
    driver.find_element(By.ID, "save-broadcast").click()
    wait(driver, lambda d: re.search(r"#/broadcasts/\d+$", d.current_url), message="the saved broadcast opens")
    broadcast = int(driver.current_url.rsplit("/", 1)[-1])
    wait(driver, lambda d: css(d, "#broadcast-progress tr[data-channel=email]"), message="a row per channel")
    assert text(driver, "#broadcast h1") == name, "the name is text"
    status, stored = signed("GET", f"/api/v1/broadcasts/{broadcast}")
    assert status == 200 and stored["channels"] == ["sms", "email"] and stored["mode"] == "first", stored
    assert [c["channel"] for c in stored["campaigns"]] == ["sms", "email"], stored
    shot(driver, "broadcast-draft")
    css(driver, "button[data-action=send]")[0].click()
    # The question first (DESIGN §21; broadcast_ui_test.py checks its figures).
    wait(driver, lambda d: [b for b in css(d, "#broadcast-confirm button[data-confirm=send]") if b.is_enabled()],
         message="the question with its figures")[0].click()
    wait(driver, lambda d: css(d, "#broadcast-progress tr[data-channel=all]")
         and number(text(d, "#broadcast-progress tr[data-channel=all] [data-counter=total]")) > 0, message="the snapshot's total")
    status, progress = signed("GET", f"/api/v1/broadcasts/{broadcast}/progress")
    assert status == 200, progress
    shown = number(text(driver, "#broadcast-progress tr[data-channel=all] [data-counter=total]"))
    assert shown == progress["total"] == sum(p["total"] for p in progress["channels"].values()), (shown, progress)
    shot(driver, "broadcast-sent")
    open_admin(driver, page="#/broadcasts")
    wait(driver, lambda d: css(d, f"tr[data-broadcast='{broadcast}']"), message="the broadcast in the list")
    assert name in text(driver, f"tr[data-broadcast='{broadcast}']")


def run(tests, label):
    """Runs each test in one browser, reports every failure with a screenshot, exits 1 on any."""
    failures = 0
    if not tests:
        print(f"{label}: none chosen")
        sys.exit(0)
    driver = new_driver()
    try:
        for test in tests:
            started = time.monotonic()
            try:
                test(driver)
                print(f"  ok   {test.__name__} ({time.monotonic() - started:.1f} s)")
            except Skip as why:
                print(f"  skip {test.__name__}: {why}")
            except Exception:  # noqa: BLE001 - report every failure, go on with the next test
                failures += 1
                print(f"  FAIL {test.__name__}")
                traceback.print_exc()
                shot(driver, f"failed-{test.__name__}")
                for entry in driver.get_log("browser"):
                    print("    console:", entry["level"], entry["message"][:300])
    finally:
        driver.quit()
    print(f"{label}: {len(tests) - failures} passed, {failures} failed; screenshots in {SHOTS}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    # BROWSER_ONLY (a regular expression) runs the matching tests alone, e.g. while writing one.
    only = re.compile(os.environ.get("BROWSER_ONLY", ""))
    run([value for key, value in list(globals().items()) if key.startswith("test_") and only.search(key)], "browser tests")
