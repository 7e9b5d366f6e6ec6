"""The control page in a real headless browser at tablet size, driving a real wall process.

A wall (`main.py` offscreen, its own data directory, `--control-port` on loopback) and
Debian's Chromium with its driver (installed by .ci/setup), emulating a 1024 × 768 touch
tablet; every press is a touch tap. What the wall shows is read back from its control
endpoint: the tablet's taps must change the wall (pause, page, language, layout), a
wrong token gets nothing, and a second tablet sees who holds the wall and can act only
after confirming a take-over. Few tests, since a browser is slow to start.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from cmwall.sync.demo_store import serve_in_thread
from cmwall.sync.demo_store.profiles import make_store
from cmwall.sync.period_time import IST
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions import interaction
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.actions.pointer_input import PointerInput
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from .processes import free_port, wait_for

ROOT = Path(__file__).resolve().parents[1]
MAIN = ROOT / "main.py"
TOKEN = "tablet-test-token-31415"
TABLET = {"width": 1024, "height": 768, "pixelRatio": 1.0, "touch": True}
UP_S = 90.0  # a busy 2-core machine starting Qt, the wall and its first sync
WAIT_S = 20.0


class Wall:
    def __init__(self, url: str) -> None:
        self.url = url

    def state(self) -> dict[str, Any]:
        """What the wall shows now, as its control endpoint tells it."""
        try:
            response = httpx.get(self.url + "/v1/control/state", headers={"Authorization": f"Bearer {TOKEN}"},
                                 timeout=5.0, trust_env=False)
        except httpx.HTTPError:
            return {}
        return dict(response.json()) if response.status_code == 200 else {}

    def shows(self, **expected: Any) -> Callable[[], bool]:
        def check() -> bool:
            wall = self.state().get("wall") or {}
            return all(wall.get(key) == value for key, value in expected.items())
        return check


@pytest.fixture(scope="module")
def wall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Wall]:
    base = tmp_path_factory.mktemp("tablet-wall")
    started = datetime.now(IST)
    store = serve_in_thread(make_store("gujarat", seed=7, clock=lambda: started))
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("CMWALL_") and k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(QT_QPA_PLATFORM="offscreen", CMWALL_CONTROL_TOKEN=TOKEN, CMWALL_CONFIG=str(base / "none.toml"))
    (base / "none.toml").write_text("", encoding="utf-8")
    log = base / "wall.log"
    process = subprocess.Popen(
        [sys.executable, str(MAIN), "--store", store.url, "--data-dir", str(base / "data"), "--layout", "single_screen",
         "--poll-observations", "60", "--control-port", str(port), "--control-bind", "127.0.0.1"],
        env=env, cwd=str(base), stdout=subprocess.DEVNULL, stderr=log.open("w"), text=True)
    running = Wall(f"http://127.0.0.1:{port}")
    try:
        wait_for(lambda: bool(running.state().get("wall", {}).get("screens")) or process.poll() is not None, UP_S,
                 "the wall up and answering on its control port")
        assert process.poll() is None, log.read_text(encoding="utf-8")
        yield running
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        store.stop()
        text = log.read_text(encoding="utf-8")
        assert "Traceback" not in text, text
        assert TOKEN not in text, "the control token is never logged"


def chromium_paths() -> tuple[str, str]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    assert browser and driver, "Debian's chromium and chromium-driver are needed: run .ci/setup"
    return browser, driver


@pytest.fixture
def tablets() -> Iterator[Callable[[], webdriver.Chrome]]:
    """Headless Chromium sessions emulating a touch tablet; each call opens another."""
    browser, driver = chromium_paths()
    opened: list[webdriver.Chrome] = []

    def open_tablet() -> webdriver.Chrome:
        options = webdriver.ChromeOptions()
        options.binary_location = browser
        for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--no-first-run", "--disable-extensions", "--window-size=1024,768"):
            options.add_argument(argument)
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": TABLET})
        session = webdriver.Chrome(options=options, service=Service(executable_path=driver))
        opened.append(session)
        return session

    yield open_tablet
    for session in opened:
        session.quit()


def tap(driver: webdriver.Chrome, element: WebElement) -> None:
    """A finger's tap on `element` (touch pointer events, not a mouse click)."""
    actions = ActionChains(driver)
    finger = PointerInput(interaction.POINTER_TOUCH, "finger")  # type: ignore[no-untyped-call]
    actions.w3c_actions = ActionBuilder(driver, mouse=finger)
    actions.w3c_actions.pointer_action.move_to(element).pointer_down().pointer_up()  # type: ignore[no-untyped-call]
    actions.perform()


# The page draws its controls anew at each state it is sent: an element found a moment ago
# may be gone by the time its text is read, so a wait looks again rather than fail.
REDRAWN = (StaleElementReferenceException,)


def visible(driver: webdriver.Chrome, css: str) -> WebElement:
    found: list[WebElement] = []

    def shown(d: Any) -> bool:
        found[:] = [e for e in d.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()]
        return bool(found)

    WebDriverWait(driver, WAIT_S, ignored_exceptions=REDRAWN).until(shown, f"{css} shown")
    return found[0]


def log_in(driver: webdriver.Chrome, wall: Wall, token: str, name: str) -> None:
    driver.get(wall.url + "/")
    visible(driver, "#token").send_keys(token)
    visible(driver, "#name").send_keys(name)
    tap(driver, visible(driver, "#connect"))


def test_a_tablet_logs_in_and_its_taps_change_the_wall(wall: Wall, tablets: Callable[[], webdriver.Chrome],
                                                        tmp_path: Path) -> None:
    tablet = tablets()
    log_in(tablet, wall, TOKEN, "Protocol desk")
    visible(tablet, "#control-view")
    assert "Protocol desk" in visible(tablet, "#lease-line").text

    # Built for fingers: every button at least 48 px high, nothing wider than the screen.
    heights = tablet.execute_script(
        "return [...document.querySelectorAll('button')].filter(b => b.offsetParent).map(b => b.offsetHeight)")
    assert heights and min(heights) >= 48
    assert tablet.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    tablet.save_screenshot(str(tmp_path / "control-page-1024x768.png"))

    tap(tablet, visible(tablet, "button[data-action=TOGGLE_PAUSE]"))
    wait_for(wall.shows(paused=True), WAIT_S, "the wall paused by a tap")
    WebDriverWait(tablet, WAIT_S, ignored_exceptions=REDRAWN).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "button[data-action=TOGGLE_PAUSE]").text == "Resume rotation")

    screen = wall.state()["wall"]["screens"][0]
    chosen = (screen["page"] + 2) % len(screen["pages"])
    tap(tablet, visible(tablet, f"button[data-screen='{screen['id']}'][data-page='{chosen}']"))
    wait_for(lambda: wall.state()["wall"]["screens"][0]["page"] == chosen, WAIT_S, f"page {chosen} chosen")
    tap(tablet, visible(tablet, "button[data-action=NEXT_PAGE]"))
    following = (chosen + 1) % len(screen["pages"])
    wait_for(lambda: wall.state()["wall"]["screens"][0]["page"] == following, WAIT_S, "the next page")

    tap(tablet, visible(tablet, "button[data-language=gu]"))
    wait_for(wall.shows(language="gu"), WAIT_S, "the wall in Gujarati")
    WebDriverWait(tablet, WAIT_S, ignored_exceptions=REDRAWN).until(lambda d: d.find_element(By.ID, "status-language").text == "ગુજરાતી")
    tap(tablet, visible(tablet, "button[data-language=en]"))
    wait_for(wall.shows(language="en"), WAIT_S, "the wall back in English")

    tap(tablet, visible(tablet, "button[data-action=TOGGLE_PAUSE]"))
    wait_for(wall.shows(paused=False), WAIT_S, "rotation resumed")
    tap(tablet, visible(tablet, "button[data-action=NEXT_LAYOUT]"))
    wait_for(lambda: wall.state().get("wall", {}).get("layout_file") not in (None, "single_screen"), UP_S,
             "the next layout shown")

    tap(tablet, visible(tablet, "#release"))
    visible(tablet, "#login-view")
    wait_for(lambda: wall.state().get("lease") is None, WAIT_S, "the lease handed back")


def test_a_wrong_token_gets_nothing(wall: Wall, tablets: Callable[[], webdriver.Chrome]) -> None:
    before = wall.state()["wall"]
    tablet = tablets()
    log_in(tablet, wall, "not-the-token-at-all", "Intruder")
    WebDriverWait(tablet, WAIT_S, ignored_exceptions=REDRAWN).until(lambda d: "wrong" in d.find_element(By.ID, "login-error").text)
    assert not tablet.find_element(By.ID, "control-view").is_displayed()
    assert tablet.find_elements(By.CSS_SELECTOR, "#control-view button[data-action]") == []
    assert wall.state()["lease"] is None
    after = wall.state()["wall"]
    assert (after["layout_file"], after["language"], after["paused"]) == \
           (before["layout_file"], before["language"], before["paused"])


def test_a_second_tablet_sees_the_holder_and_acts_only_after_confirming_a_take_over(
        wall: Wall, tablets: Callable[[], webdriver.Chrome], tmp_path: Path) -> None:
    first, second = tablets(), tablets()
    log_in(first, wall, TOKEN, "Protocol desk")
    visible(first, "#control-view")
    log_in(second, wall, TOKEN, "CMO tablet")
    assert visible(second, "#holder-name").text == "Protocol desk"
    assert "since" in visible(second, "#holder-since").text
    assert not second.find_element(By.ID, "control-view").is_displayed()
    second.save_screenshot(str(tmp_path / "control-page-held.png"))

    tap(second, visible(second, "#take-over"))  # asks first, does nothing yet
    visible(second, "#confirm-box")
    assert wall.state()["lease"]["name"] == "Protocol desk"
    tap(second, visible(second, "#cancel-take-over"))
    assert wall.state()["lease"]["name"] == "Protocol desk"

    tap(second, visible(second, "#take-over"))
    tap(second, visible(second, "#confirm-take-over"))
    visible(second, "#control-view")
    wait_for(lambda: (wall.state().get("lease") or {}).get("name") == "CMO tablet", WAIT_S, "the take-over")
    paused = wall.state()["wall"]["paused"]
    tap(second, visible(second, "button[data-action=TOGGLE_PAUSE]"))
    wait_for(wall.shows(paused=not paused), WAIT_S, "the new holder's tap performed")

    # The first tablet learns it has lost the wall and can no longer act.
    assert visible(first, "#holder-name").text == "CMO tablet"
    assert not first.find_element(By.ID, "control-view").is_displayed()
    tap(second, visible(second, "button[data-action=TOGGLE_PAUSE]"))
    wait_for(wall.shows(paused=paused), WAIT_S, "rotation back as it was")
    tap(second, visible(second, "#release"))


def test_a_tap_on_a_district_opens_its_page_on_the_wall_then_up_and_home(
        wall: Wall, tablets: Callable[[], webdriver.Chrome]) -> None:
    tablet = tablets()
    log_in(tablet, wall, TOKEN, "Review meeting")
    visible(tablet, "#control-view")
    wait_for(lambda: bool(((wall.state().get("wall") or {}).get("drill") or {}).get("children")), WAIT_S,
             "the catalog's places listed (the first data has arrived)")
    before = wall.state()["wall"]
    assert before["drill"]["active"] is False  # from the rotation: the state's places are listed
    district = next(c for c in before["drill"]["children"] if c["level"] == "district")

    tap(tablet, visible(tablet, f"button[data-entity='{district['code']}']"))
    seen: list[Any] = []

    def page_shown() -> bool:  # the wall's first screen shows its page, whether it has a monitor of its own
        # or takes turns with the layout's other screens on this one-monitor wall
        state = wall.state().get("wall", {})
        first = (state.get("screens") or [{}])[0]
        shown_page = first["pages"][first["page"]] if first.get("pages") else None
        seen[:] = [(state.get("drill") or {}).get("entity"), shown_page]
        return bool(seen[0] == district["code"] and shown_page == "District")  # the page is titled by the level

    try:
        wait_for(page_shown, WAIT_S, f"{district['name']}'s page opened by a tap")
    except AssertionError as failure:
        raise AssertionError(f"{failure}; the wall said: drill {seen[0]!r}, first screen's page {seen[1]!r}") from None
    shown = wall.state()["wall"]
    assert shown["rotating"] is False and shown["drill"]["children"]  # its talukas and hospitals, to tap next
    drill_group_says(tablet, f"Showing: {district['name']}")  # the tablet has redrawn its group for the page

    tap(tablet, visible(tablet, "button[data-action=DRILL_UP]"))
    wait_for(lambda: (wall.state().get("wall", {}).get("drill") or {}).get("entity") not in (None, district["code"]),
             WAIT_S, "one place up: the state's page")
    assert wall.state()["wall"]["drill"]["selected"] == district["code"]  # where we came from stays picked
    drill_group_says(tablet, f"Showing: {wall.state()['wall']['drill']['name']}")

    tap(tablet, visible(tablet, "button[data-action=DRILL_HOME]"))
    wait_for(wall.shows(rotating=True), WAIT_S, "back to the rotation")
    after = wall.state()["wall"]
    assert after["drill"]["active"] is False and after["screens"][0]["title"] == before["screens"][0]["title"]
    tap(tablet, visible(tablet, "#release"))


def drill_group_says(driver: webdriver.Chrome, text: str) -> None:
    """Wait for the drill-down group's line (redrawn, with new buttons, when the place changes)."""
    WebDriverWait(driver, WAIT_S, ignored_exceptions=REDRAWN).until(
        lambda d: d.find_element(By.ID, "drill-where").text == text, f"the drill-down group saying {text!r}")
