"""Screenshots of every screen of the admin UI at 1366 and 820 px (run by Scripts/screenshots).

Builds a little history first through the signed API (a sent SMS campaign with bookings after
it, an email draft, a manual send, a campaign held by quiet hours), then visits each screen and
saves SCREENSHOTS_OUT/<name>-<width>.png. A screen that fails is reported and skipped.
"""
import json
import os
import subprocess
import sys
import time
import traceback
import urllib.error
import urllib.request
from datetime import datetime, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Scripts", "lib"))
from bridge_signing import launch_token, signed_call  # noqa: E402
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

BASE = os.environ["BROWSER_BASE"]
OUT = os.environ.get("SCREENSHOTS_OUT", "docs/screenshots")
BIN = os.environ["BKNTC_BIN"]
WIDTHS = [1366, 820]
MAX_HEIGHT = 1400


def signed(method, path, body=None, tenant=1, user=1):
    """A signed API call as the bridge makes it: (status, JSON)."""
    return signed_call(BASE, method, path, tenant, user, body)


def launch_link(tenant=1, user=1):
    return f"{BASE}/admin/#launch={launch_token(tenant, user)}"


def css(driver, selector):
    return driver.find_elements(By.CSS_SELECTOR, selector)


def wait(driver, condition, timeout=20):
    return WebDriverWait(driver, timeout, poll_frequency=0.2).until(lambda d: condition(d))


def wait_done(campaign, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        _, progress = signed("GET", f"/api/v1/campaigns/{campaign}/progress")
        if progress and progress.get("stage") == "done":
            return progress
        time.sleep(1)
    return None


def prepare():
    """The history the screens show; returns the ids they need."""
    ids = {}
    _, created = signed("POST", "/api/v1/campaigns", {
        "channel": "sms", "name": "We miss you – 15% off your next visit", "segment": {"type": "lapsed", "days": 90},
        "body": "Hi {customer_first_name}, we miss you! Book this month and get 15% off. Reply STOP to opt out."})
    ids["sent"] = created["id"]
    signed("POST", f"/api/v1/campaigns/{ids['sent']}/send")
    wait_done(ids["sent"])
    subprocess.run([BIN, "demo-data", "--bookings-after", str(ids["sent"]), "--share", "0.3"], check=False,
                   capture_output=True)
    _, draft = signed("POST", "/api/v1/campaigns", {
        "channel": "sms", "name": "Spring colour offer", "segment": {"type": "all_customers"},
        "body": "Hi {customer_first_name|there}, spring colour is here: 20% off highlights until Sunday. Book online: https://salon.example/book/spring-colour?utm_source=sms&utm_campaign=spring"})
    ids["draft"] = draft["id"]
    _, email = signed("POST", "/api/v1/campaigns", {
        "channel": "email", "name": "Spring newsletter", "segment": {"type": "all_customers"},
        "subject": "New spring treatments, {customer_first_name|friend}",
        "body": "<p>Hi {customer_first_name|there},</p><p>Our spring treatments are here. <a href=\"https://example.com\">Book now</a>.</p>"})
    ids["email"] = email["id"]
    _, customers = signed("GET", "/api/v1/customers?q=a&limit=3")
    picks = [c["id"] for c in (customers or {}).get("items", [])][:2]
    ids["customer"] = picks[0] if picks else 1
    signed("POST", "/api/v1/manual-send", {"channel": "sms", "body": "Your appointment tomorrow is confirmed. See you then!",
                                           "customer_ids": picks})
    # Broadcasts (DESIGN §14): one sent by SMS and email, with a German version and an email
    # button, a recipient's click on the SMS's short link; and a draft to edit and to ask about.
    broadcast = {
        "name": "Spring colour week", "channels": ["sms", "email"], "mode": "first", "segment": {"type": "recent_bookers", "days": 60},
        "content": {
            "sms": {"body": "Hi {customer_first_name|there}, spring colour week: 20% off highlights. Book: https://salon.example/book",
                    "body_i18n": {"de": "Hallo {customer_first_name|du}, Frühlingsfarben-Woche: 20% auf Strähnchen. https://salon.example/book"}},
            "email": {"subject": "Spring colour week, {customer_first_name|friend}",
                      "body": "<p>Hi {customer_first_name|there},</p><p>20% off highlights all week.</p>",
                      "subject_i18n": {"de": "Frühlingsfarben-Woche"}, "body_i18n": {"de": "<p>Hallo {customer_first_name|du},</p><p>20% auf Strähnchen.</p>"},
                      "action_label": "Book now", "action_label_i18n": {"de": "Jetzt buchen"}, "action_url": "https://salon.example/book"}}}
    _, sent_broadcast = signed("POST", "/api/v1/broadcasts", broadcast)
    ids["broadcast"] = sent_broadcast["id"]
    signed("POST", f"/api/v1/broadcasts/{ids['broadcast']}/send")
    for campaign in sent_broadcast["campaigns"]:
        wait_done(campaign["id"])
    sms_campaign = next(c["id"] for c in sent_broadcast["campaigns"] if c["channel"] == "sms")
    codes = subprocess.run(os.environ["BROWSER_SQL"].split() + ["-N", "-e", f"SELECT code FROM wp_bkntc_campaign_links WHERE campaign_id = {sms_campaign} LIMIT 12"],
                           capture_output=True, text=True, check=False).stdout.split()
    for code in codes:
        try:
            urllib.request.urlopen(urllib.request.Request(f"{BASE}/r/{code}"), timeout=5)
        except Exception:  # noqa: BLE001 - the redirect's target (salon.example) is not reachable: the click counted
            pass
    _, draft_broadcast = signed("POST", "/api/v1/broadcasts", {**broadcast, "name": "Summer opening hours", "mode": "all"})
    ids["broadcast_draft"] = draft_broadcast["id"]
    # A campaign held by quiet hours: a window that excludes the current hour (in UTC).
    _, settings = signed("GET", "/api/v1/settings?channel=sms")
    hour = datetime.now(timezone.utc).hour
    start = (hour + 2) % 24  # a one-minute window two hours away: everyone is held, whatever their zone
    signed("PUT", "/api/v1/settings", {"channel": "sms", "timezone": "UTC",
                                       "quiet_hours": {"start": f"{start:02d}:00", "end": f"{start:02d}:01"}})
    _, held = signed("POST", "/api/v1/campaigns", {
        "channel": "sms", "name": "Weekend opening hours", "segment": {"type": "recent_bookers", "days": 30},
        "body": "Hi {customer_first_name|there}, we are now open on Sundays from 10 to 4."})
    ids["held"] = held["id"]
    signed("POST", f"/api/v1/campaigns/{ids['held']}/send")
    time.sleep(3)
    def tenant_value(key):
        entry = (settings or {}).get(key) or {}
        return entry.get("value") if entry.get("source") == "tenant" else None
    restore = {"channel": "sms", "quiet_hours": tenant_value("quiet_hours"), "timezone": tenant_value("timezone")}
    ids["restore"] = restore
    return ids


def new_driver():
    options = Options()
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1366,1000", "--disable-dev-shm-usage",
                     "--hide-scrollbars"]:
        options.add_argument(argument)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def open_admin(driver):
    driver.get(launch_link())
    dialog = wait(driver, lambda d: [e for e in css(d, "dialog#launch-confirm") if e.is_displayed()])[0]
    dialog.find_element(By.CSS_SELECTOR, "button[data-launch=open]").click()
    wait(driver, lambda d: css(d, "#channels button"))


def channel(driver, name):
    driver.execute_script("sessionStorage.setItem('bkntc.channel', arguments[0])", name)
    button = css(driver, f"#channels button[data-channel={name}]")
    if button:
        button[0].click()
        time.sleep(0.5)


def go(driver, hash_, ready=None):
    driver.execute_script("location.hash = arguments[0]", hash_)
    time.sleep(0.3)
    wait(driver, lambda d: not css(d, "#view > .loading"))
    if ready:
        try:
            wait(driver, lambda d: css(d, ready), timeout=10)
        except Exception:  # noqa: BLE001 - shoot what is there
            pass
    time.sleep(1.2)


def capture(driver, name, width):
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False})
    time.sleep(0.4)
    height = min(MAX_HEIGHT, max(900, driver.execute_script("return document.documentElement.scrollHeight")))
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    time.sleep(0.3)
    path = os.path.join(OUT, f"{name}-{width}.png")
    driver.save_screenshot(path)
    print(f"  {path} ({os.path.getsize(path) // 1024} KB)")


def screens(ids):
    """(name, how to get there) for every screen."""
    def page(hash_, ready=None, ch="sms"):
        def visit(driver):
            channel(driver, ch)
            go(driver, hash_, ready)
        return visit

    def confirm(driver):
        channel(driver, "sms")
        go(driver, f"#/campaigns/{ids['draft']}", "button[data-action=send]")
        before = signed("GET", f"/api/v1/campaigns/{ids['draft']}")[1]["status"]
        if before != "draft":
            raise RuntimeError("the draft is gone")
        # Only a UI that asks first may be clicked: an old UI would send at once.
        try:
            urllib.request.urlopen(BASE + "/admin/js/confirm.js", timeout=5).read()
        except urllib.error.HTTPError:
            raise RuntimeError("this UI has no confirmation dialog") from None
        css(driver, "button[data-action=send]")[0].click()
        wait(driver, lambda d: [e for e in css(d, "dialog#send-confirm") if e.is_displayed()])
        time.sleep(1.5)

    def broadcast_confirm(driver):
        channel(driver, "sms")
        go(driver, f"#/broadcasts/{ids['broadcast_draft']}", "button[data-action=send]")
        css(driver, "button[data-action=send]")[0].click()
        wait(driver, lambda d: css(d, "#broadcast-confirm section[data-channel] .figure"))
        time.sleep(1)

    def broadcast_confirm_close(driver):
        for button in css(driver, "dialog#broadcast-confirm button[data-confirm=cancel]"):
            button.click()

    def confirm_close(driver):
        for button in css(driver, "dialog#send-confirm button[data-confirm=cancel]"):
            button.click()

    return [
        ("dashboard", page("#/", ".chart svg")),
        ("campaigns", page("#/campaigns", "table")),
        ("campaign-progress", page(f"#/campaigns/{ids['sent']}", "#completion")),
        ("campaign-held", page(f"#/campaigns/{ids['held']}", "#progress-counters")),
        ("campaign-draft", page(f"#/campaigns/{ids['draft']}", "#progress-counters")),
        ("confirm-send", confirm),
        ("editor-sms", page("#/campaigns/new", "#recipient-count")),
        ("editor-sms-draft", page(f"#/campaigns/{ids['draft']}/edit", "#recipient-count")),
        ("editor-email", page(f"#/campaigns/{ids['email']}/edit", "#recipient-count", ch="email")),
        ("logs", page(f"#/campaigns/{ids['sent']}/logs", "#logs-table")),
        ("logs-held", page(f"#/campaigns/{ids['held']}/logs", "#logs-table")),
        ("results", page(f"#/campaigns/{ids['sent']}/results", ".chart svg")),
        ("customer", page(f"#/customers/{ids['customer']}", "table")),
        ("templates", page("#/templates")),
        ("suppressions", page("#/suppressions", "#suppression-total")),
        ("settings", page("#/settings")),
        ("send", page("#/send", "form")),
        ("history", page("#/audit", "#audit-results table")),
        ("broadcast-editor", page(f"#/broadcasts/{ids['broadcast_draft']}/edit", "#email-locale-tabs")),
        ("broadcast-progress", page(f"#/broadcasts/{ids['broadcast']}", "#broadcast-live[data-live=done]")),
        ("broadcast-confirm", broadcast_confirm),
    ], {"confirm-send": confirm_close, "broadcast-confirm": broadcast_confirm_close}


def main():
    os.makedirs(OUT, exist_ok=True)
    ids = prepare()
    driver = new_driver()
    failures = 0
    try:
        open_admin(driver)
        shots, after = screens(ids)
        for name, visit in shots:
            for width in WIDTHS:
                try:
                    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False})
                    visit(driver)
                    capture(driver, name, width)
                except Exception as error:  # noqa: BLE001 - the other screens still get their pictures
                    failures += 1
                    print(f"  skipped {name}-{width}: {str(error).splitlines()[0] if str(error) else type(error).__name__}")
                    if os.environ.get("SCREENSHOTS_DEBUG"):
                        traceback.print_exc()
                finally:
                    if name in after:
                        try:
                            after[name](driver)
                        except Exception:  # noqa: BLE001
                            pass
        # The page an expired or used launch link opens.
        for width in WIDTHS:
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False})
            driver.get(BASE + "/health")
            driver.execute_script("sessionStorage.clear()")
            driver.get(BASE + "/admin/#launch=eyJ1c2VyIjoxLCJ0ZW5hbnQiOjEsImlhdCI6MSwiZXhwIjoyLCJub25jZSI6IngifQ.AAAA")
            try:
                dialog = wait(driver, lambda d: [e for e in css(d, "dialog#launch-confirm") if e.is_displayed()], timeout=5)[0]
                dialog.find_element(By.CSS_SELECTOR, "button[data-launch=open]").click()
            except Exception:  # noqa: BLE001
                pass
            time.sleep(1.5)
            capture(driver, "launch-expired", width)
    finally:
        driver.quit()
        signed("PUT", "/api/v1/settings", ids["restore"])
    print(f"screenshots in {OUT}; {failures} skipped")


if __name__ == "__main__":
    sys.exit(main())
