"""Browser test of "Time to book again" (DESIGN §19's rebook_due segment) in the campaign editor.

Run by Scripts/browser-tests.sh right after admin_ui_test.py, against the same live service and
demo data; it reuses that file's helpers. BROWSER_ONLY filters these tests too.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from admin_ui_test import By, Select, css, open_admin, run, set_value, shot, signed, stable_count, text, wait  # noqa: E402


def preview_count(segment):
    status, answer = signed("POST", "/api/v1/segments/preview", body={
        "channel": "sms", "segment": segment, "filters": {"exclude_suppressed": True}})
    assert status == 200, answer
    return answer["count"]


def test_the_editor_offers_time_to_book_again_with_its_settings_and_the_automation(driver):
    open_admin(driver, page="#/campaigns/new")
    wait(driver, lambda d: css(d, "select[name=segment]"))
    Select(driver.find_element(By.NAME, "segment")).select_by_value("rebook_due")
    wait(driver, lambda d: d.find_element(By.ID, "rebook-fields").is_displayed(), message="the three settings appear")
    assert not driver.find_element(By.NAME, "days").is_displayed(), "no days for this segment"
    for label in ("How late compared to their usual rhythm", "Window in days", "Minimum visits to use their own rhythm"):
        assert label in text(driver, "#rebook-fields"), label
    shown = stable_count(driver)
    assert shown == preview_count({"type": "rebook_due", "factor": 1, "window_days": 7, "min_visits": 3}), shown
    # A longer window and an earlier reminder reach more customers: the count follows the API.
    set_value(driver, driver.find_element(By.ID, "rebook-window"), "90")
    set_value(driver, driver.find_element(By.ID, "rebook-factor"), "0.5")
    wanted = preview_count({"type": "rebook_due", "factor": 0.5, "window_days": 90, "min_visits": 3})
    wait(driver, lambda d: stable_count(d) == wanted, message=f"the count becomes the API's {wanted}")
    assert wanted > 0, "the demo data should have customers due with a 90-day window"
    wait(driver, lambda d: "due since" in text(d, "#recipient-sample"), message="the sample says since when each is due")
    # The automation preset: every day, skipping customers messaged in the last 30 days.
    driver.find_element(By.ID, "rebook-automation").click()
    assert driver.find_element(By.CSS_SELECTOR, "input[data-schedule=daily]").is_selected()
    assert Select(driver.find_element(By.NAME, "repeat_rule")).first_selected_option.get_attribute("value") == "days"
    assert driver.find_element(By.CSS_SELECTOR, "input[aria-label='Days between messages']").get_attribute("value") == "30"
    # The built-in template is offered.
    pick = Select(driver.find_element(By.ID, "template-pick"))
    offered = [o for o in pick.options if o.text.startswith("Time to book again")]
    assert offered, [o.text for o in pick.options]
    pick.select_by_value(offered[0].get_attribute("value"))
    wait(driver, lambda d: "about that time again" in d.find_element(By.NAME, "body").get_attribute("value"), message="the template's text")
    driver.find_element(By.NAME, "name").send_keys("Browser time to book again")
    shot(driver, "editor-rebook-due")
    driver.find_element(By.ID, "save-draft").click()
    wait(driver, lambda d: d.current_url.endswith("/edit"), message="the draft is saved")
    campaign = int(driver.current_url.split("/")[-2])
    _, saved = signed("GET", f"/api/v1/campaigns/{campaign}")
    assert saved["segment"] == {"type": "rebook_due", "factor": 0.5, "window_days": 90, "min_visits": 3}, saved["segment"]
    assert saved["repeat_rule"] == {"min_days_between": 30}, saved["repeat_rule"]
    assert re.fullmatch(r"\d+ \d+ \* \* \*", saved["recurrence"] or ""), saved["recurrence"]
    # Reopened: the settings come back as saved.
    driver.refresh()
    wait(driver, lambda d: css(d, "#rebook-window") and d.find_element(By.ID, "rebook-window").get_attribute("value") == "90",
         message="the window is shown again")
    assert driver.find_element(By.ID, "rebook-factor").get_attribute("value") == "0.5"
    signed("DELETE", f"/api/v1/campaigns/{campaign}")


if __name__ == "__main__":
    only = re.compile(os.environ.get("BROWSER_ONLY", ""))
    run([value for key, value in list(globals().items()) if key.startswith("test_") and only.search(key)], "time to book again")
