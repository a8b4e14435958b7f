"""End to end with a real WordPress and the bridge plugin: Booknetic's cron action reaches the
sidecar, and the Campaigns admin page embeds the admin UI, driven by chromium; the bridge's rules
(DESIGN §13): the secret is stored as typed, a service URL that is not https (nor this machine)
is refused, and a Booknetic customer gets no launch token.

Run by Scripts/browser-tests.sh, which installs WordPress (Debian's package) under `php -S`.
"""
import json
import os
import subprocess
import sys
import urllib.request

from selenium.webdriver.common.by import By

sys.path.insert(0, os.path.dirname(__file__))
from admin_ui_test import css, run, shot, text, wait  # noqa: E402

SITE = os.environ["WORDPRESS_URL"]
SIDECAR = os.environ["BRIDGE_SIDECAR_URL"]
WP_DIR = os.environ["WORDPRESS_DIR"]
# The sidecar's secret: characters sanitize_text_field() would strip or change (%41, a tag, two
# spaces, a quote, a backslash, an entity). The service trims its BKNTC_SECRET, so no outer spaces.
BRIDGE_SECRET = os.environ["BRIDGE_SECRET"]


def wordpress(*args):
    """Tests/Browser/wordpress_cli.php: (stdout, stderr)."""
    done = subprocess.run(["php", "Tests/Browser/wordpress_cli.php", WP_DIR, SITE, *args], check=True, capture_output=True, text=True)
    return done.stdout, done.stderr


def option(name):
    return json.loads(wordpress("get", name)[0])


def fill(driver, field_id, value):
    """Types into a field until it keeps the value: wp-login.php empties its user field 200 ms
    after loading (wp_attempt_focus), which can eat what was typed before."""
    kept = []

    def holds(d):
        field = d.find_element(By.ID, field_id)
        if field.get_attribute("value") != value:
            field.clear()
            field.send_keys(value)
            kept.clear()
            return False
        kept.append(True)
        return len(kept) >= 3  # unchanged over two more polls

    wait(driver, holds, message=f"#{field_id} keeps what was typed")


def log_in(driver, user, password):
    driver.delete_all_cookies()
    driver.get(f"{SITE}/wp-login.php")
    wait(driver, lambda d: css(d, "#user_login"))
    fill(driver, "user_login", user)
    fill(driver, "user_pass", password)
    driver.find_element(By.ID, "wp-submit").click()
    wait(driver, lambda d: "/wp-admin" in d.current_url, message=f"{user} is logged in")


def save_settings(driver, url=None, secret=""):
    """Submits Settings → Booknetic Campaigns; the URL field keeps its value unless `url` is given."""
    driver.get(f"{SITE}/wp-admin/options-general.php?page=bkntc-campaigns-settings")
    field = wait(driver, lambda d: css(d, "#bkntc-url"))[0]
    if url is not None:
        field.clear()
        field.send_keys(url)
    driver.find_element(By.ID, "bkntc-secret").send_keys(secret)
    driver.find_element(By.ID, "submit").click()
    wait(driver, lambda d: "settings-updated" in d.current_url or css(d, ".settings-error"), message="the settings are saved")


def tick_count():
    with urllib.request.urlopen(f"{SIDECAR}/metrics", timeout=10) as answer:
        metrics = answer.read().decode()
    total = 0
    for line in metrics.splitlines():
        if not line.startswith("#") and "/api/v1/cron/tick" in line and 'status="200"' in line and "_count" not in line and "_bucket" not in line and "_sum" not in line:
            total += int(float(line.rsplit(" ", 1)[1]))
    return total


def test_the_secret_is_stored_exactly_as_typed(driver):
    log_in(driver, "admin", "admin-password-123")
    assert option("bkntc_campaigns_secret") != BRIDGE_SECRET, "setup stored another secret"
    # Outer spaces are kept too, with a warning that the service would not match them.
    save_settings(driver, secret="  spaced secret of the admin  ")
    assert option("bkntc_campaigns_secret") == "  spaced secret of the admin  "
    assert css(driver, "#setting-error-bkntc_campaigns_secret_spaces"), "a warning about the spaces"
    save_settings(driver, secret=BRIDGE_SECRET)
    assert option("bkntc_campaigns_secret") == BRIDGE_SECRET, (option("bkntc_campaigns_secret"), BRIDGE_SECRET)
    assert not css(driver, "#setting-error-bkntc_campaigns_secret_spaces")
    save_settings(driver)  # an empty field keeps the stored secret
    assert option("bkntc_campaigns_secret") == BRIDGE_SECRET
    assert option("bkntc_campaigns_url") == SIDECAR, "plain http to 127.0.0.1 is kept"
    # It is the secret the service knows: a signed tick is accepted.
    before = tick_count()
    wordpress("cron")
    assert tick_count() == before + 1, "the tick signed with the typed secret was accepted"


def test_a_service_url_that_is_not_https_is_refused(driver):
    log_in(driver, "admin", "admin-password-123")
    save_settings(driver, url="http://campaigns.example.com")
    error = wait(driver, lambda d: css(d, "#setting-error-bkntc_campaigns_url_refused"), message="a settings error")[0]
    assert "https://" in error.text, error.text
    assert option("bkntc_campaigns_url") == SIDECAR, "the stored URL is kept"
    shot(driver, "wordpress-settings-http-refused")
    # Stored around the settings page (an older plugin version took it): refused when used.
    wordpress("set", "bkntc_campaigns_url", "http://campaigns.example.com")
    try:
        before = tick_count()
        _, log = wordpress("cron")
        assert tick_count() == before, "no tick"
        assert "no cron tick" in log and "https://" in log, log
        driver.get(f"{SITE}/wp-admin/tools.php?page=bkntc-campaigns")
        wait(driver, lambda d: css(d, "#bkntc-campaigns-unavailable"), message="the page says why")
        assert "https://" in text(driver, "#bkntc-campaigns-unavailable")
        assert not css(driver, "#bkntc-campaigns-frame") and "launch=" not in driver.page_source, "no launch token"
    finally:
        wordpress("set", "bkntc_campaigns_url", SIDECAR)


def test_the_cron_action_reaches_the_sidecar(driver):
    before = tick_count()
    print("   ", wordpress("cron")[0].strip())
    assert tick_count() == before + 1, "one signed tick was accepted"


def test_the_campaigns_page_embeds_the_admin_ui(driver):
    log_in(driver, "admin", "admin-password-123")
    driver.get(f"{SITE}/wp-admin/tools.php?page=bkntc-campaigns")
    frame = wait(driver, lambda d: css(d, "#bkntc-campaigns-frame"), message="the page has the frame")[0]
    assert "/admin/#launch=" in frame.get_attribute("src")
    driver.switch_to.frame(frame)
    wait(driver, lambda d: css(d, "#channels button"), message="the admin UI loads inside the frame")
    wait(driver, lambda d: "dashboard" in text(d, "h1").lower(), message="the dashboard shows")
    driver.switch_to.default_content()
    shot(driver, "wordpress-campaigns-page")


def test_the_settings_page_tests_the_connection(driver):
    driver.get(f"{SITE}/wp-admin/options-general.php?page=bkntc-campaigns-settings")
    wait(driver, lambda d: css(d, "#bkntc-test"))
    assert BRIDGE_SECRET not in driver.page_source, "the settings page never shows the stored secret"
    driver.find_element(By.ID, "bkntc-test").click()
    wait(driver, lambda d: text(d, "#bkntc-test-result").startswith("Connected"), message="the connection test passes")
    shot(driver, "wordpress-settings")


def test_booknetic_staff_get_the_page_and_customers_never_do(driver):
    log_in(driver, "staff", "staff-password-123")
    driver.get(f"{SITE}/wp-admin/tools.php?page=bkntc-campaigns")
    frame = wait(driver, lambda d: css(d, "#bkntc-campaigns-frame"), message="staff get the frame")[0]
    assert "/admin/#launch=" in frame.get_attribute("src")
    # A customer who may read the dashboard (subscriber + booknetic_customer): no page, no token.
    log_in(driver, "customer", "customer-password-123")
    driver.get(f"{SITE}/wp-admin/tools.php?page=bkntc-campaigns")
    wait(driver, lambda d: d.find_element(By.TAG_NAME, "body").text, message="WordPress answers")
    assert not css(driver, "#bkntc-campaigns-frame"), "no frame for a customer"
    assert "launch=" not in driver.page_source, "no launch token for a customer"
    driver.get(f"{SITE}/wp-admin/")
    wait(driver, lambda d: css(d, "#adminmenu"), message="the customer's dashboard")
    assert "Campaigns" not in text(driver, "#adminmenu"), "no menu entry either"
    shot(driver, "wordpress-customer-refused")


if __name__ == "__main__":
    run([value for key, value in list(globals().items()) if key.startswith("test_")], "WordPress tests")
