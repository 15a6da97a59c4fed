"""The join page without a kernel (issue 24): the participant app's `JoinHandler` on a real workshop.

Raw HTTP as a browser (or curl) sends it: the form, joining with a good code, the refusals in the join
widget's plain words (a wrong code, a locked room, empty and hostile names), the XSRF check, the per-address
rate limit, and no kernel started for any of it.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

import pytest

from empathydesk.server import RoomSettings
from empathydesk.storage import Store
from empathydesk.storage.store import LOCKED, NO_CODE, NO_NAME
from workshop_helpers import fetch, tiny_workshop

LOCAL = "127.0.0.1"
LANDING = "/voila/render/index.ipynb"


def start(base, cohort: str, **room):
    landing = ["import empathydesk as ed", "print('the landing notebook ran')"]
    pages = {"index.ipynb": landing, "lesson.ipynb": ["print('lesson')"]}
    return tiny_workshop(base, cohort, pages, RoomSettings(pool_size=1, fill_delay=0, **room))


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    running = start(tmp_path_factory.mktemp("join-page"), "join-room", join_pages_per_minute=0)
    yield running
    running.stop()


def get(room, path, **kw):
    return fetch(LOCAL, room.participant.port, path, **kw)


def kernels_started(room) -> int:
    return room.participant.log_path.read_text(errors="replace").count("Kernel started")


def form_fields(reply) -> dict[str, str]:
    found = dict(re.findall(r'<input[^>]* name="([^"]+)"[^>]* value="([^"]*)"', reply.body))
    return {k: html.unescape(v) for k, v in found.items()}


def send(room, page, **values: str):
    """The form on `page`, sent with `values` as a browser sends it (the page's _xsrf cookie and field)."""
    data = {**form_fields(page), **values}
    return get(room, LANDING, method="POST", body=urlencode(data), cookies=page.cookies,
               headers={"Content-Type": "application/x-www-form-urlencoded"})


def said(reply) -> str:
    """The page's words as read (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", reply.body))


def test_the_join_page_is_a_form_served_without_a_kernel(room):
    before = kernels_started(room)
    page = get(room, f"{LANDING}?code={room.join_code}")
    assert page.status == 200 and page.headers["cache-control"] == "no-store"
    assert 'data-ed="join-form"' in page.body and 'method="post"' in page.body
    assert form_fields(page)["code"] == room.join_code  # filled in from the QR code's link
    assert "_xsrf" in page.cookies and form_fields(page)["_xsrf"]
    assert 'for="ed-join-name">Your name for today</label>' in page.body
    assert "Join the workshop</button>" in page.body
    assert "the landing notebook ran" not in page.body and "jupyter-config-data" not in page.body
    # the template's stylesheets, linked (not copied)
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page.body)
    assert [s.split("?")[0].rsplit("/", 1)[1] for s in sheets] == ["tokens.css", "page.css", "pieces.css"]
    for sheet in sheets:
        css = get(room, html.unescape(sheet))
        assert css.status == 200 and css.headers["content-type"].startswith("text/css") and "--ed-" in css.body
    assert get(room, "/empathydesk/style/index.html.j2").status == 404  # the template's other files are not served
    assert get(room, "/empathydesk/style/../conf.json").status in (403, 404)
    assert get(room, "/").location == LANDING and get(room, "/?code=AB").location == f"{LANDING}?code=AB"
    assert kernels_started(room) == before


def test_a_good_code_gives_the_personal_link_and_the_pages_without_a_kernel(room):
    before = kernels_started(room)
    page = get(room, f"{LANDING}?code={room.join_code}")
    joined = send(room, page, name="  Sam   Lee ")
    assert joined.status == 200, joined.body[-500:]
    (sam,) = [p for p in Store.open(room.db_url).participants(room.cohort_name) if p.pseudonym == "Sam Lee"]
    assert "Welcome, Sam Lee: you have joined." in said(joined)
    link = f"http://{LOCAL}:{room.participant.port}/?seat={sam.token}"
    assert f'href="{link}" data-ed="personal-link"' in joined.body  # as the visitor reached the app
    from empathydesk.storage.store import check_code

    assert f'data-ed="check-code">{check_code(sam.token)}</strong>' in joined.body
    assert f'class="ed-next" href="00-welcome.ipynb?seat={sam.token}">Start: Welcome' in joined.body
    assert f"history.replaceState(null, '', '?' + \"seat={sam.token}\")" in joined.body
    assert joined.headers["cache-control"] == "no-store"
    assert kernels_started(room) == before
    # the same form sent again (a double click, a reload of the POST) gives the same person, not a second
    again = send(room, page, name="Sam Lee")
    assert again.status == 200 and sam.token in again.body and "You have joined already." in said(again)
    assert [p.pseudonym for p in Store.open(room.db_url).participants(room.cohort_name)].count("Sam Lee") == 1
    # the personal link opens the landing notebook, in a kernel, as before
    back = get(room, f"{LANDING}?seat={sam.token}")
    assert back.status == 200 and "the landing notebook ran" in back.body


def test_a_wrong_code_is_said_in_plain_words_and_nobody_joins(room):
    page = get(room, LANDING)
    count = len(Store.open(room.db_url).participants(room.cohort_name))
    refused = send(room, page, code="NOPE-NOPE", name="Kim")
    assert refused.status == 400
    assert f"Not yet: {NO_CODE}" in " ".join(said(refused).split())
    assert form_fields(refused)["name"] == "Kim" and form_fields(refused)["code"] == "NOPE-NOPE"  # kept to fix
    other = Store.open(room.db_url).create_cohort("someone-elses")
    elsewhere = send(room, page, code=other.join_code, name="Kim")
    assert elsewhere.status == 400 and "That code is for a different workshop" in said(elsewhere)
    assert len(Store.open(room.db_url).participants(room.cohort_name)) == count


def test_a_locked_room_takes_nobody_new(room):
    store = Store.open(room.db_url)
    store.set_locked(room.cohort_name, True)
    try:
        refused = send(room, get(room, LANDING), code=room.join_code, name="Late")
    finally:
        store.set_locked(room.cohort_name, False)
    assert refused.status == 400 and LOCKED in " ".join(said(refused).split())
    assert "Late" not in [p.pseudonym for p in store.participants(room.cohort_name)]


@pytest.mark.parametrize("name", ["", "   ", "\x00\x01\x1b\x7f", "\u202e\u200f\t"])
def test_an_empty_name_is_refused_kindly(room, name):
    refused = send(room, get(room, LANDING), code=room.join_code, name=name)
    assert refused.status == 400 and NO_NAME in " ".join(said(refused).split())
    assert "\x00" not in refused.body and "\x1b" not in refused.body and "\u202e" not in refused.body


def test_hostile_names_are_text_never_markup(room):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>"\'>'
    page = get(room, LANDING)
    too_long = send(room, page, code=room.join_code, name=hostile)  # 60 characters: over the limit
    assert too_long.status == 400 and "Please choose a shorter name" in said(too_long)
    assert "<script>alert" not in too_long.body and "<img src=x" not in too_long.body
    assert 'value="&lt;script&gt;alert(&quot;x&quot;)' in too_long.body  # given back to fix, as text
    for name in ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "Ann\x00\x1b[2J\u202eoll"]:
        joined = send(room, get(room, LANDING), code=room.join_code, name=name)
        assert joined.status == 200, name
        assert "<script>alert(1)" not in joined.body and "<img src=x" not in joined.body
        assert "\x00" not in joined.body and "\x1b" not in joined.body and "\u202e" not in joined.body
    names = [p.pseudonym for p in Store.open(room.db_url).participants(room.cohort_name)]
    assert "<script>alert(1)</script>" in names  # stored as typed: the page shows it as text
    assert "Ann [2Joll" in names  # without its control characters (Tornado makes them spaces, the store one space)
    huge = send(room, get(room, LANDING), code=room.join_code, name="x" * 2_000_000)
    assert huge.status == 400 and "Please choose a shorter name" in said(huge) and len(huge.body) < 50_000


def test_a_post_without_the_pages_xsrf_token_is_refused(room):
    page = get(room, LANDING)
    count = len(Store.open(room.db_url).participants(room.cohort_name))
    fields = {**form_fields(page), "code": room.join_code, "name": "Forged"}
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    no_token = {k: v for k, v in fields.items() if k != "_xsrf"}
    replies = [
        get(room, LANDING, method="POST", body=urlencode(no_token), cookies=page.cookies, headers=form),
        get(room, LANDING, method="POST", body=urlencode(fields), headers=form),  # another site's form: no cookie
        get(room, LANDING, method="POST", body=urlencode({**fields, "_xsrf": "2|00|11|22"}), cookies=page.cookies,
            headers=form),
    ]
    assert [r.status for r in replies] == [403, 403, 403]
    assert all("Traceback" not in r.body for r in replies)
    assert len(Store.open(room.db_url).participants(room.cohort_name)) == count


def test_an_old_link_says_so_and_offers_the_form(room):
    store = Store.open(room.db_url)
    kim = store.join(room.join_code, "Kim")
    old = kim.token
    store.reissue_link(kim.id)
    before = kernels_started(room)
    page = get(room, f"{LANDING}?seat={old}")
    assert page.status == 200 and "does not work any more" in said(page) and 'data-ed="join-form"' in page.body
    assert get(room, f"{LANDING}?seat={'t' * 200}").status == 200  # too long to look up: the form
    assert kernels_started(room) == before


def test_a_link_given_out_as_token_is_redirected_to_seat(room):
    """Links handed out before the rename (`?token=`) keep working: a 302 to the same page with `?seat=`,
    the rest of the address kept, before any kernel is taken."""
    pat = Store.open(room.db_url).join(room.join_code, "Pat")
    before = kernels_started(room)
    moved = get(room, f"{LANDING}?token={pat.token}&code=AB")
    assert moved.status == 302 and moved.location == f"{LANDING}?seat={pat.token}&code=AB"
    lesson = get(room, f"/voila/render/lesson.ipynb?token={pat.token}")
    assert lesson.status == 302 and lesson.location == f"/voila/render/lesson.ipynb?seat={pat.token}"
    assert kernels_started(room) == before
    both = get(room, f"/voila/render/lesson.ipynb?seat={pat.token}&token=jupyters-own")  # the new link wins
    assert both.status == 200 and "lesson" in both.body


def test_jupyters_own_token_is_never_taken_for_a_participant(room):
    """Jupyter Server, JupyterHub and Binder sign in with `?token=`: on our pages it is ignored."""
    before = kernels_started(room)
    landing = get(room, f"{LANDING}?token=jupyter-login-token-abc123")
    assert landing.status == 200 and 'data-ed="join-form"' in landing.body
    assert "does not work any more" not in said(landing)  # not read as a participant's (old) link
    lesson = get(room, "/voila/render/lesson.ipynb?token=jupyter-login-token-abc123")
    assert lesson.status == 403 and not lesson.location  # no link of ours: not redirected, no page
    assert kernels_started(room) == before


def test_join_pages_and_tries_are_rate_limited_per_address(tmp_path_factory):
    limited = start(tmp_path_factory.mktemp("join-limited"), "limited", join_pages_per_minute=3)
    try:
        page = get(limited, LANDING)
        tries = [send(limited, page, code="WRONG", name="Pat") for _ in range(3)]
        assert [t.status for t in tries[:2]] == [400, 400] and tries[2].status == 429
        assert "Please wait a minute" in said(tries[2]) and tries[2].headers.get("retry-after")
        assert form_fields(tries[2])["name"] == "Pat"  # what was typed stays
        refused = get(limited, LANDING)
        assert refused.status == 429 and "Please wait a minute" in refused.body and refused.headers.get("retry-after")
        assert Store.open(limited.db_url).participants("limited") == []
        # an old link is redirected all the same: the redirect is not a join page and counts for nothing
        old = Store.open(limited.db_url).join(limited.join_code, "Old")
        moved = get(limited, f"/voila/render/lesson.ipynb?token={old.token}")
        assert moved.status == 302 and moved.location.endswith(f"?seat={old.token}")
    finally:
        limited.stop()


def test_the_landing_notebooks_own_text_is_around_the_form():
    from empathydesk import join_page
    from empathydesk.paths import notebooks_dir

    intro = join_page.landing_intro(notebooks_dir() / "index.ipynb")
    assert intro.title == "EmpathyDesk: join the workshop"
    assert "Help the person, not just the ticket" in intro.before and "¶" not in intro.before
    assert "reload the page" in intro.after
    page = join_page.page(intro, "<p>form</p>", ["/s.css"])
    assert page.index("Help the person") < page.index("<p>form</p>") < page.index("reload the page")


def test_cells_the_template_leaves_out_are_left_out_here_too(tmp_path):
    import nbformat

    from empathydesk import join_page

    (tmp_path / "conf.json").write_text('{"preprocessors": {"x": {"remove_cell_tags": ["notebook-only"]}}}')
    assert join_page.removed_tags(tmp_path) == {"notebook-only"}
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("Run All Cells first", metadata={"tags": ["notebook-only"]}),
                nbformat.v4.new_markdown_cell("# Hello"), nbformat.v4.new_code_cell("1")]
    nbformat.write(nb, tmp_path / "index.ipynb")
    if "notebook-only" in join_page.removed_tags(join_page_template()):
        intro = join_page.landing_intro(tmp_path / "index.ipynb")
        assert "Hello" in intro.before and "Run All Cells" not in intro.before


def join_page_template():
    from empathydesk.paths import TEMPLATE_DIR

    return TEMPLATE_DIR
