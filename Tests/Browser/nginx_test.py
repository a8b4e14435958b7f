"""The service behind nginx (DESIGN §20, docs/deploy.md): run by Scripts/nginx-test, which starts
Debian's nginx with the site docs/deploy.md holds (a self-signed certificate) in front of a live
service whose BKNTC_PUBLIC_URL is nginx's https address. Everything below goes through nginx:
a Twilio status webhook signed for the https URL, an unsubscribe page and its POST, the admin
UI's launch in chromium, and the per-client limit keyed on X-Forwarded-For.
"""
import base64
import hashlib
import hmac
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
# The admin UI tests' helpers (they read BROWSER_BASE and friends, which Scripts/nginx-test sets).
from admin_ui_test import confirm_launch, css, launch_link, run, signed, sql, wait  # noqa: E402
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402

HTTPS = os.environ["BROWSER_BASE"]  # https://127.0.0.1:<nginx port>, the service's BKNTC_PUBLIC_URL


def post_form(path, fields, headers=None):
    """A form POST through nginx: (status, body text)."""
    data = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(HTTPS + path, data=data, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def twilio_signature(token, url, fields):
    """X-Twilio-Signature: base64(HMAC-SHA1(auth token, URL + each parameter name and value, sorted by name))."""
    payload = url + "".join(name + value for name, value in sorted(fields.items()))
    return base64.b64encode(hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()).decode()


def test_a_twilio_status_webhook_is_verified_against_the_https_url(driver):
    token = sql("SELECT option_value FROM wp_options WHERE option_name = 'bkntc_sms_auth_token'")
    account = sql("SELECT option_value FROM wp_options WHERE option_name = 'bkntc_sms_account_sid'")
    fields = {"MessageSid": "SM" + "0" * 31 + "1", "MessageStatus": "delivered", "AccountSid": account, "To": "+447700900123",
              "From": "+447700900000"}
    path = "/webhooks/twilio/status"
    status, body = post_form(path, fields, {"X-Twilio-Signature": twilio_signature(token, HTTPS + path, fields)})
    assert status == 200, (status, body)
    # Signed for the service's own http address instead: refused, so the public URL is what counts.
    inner = twilio_signature(token, "http://" + os.environ["NGINX_UPSTREAM"] + path, fields)
    status, body = post_form(path, fields, {"X-Twilio-Signature": inner})
    assert status == 403, (status, body)


def test_an_unsubscribe_page_and_its_post_work_through_the_proxy(driver):
    status, preview = signed("POST", "/api/v1/segments/preview", body={
        "channel": "email", "segment": {"type": "all_customers"}, "body": "<p>Hi</p>", "subject": "S", "sample_size": 1})
    assert status == 200, preview
    link = re.search(r'https://[^"\s<>]*/unsubscribe/[A-Za-z0-9._~-]+', preview["messages"][0]["html"]).group(0)
    assert link.startswith(HTTPS + "/unsubscribe/"), link
    recipient = preview["messages"][0]["address"]
    with urllib.request.urlopen(link, timeout=20) as page:
        assert page.status == 200 and "<form" in page.read().decode()
    status, body = post_form(link[len(HTTPS):], {"List-Unsubscribe": "One-Click"})
    assert status == 200, (status, body)
    count = sql(f"SELECT COUNT(*) FROM wp_bkntc_campaign_suppressions WHERE address = '{recipient}' AND channel = 'email'")
    assert count == "1", (recipient, count)


def test_the_admin_ui_launches_through_the_proxy(driver):
    driver.get(launch_link(None, 1))
    confirm_launch(driver)
    wait(driver, lambda d: css(d, "#channels button"), message="the admin UI through nginx")
    assert driver.current_url.startswith(HTTPS + "/admin/"), driver.current_url
    wait(driver, lambda d: css(d, "#view h1"), message="a screen renders")


def test_the_per_client_limit_is_keyed_on_x_forwarded_for(driver):
    """Bad signatures spend the client's budget (BKNTC_API_RATE_BURST, 20 here): the client nginx names
    in X-Forwarded-For is refused with 429 once it is spent, another client is not."""
    def bad(client):
        request = urllib.request.Request(HTTPS + "/api/v1/campaigns?channel=sms", headers={
            "X-Forwarded-For": client, "X-Bkntc-Timestamp": str(int(time.time())), "X-Bkntc-Tenant": "", "X-Bkntc-User": "1",
            "X-Bkntc-Signature": "0" * 64})
        try:
            urllib.request.urlopen(request, timeout=20)
        except urllib.error.HTTPError as error:
            return error.code
        return 200
    statuses = [bad("203.0.113.7") for _ in range(25)]
    assert statuses[0] == 401 and statuses[-1] == 429, statuses
    assert bad("203.0.113.8") == 401, "another client keeps its own budget"


def new_driver():
    options = Options()
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000", "--disable-dev-shm-usage",
                     "--ignore-certificate-errors"]:
        options.add_argument(argument)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


if __name__ == "__main__":
    import admin_ui_test
    admin_ui_test.new_driver = new_driver
    run([value for key, value in list(globals().items()) if key.startswith("test_")], "nginx tests")
