"""Browser tests of the broadcast screens and what a campaign's figures add (DESIGN §14–§18, §21).

Run by Scripts/browser-tests.sh after admin_ui_test.py, against the same live service, demo data
and outbox provider; it reuses that file's helpers (sign in, waits, SQL, screenshots).
"""
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from admin_ui_test import (  # noqa: E402
    By, Select, css, iframe_text, new_campaign_with_audience, number, open_admin, private_audience, run, set_value, shot,
    shots_at_two_widths, signed, sql, sql_text, stable_count, text, unique_phone, wait)


def new_broadcast(driver, name):
    """Opens the broadcast editor (SMS then email, the default order) and names it."""
    open_admin(driver, page="#/broadcasts/new")
    wait(driver, lambda d: css(d, "#broadcast-editor") and css(d, "fieldset[data-channel=email]"), message="the broadcast editor")
    driver.find_element(By.NAME, "name").send_keys(name)


def add_locale(driver, channel, typed, locale=None):
    """Opens a channel's "Other languages" and adds the code `typed` (shown as `locale`); answers its panel."""
    locale = locale or typed
    details = driver.find_element(By.ID, f"{channel}-translations")
    if details.get_attribute("open") is None:
        details.find_element(By.CSS_SELECTOR, "summary").click()
    driver.find_element(By.ID, f"{channel}-new-locale").send_keys(typed)
    driver.find_element(By.ID, f"{channel}-add-locale").click()
    return wait(driver, lambda d: css(d, f"#{channel}-locale-panels .locale-panel[data-locale={locale}]"), message=f"the {locale} tab of {channel}")[0]


def saved_broadcast_id(driver):
    driver.find_element(By.ID, "save-broadcast").click()
    wait(driver, lambda d: re.search(r"#/broadcasts/\d+$", d.current_url), message="the saved broadcast opens")
    return int(driver.current_url.rsplit("/", 1)[-1])


def test_a_broadcast_carries_each_channels_languages_and_the_email_button(driver):
    """§15 in the broadcast editor: an SMS and an email message, each with a German version, the
    email with a button and its German label; the API stores them under each channel's content,
    and the editor shows them again when the saved broadcast is opened."""
    new_broadcast(driver, "Sommer <i>Angebot</i>")
    driver.find_element(By.NAME, "body-sms").send_keys("Hi {customer_first_name|there}, 10% off this week")
    sms_de = add_locale(driver, "sms", "de")
    sms_de.find_element(By.CSS_SELECTOR, "textarea").send_keys("Hallo {customer_first_name|du}, 10% Rabatt")
    driver.find_element(By.NAME, "subject-email").send_keys("Summer offer")
    driver.find_element(By.NAME, "body-email").send_keys("Hello {customer_first_name|there}, 10% off this week")
    email_de = add_locale(driver, "email", "DE", "de")  # typed in capitals: the tab is `de`
    email_de.find_element(By.CSS_SELECTOR, "input[aria-label='Subject (de)']").send_keys("Sommerangebot")
    email_de.find_element(By.CSS_SELECTOR, "textarea").send_keys("Hallo {customer_first_name|du}, 10% Rabatt")
    email_de.find_element(By.CSS_SELECTOR, "input[aria-label='Button label (de)']").send_keys("Jetzt buchen")
    driver.find_element(By.ID, "email-f-action-label").send_keys("Book now")
    url = driver.find_element(By.ID, "email-f-action-url")
    url.send_keys("ftp://salon.example/book")
    broadcast_id = None
    driver.find_element(By.ID, "save-broadcast").click()
    # A button link that is not a web address: the API's 400 shows at the email's button.
    wait(driver, lambda d: text(d, "[data-field='content.email.action_url'] .error-text").strip(), message="the button link's error")
    assert "#/broadcasts/new" in driver.current_url, "nothing saved"
    url.clear()
    url.send_keys("https://salon.example/book?e={customer_email}")
    shot(driver, "broadcast-editor-translations")
    broadcast_id = saved_broadcast_id(driver)
    status, stored = signed("GET", f"/api/v1/broadcasts/{broadcast_id}")
    assert status == 200, stored
    sms, mail = stored["content"]["sms"], stored["content"]["email"]
    assert sms["body"] == "Hi {customer_first_name|there}, 10% off this week", sms
    assert sms["body_i18n"] == {"de": "Hallo {customer_first_name|du}, 10% Rabatt"}, sms
    assert mail["subject_i18n"] == {"de": "Sommerangebot"}, mail
    assert mail["body_i18n"] == {"de": "Hallo {customer_first_name|du}, 10% Rabatt"}, mail
    assert mail["action_label"] == "Book now" and mail["action_label_i18n"] == {"de": "Jetzt buchen"}, mail
    assert mail["action_url"] == "https://salon.example/book?e={customer_email}", mail

    # Opened again: every channel's versions and the button are back in their fields.
    driver.execute_script("location.hash = arguments[0]", f"#/broadcasts/{broadcast_id}/edit")
    wait(driver, lambda d: css(d, "#email-locale-tabs [data-locale=de]") and css(d, "#sms-locale-tabs [data-locale=de]"),
         message="the saved versions as tabs")
    panel = driver.find_element(By.CSS_SELECTOR, "#email-locale-panels .locale-panel[data-locale=de]")
    assert panel.find_element(By.CSS_SELECTOR, "input[aria-label='Subject (de)']").get_attribute("value") == "Sommerangebot"
    assert panel.find_element(By.CSS_SELECTOR, "input[aria-label='Button label (de)']").get_attribute("value") == "Jetzt buchen"
    sms_panel = driver.find_element(By.CSS_SELECTOR, "#sms-locale-panels .locale-panel[data-locale=de]")
    assert sms_panel.find_element(By.CSS_SELECTOR, "textarea").get_attribute("value") == "Hallo {customer_first_name|du}, 10% Rabatt"
    assert driver.find_element(By.ID, "email-f-action-url").get_attribute("value") == "https://salon.example/book?e={customer_email}"
    # Removing the SMS version and saving removes it from the API too.
    sms_panel.find_element(By.XPATH, ".//button[normalize-space()='Remove de']").click()
    driver.find_element(By.ID, "save-broadcast").click()
    wait(driver, lambda d: re.search(r"#/broadcasts/\d+$", d.current_url), message="saved again")
    _, again = signed("GET", f"/api/v1/broadcasts/{broadcast_id}")
    assert again["content"]["sms"]["body_i18n"] == {} and again["content"]["email"]["body_i18n"] == {"de": "Hallo {customer_first_name|du}, 10% Rabatt"}, again


PROBE = """
    // Records every request the page makes: method, path, Idempotency-Key, Accept, and whether
    // the Send button was disabled at that moment.
    if (!window.__requests) {
        window.__requests = [];
        const original = window.fetch;
        window.fetch = function (input, init) {
            const headers = (init && init.headers) || {};
            window.__requests.push({ method: (init && init.method) || 'GET', url: String(input.url || input),
                key: headers['Idempotency-Key'] || null, accept: headers.Accept || null,
                disabled: !!document.querySelector('button[data-action=send]')?.disabled });
            return original.apply(this, arguments);
        };
    }"""


def requests_made(driver, pattern):
    return [r for r in driver.execute_script("return window.__requests || []") if re.search(pattern, r["url"])]


def broadcast_for(tag, customers, **extra):
    """A draft SMS + email broadcast (mode all) to `customers` people who booked a service of their own."""
    service, ids = private_audience(tag, [(f"Kim{i}", "Lee", unique_phone(), f"kim{i}.{tag}@example.com".lower().replace(" ", ""))
                                          for i in range(customers)])
    body = {"name": tag, "channels": ["sms", "email"], "mode": "all", "segment": {"type": "all_appointments"},
            "filters": {"service_ids": [service], "exclude_suppressed": True},
            "content": {"sms": {"body": "Hi {customer_first_name}, 10% off: https://salon.example/offers/spring-2026"},
                        "email": {"subject": "Spring", "body": "Hello {customer_first_name}"}}, **extra}
    status, created = signed("POST", "/api/v1/broadcasts", body=body)
    assert status == 201, created
    return created, ids


def test_sending_a_broadcast_asks_first_and_a_double_click_sends_once(driver):
    """§21 on a broadcast: Send asks with each channel's recipients and SMS segments; a double
    click on Send and on the question's button makes one request, with an Idempotency-Key, while
    the button is disabled; every recipient gets one message per channel."""
    stamp = int(time.time())
    created, ids = broadcast_for(f"Double {stamp}", 3)
    open_admin(driver, page=f"#/broadcasts/{created['id']}")
    send = wait(driver, lambda d: css(d, "button[data-action=send]"), message="the Send button")[0]
    driver.execute_script(PROBE)
    from selenium.webdriver.common.action_chains import ActionChains
    ActionChains(driver).double_click(send).perform()
    wait(driver, lambda d: css(d, "#broadcast-confirm section[data-channel=email] .figure[data-count]"), message="each channel's figures")
    assert len(css(driver, "dialog#broadcast-confirm")) == 1, "one question, however often it was clicked"
    for channel in ("sms", "email"):
        shown = css(driver, f"#broadcast-confirm section[data-channel={channel}] .figure[data-count]")[0]
        assert shown.get_attribute("data-count") == "3", (channel, shown.get_attribute("data-count"))
    segments = text(driver, "#broadcast-confirm section[data-channel=sms] li[data-figure=segments]")
    assert re.search(r"\b3 SMS in total", segments), segments
    assert not css(driver, "#broadcast-confirm section[data-channel=email] li[data-figure=segments]"), "no SMS figures for email"
    assert "every channel" in text(driver, "#broadcast-confirm-mode")
    go = driver.find_element(By.CSS_SELECTOR, "#broadcast-confirm button[data-confirm=send]")
    assert go.text == "Send by SMS and Email", go.text
    shot(driver, "broadcast-confirm")
    ActionChains(driver).double_click(go).perform()
    wait(driver, lambda d: signed("GET", f"/api/v1/broadcasts/{created['id']}")[1]["status"] in ("sending", "completed"), message="it sends")
    wait(driver, lambda d: signed("GET", f"/api/v1/broadcasts/{created['id']}")[1]["status"] == "completed", timeout=60, message="it completes")
    sends = [r for r in requests_made(driver, rf"/broadcasts/{created['id']}/send$") if r["method"] == "POST"]
    assert len(sends) == 1, sends
    assert sends[0]["key"] and sends[0]["disabled"], sends
    campaigns = ",".join(str(c["id"]) for c in created["campaigns"])
    rows = sql(f"SELECT COUNT(*), COUNT(DISTINCT campaign_id, address) FROM wp_bkntc_campaign_logs WHERE campaign_id IN ({campaigns})").split()
    assert rows == ["6", "6"], rows


def test_a_broadcast_with_a_time_is_scheduled_after_the_question(driver):
    stamp = int(time.time())
    when = time.strftime("%Y-%m-%dT%H:%M:00Z", time.gmtime(time.time() + 3 * 86400))
    created, _ = broadcast_for(f"Later {stamp}", 2, scheduled_at=when)
    # The editor shows its time in the schedule picker, and saving keeps it.
    open_admin(driver, page=f"#/broadcasts/{created['id']}/edit")
    wait(driver, lambda d: css(d, "#broadcast-editor input[data-schedule=once]"), message="the schedule picker")
    assert css(driver, "#broadcast-editor input[data-schedule=once]")[0].is_selected()
    saved_broadcast_id(driver)
    _, stored = signed("GET", f"/api/v1/broadcasts/{created['id']}")
    assert stored["scheduled_at"].startswith(when[:16]) and stored["status"] == "draft", (when, stored["scheduled_at"], stored["status"])
    send = wait(driver, lambda d: css(d, "button[data-action=send]"), message="the Schedule button")[0]
    assert send.text == "Schedule", send.text
    send.click()
    dialog = wait(driver, lambda d: [b for b in css(d, "#broadcast-confirm button[data-confirm=send]") if b.is_enabled()], message="the question")[0]
    assert text(driver, "#broadcast-confirm-title") == "Schedule this broadcast?"
    assert dialog.text == "Schedule"
    dialog.click()
    wait(driver, lambda d: signed("GET", f"/api/v1/broadcasts/{created['id']}")[1]["status"] == "scheduled", message="scheduled")
    status, cancelled = signed("POST", f"/api/v1/broadcasts/{created['id']}/cancel")
    assert status == 200, cancelled

def counter(driver, channel, key):
    return number(text(driver, f"#broadcast-progress tr[data-channel={channel}] [data-counter={key}]") or "-1")


def test_the_broadcast_page_follows_its_event_stream_to_the_end_and_shows_clicks(driver):
    """§17 on a broadcast: the page reads /broadcasts/{id}/events (fetch, Bearer) until `done`
    and shows each channel's final figures as the API has them; a click on an SMS's short link
    shows in the SMS row's "Clicked a link"; without the stream it polls."""
    stamp = int(time.time())
    created, _ = broadcast_for(f"Live {stamp}", 4)
    bid = created["id"]
    status, answer = signed("POST", f"/api/v1/broadcasts/{bid}/send")
    assert status == 200, answer
    open_admin(driver, page=f"#/broadcasts/{bid}")
    wait(driver, lambda d: css(d, "#broadcast-live[data-live=done]"), timeout=60, message="the stream's done event")
    entries = driver.execute_script("return performance.getEntriesByType('resource').map((e) => e.name)")
    assert any(re.search(rf"/api/v1/broadcasts/{bid}/events$", e) for e in entries), entries
    _, progress = signed("GET", f"/api/v1/broadcasts/{bid}/progress")
    assert progress["status"] == "completed", progress
    wait(driver, lambda d: counter(d, "all", "total") == progress["total"] == 8, message="the final total")
    for channel in ("sms", "email"):
        c = progress["channels"][channel]
        assert counter(driver, channel, "total") == c["total"] == 4
        assert counter(driver, channel, "sent") == c["sent"] + c["delivered"] + c["undelivered"] == 4
        assert counter(driver, channel, "clicked") == 0
    assert "completed" in text(driver, "#broadcast h1 + p") or text(driver, "#broadcast [data-status=completed]")
    assert text(driver, "#broadcast-progress-bar") == "" and css(driver, "#broadcast-progress-bar[data-percent='100']")
    assert text(driver, "#opens-note").startswith("Opens are indicative")

    # A recipient taps the SMS's short link (GET /r/{code}): the page's next read shows it.
    sms_campaign = next(c["id"] for c in created["campaigns"] if c["channel"] == "sms")
    code = sql(f"SELECT code FROM wp_bkntc_campaign_links WHERE campaign_id = {sms_campaign} LIMIT 1")
    assert code, "the SMS went out with a tracked short link"
    import http.client
    import urllib.parse
    target = urllib.parse.urlsplit(os.environ["BROWSER_BASE"])
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
    connection.request("GET", f"/r/{code}")
    assert connection.getresponse().status == 302
    connection.close()
    wait(driver, lambda d: counter(d, "sms", "clicked") == 1, timeout=30, message="the click in the SMS row")
    assert counter(driver, "email", "clicked") == 0
    shots_at_two_widths(driver, "broadcast-progress")

    # The stream refused (a proxy that buffers it): the page polls and still shows the figures.
    driver.execute_script("location.hash = '#/broadcasts'")
    wait(driver, lambda d: css(d, "#broadcast-list"), message="the list")
    driver.execute_script("""
        const original = window.fetch;
        window.fetch = function (input, init) {
            if (/\\/events$/.test(String(input))) return Promise.reject(new TypeError('blocked'));
            return original.apply(this, arguments);
        };""")
    driver.execute_script("location.hash = arguments[0]", f"#/broadcasts/{bid}")
    wait(driver, lambda d: css(d, "#broadcast-live[data-live=poll]") and counter(d, "all", "total") == 8, message="polling instead")
    wait(driver, lambda d: counter(d, "sms", "clicked") == 1, message="the same figures by polling")

    # A channel's campaign is acted on through its broadcast: its page links there, with no actions of its own.
    driver.find_element(By.CSS_SELECTOR, "#broadcast-progress tr[data-channel=sms] a[href^='#/campaigns/']").click()
    link = wait(driver, lambda d: css(d, "#broadcast-link"), message="the link to the broadcast")[0]
    assert link.get_attribute("href").endswith(f"#/broadcasts/{bid}")
    assert not css(driver, "button[data-action]"), "no campaign-level actions on a broadcast's campaign"

def sent_campaign(tag, customers, body="Hi {customer_first_name}, book: https://salon.example/book"):
    """An SMS campaign to `customers` who booked a service of their own, sent and completed."""
    service, ids = private_audience(tag, customers)
    status, created = signed("POST", "/api/v1/campaigns", body={
        "channel": "sms", "name": tag, "segment": {"type": "all_appointments"},
        "filters": {"service_ids": [service], "exclude_suppressed": True}, "body": body})
    assert status == 201, created
    status, answer = signed("POST", f"/api/v1/campaigns/{created['id']}/send")
    assert status == 200, answer
    deadline = time.time() + 60
    while signed("GET", f"/api/v1/campaigns/{created['id']}/progress")[1]["status"] != "completed":
        assert time.time() < deadline, "the campaign never completed"
        time.sleep(0.5)
    return created["id"], service, ids


def test_the_dashboard_shows_each_recent_campaigns_clicks_and_bookings_after_a_click(driver):
    """§18 on the dashboard: of two messaged customers, one clicked and booked after the click,
    the other booked without a click; the campaign's row says 1 clicked and 1 booked after a
    click with its revenue in the shop's currency, as the results answer has them."""
    stamp = int(time.time())
    campaign, service, (clicker, other) = sent_campaign(f"Clicks {stamp}", [
        ("Cara", "Click", unique_phone(), None), ("Otto", "Other", unique_phone(), None)])
    logs = "wp_bkntc_campaign_logs"
    # The messages went out two hours ago; Cara clicked an hour later; both booked half an hour ago.
    sql(f"UPDATE {logs} SET sent_at = sent_at - INTERVAL 2 HOUR WHERE campaign_id = {campaign}")
    sql(f"UPDATE {logs} SET clicked_at = sent_at + INTERVAL 1 HOUR, clicks = 2 WHERE campaign_id = {campaign} AND customer_id = {clicker}")
    booked = int(sql(f"SELECT MAX(UNIX_TIMESTAMP(sent_at)) + 5400 FROM {logs} WHERE campaign_id = {campaign}"))
    for customer in (clicker, other):
        sql("INSERT INTO wp_bkntc_appointments (service_id, customer_id, status, starts_at, ends_at, created_at, tenant_id) VALUES "
            f"({service}, {customer}, 'approved', {booked + 86400}, {booked + 90000}, {booked}, 1)")
    status, results = signed("GET", f"/api/v1/campaigns/{campaign}/results")
    assert status == 200 and results["clicked"] == 1 and results["bookings"] == 2, results
    assert results["direct"]["bookings"] == 1 and results["direct"]["revenue"] == 30, results
    open_admin(driver, page="#/")
    wait(driver, lambda d: css(d, "#channels button[data-channel=sms]"))[0].click()
    row = f"tr[data-campaign='{campaign}']"
    wait(driver, lambda d: text(d, f"{row} [data-engagement=direct]") not in ("", "…"), message="the campaign's clicks and direct bookings")
    assert number(text(driver, f"{row} [data-engagement=clicked]")) == 1
    direct = text(driver, f"{row} [data-engagement=direct]")
    currency = results.get("currency")
    assert direct.startswith("1 · ") and "30" in direct, direct
    assert currency and (currency in direct or re.search(r"[^\d\s.,·]", direct.split("·")[1])), (currency, direct)
    headers = [th.get_attribute("textContent") for th in css(driver, "table th")]
    assert "Clicked a link" in headers and "Booked after a click" in headers, headers
    shots_at_two_widths(driver, "dashboard")

def savings_shown(driver):
    found = re.search(r"Short links save ([\d,.\u202f\xa0]+) SMS segments?", text(driver, "#short-link-savings"))
    return number(found.group(1)) if found else None


def test_the_editor_says_how_many_sms_segments_short_links_save(driver):
    """§18 + §21: a long URL goes out as a short link, so each of the 3 recipients' texts fits one
    SMS instead of two: the editor says the short links save 3 segments (the preview's total
    with the URLs as written, less its total with short links); a text without a URL says none."""
    stamp = int(time.time())
    service, _ = private_audience(f"Links {stamp}", [(f"Ann{i}", "Link", unique_phone(), None) for i in range(3)])
    new_campaign_with_audience(driver, "sms", f"Links {stamp}", service)
    assert stable_count(driver) == 3
    url = "https://salon.example/booking/spring-offer/" + "long-path-segment/" * 7 + "?utm_source=sms&utm_campaign=spring"
    body = driver.find_element(By.NAME, "body")
    body.send_keys("Hi {customer_first_name}, book your spring visit: " + url)
    wait(driver, lambda d: savings_shown(d) is not None, message="the saving")
    assert savings_shown(driver) == 3, text(driver, "#short-link-savings")
    found = re.search(r"([\d,.\u202f\xa0]+) SMS segments? in all", text(driver, "#segment-total"))
    assert found and number(found.group(1)) == 3, text(driver, "#segment-total")
    _, preview = signed("POST", "/api/v1/segments/preview", body={
        "channel": "sms", "segment": {"type": "all_appointments"}, "filters": {"service_ids": [service], "exclude_suppressed": True},
        "body": "Hi {customer_first_name}, book your spring visit: " + url.replace("https://", "hxtps://")})
    assert preview["segments"]["total"] == 6, preview
    driver.execute_script("document.getElementById('segment-total').scrollIntoView({block: 'center'})")
    shot(driver, "editor-short-link-savings")
    set_value(driver, body, "Hi {customer_first_name}, see you soon!")
    wait(driver, lambda d: text(d, "#short-link-savings") == "" and re.search(r"\b3 SMS segments in all", text(d, "#segment-total")),
         message="no URL, no saving")

if __name__ == "__main__":
    only = re.compile(os.environ.get("BROWSER_ONLY", ""))
    run([value for key, value in list(globals().items()) if key.startswith("test_") and only.search(key)], "broadcast browser tests")
