"""End to end with a real WordPress and the bridge plugin: Booknetic's cron action reaches the
sidecar, and the Campaigns admin page embeds the admin UI, driven by chromium.

Run by Scripts/browser-tests.sh, which installs WordPress (Debian's package) under `php -S`.
"""
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


def tick_count():
    with urllib.request.urlopen(f"{SIDECAR}/metrics", timeout=10) as answer:
        metrics = answer.read().decode()
    total = 0
    for line in metrics.splitlines():
        if not line.startswith("#") and "/api/v1/cron/tick" in line and 'status="200"' in line and "_count" not in line and "_bucket" not in line and "_sum" not in line:
            total += int(float(line.rsplit(" ", 1)[1]))
    return total


def test_the_cron_action_reaches_the_sidecar(driver):
    before = tick_count()
    output = subprocess.run(["php", "Tests/Browser/wordpress_cron.php", WP_DIR, SITE], check=True, capture_output=True, text=True)
    print("   ", output.stdout.strip())
    assert tick_count() == before + 1, "one signed tick was accepted"


def test_the_campaigns_page_embeds_the_admin_ui(driver):
    driver.get(f"{SITE}/wp-login.php")
    wait(driver, lambda d: css(d, "#user_login"))
    driver.find_element(By.ID, "user_login").send_keys("admin")
    driver.find_element(By.ID, "user_pass").send_keys("admin-password-123")
    driver.find_element(By.ID, "wp-submit").click()
    wait(driver, lambda d: "/wp-admin" in d.current_url, message="logged in")
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
    assert os.environ["BKNTC_SECRET"] not in driver.page_source, "the settings page never shows the stored secret"
    driver.find_element(By.ID, "bkntc-test").click()
    wait(driver, lambda d: text(d, "#bkntc-test-result").startswith("Connected"), message="the connection test passes")
    shot(driver, "wordpress-settings")


if __name__ == "__main__":
    run([value for key, value in list(globals().items()) if key.startswith("test_")], "WordPress tests")
