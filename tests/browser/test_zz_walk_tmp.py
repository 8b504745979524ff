import os, re, traceback
import pytest
from django.core.management import call_command
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser
OUT = "/tmp/walk"
os.makedirs(OUT, exist_ok=True)
LOG = open(f"{OUT}/log.txt", "a")


def shot(page, name):
    try:
        page.wait_for_load_state("networkidle", timeout=5000)
    except Exception:
        pass
    page.screenshot(path=f"{OUT}/{name}.png", full_page=True)
    sw = page.evaluate("document.documentElement.scrollWidth")
    LOG.write(f"{name} {page.url} scrollWidth={sw}\n")
    LOG.flush()


def step(fn):
    try:
        fn()
    except Exception:
        LOG.write(traceback.format_exc() + "\n")
        LOG.flush()


def ctx(browser, w):
    if w == 390:
        c = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    else:
        c = browser.new_context(viewport={"width": 1280, "height": 900})
    p = c.new_page()
    p.set_default_timeout(10000)
    return c, p


def test_walk(live_server, browser, transactional_db):
    call_command("seed_demo", password=PASSWORD)
    from patients.models import Patient
    base = live_server.url
    runner = Patient.objects.filter(user__username="runner1").first()
    pid = runner.pk if runner else Patient.objects.first().pk
    LOG.write(f"runner1 pid {pid}\n")
    for w in (1280, 390):
        c, p = ctx(browser, w)
        sign_in(p, base, "therapist1", PASSWORD)
        for name, url in [("day", "/therapist/day/"), ("week", "/therapist/day/?view=week"),
                          ("patients", "/clinical/patients/"), ("chart", f"/clinical/patients/{pid}/"),
                          ("evals", "/clinical/evaluations/"), ("gait_new", f"/clinical/patients/{pid}/gait/new/"),
                          ("programs", "/programs/dashboard/")]:
            step(lambda: (p.goto(base + url), shot(p, f"t_{w}_{name}")))
        if w == 1280:
            def menu():
                p.goto(base + "/therapist/day/")
                nav = p.get_by_role("navigation", name="Main navigation")
                nav.get_by_role("button", name="Clinical").click()
                shot(p, "t_1280_menu_clinical")
                LOG.write("NAV: " + nav.inner_text().replace("\n", " | ") + "\n")
            step(menu)
            def note():
                p.goto(base + "/therapist/day/")
                links = p.get_by_role("link", name=re.compile("Start note"))
                LOG.write(f"start note links on day: {links.count()}\n")
                if links.count() == 0:
                    p.goto(base + f"/clinical/patients/{pid}/")
                    links = p.get_by_role("link", name=re.compile("Start note"))
                    LOG.write(f"start note links on chart: {links.count()}\n")
                links.first.click()
                p.wait_for_url("**/new/**")
                shot(p, "t_1280_note_new")
                p.get_by_role("button", name="Save draft").click()
                shot(p, "t_1280_note_saved")
            step(note)
        else:
            def menu390():
                p.goto(base + "/therapist/day/")
                nav = p.get_by_role("navigation", name="Main navigation")
                nav.get_by_role("button", name="Toggle navigation").click()
                nav.get_by_role("button", name="Programs").click()
                shot(p, "t_390_menu_open")
            step(menu390)
        c.close()

        c, p = ctx(browser, w)
        sign_in(p, base, "frontdesk", PASSWORD)
        for name, url in [("cal", "/desk/calendar/"), ("calweek", "/desk/calendar/?view=week"),
                          ("schedule", "/desk/schedule/"),
                          ("patients", "/desk/patients/"), ("patient", f"/desk/patients/{pid}/"),
                          ("book", f"/desk/book/?patient={pid}"), ("waitlist", "/desk/waitlist/")]:
            step(lambda: (p.goto(base + url), shot(p, f"f_{w}_{name}")))
        c.close()

        c, p = ctx(browser, w)
        sign_in(p, base, "runner1", PASSWORD)
        for name, url in [("home", "/me/"), ("appts", "/me/appointments/"), ("runs", "/me/runs/")]:
            step(lambda: (p.goto(base + url), shot(p, f"r_{w}_{name}")))
        def es():
            p.goto(base + "/me/")
            LOG.write("FOOTER: " + p.locator("footer").inner_text().replace("\n", " | ") + "\n")
            btn = p.get_by_role("button", name=re.compile("Español|Spanish"))
            if btn.count():
                btn.first.click()
            else:
                p.get_by_text(re.compile("Español")).first.click()
            p.wait_for_load_state()
            shot(p, f"r_{w}_home_es")
            p.goto(base + "/me/appointments/")
            shot(p, f"r_{w}_appts_es")
        step(es)
        c.close()
