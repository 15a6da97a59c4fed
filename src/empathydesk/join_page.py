"""The join page served without a kernel: the landing page of `empathydesk workshop` for someone with no
valid personal link yet (issue 24: a room of 40 waited half a minute for a kernel just to see a form).

The participant app's `JoinHandler` (empathydesk._voila) sends these pages; this module only builds them.
The words, the rules and the markup are the landing page's own, taken from where they live:
- the rules and their plain-word refusals: `Store.join` (a wrong code, another workshop's code, a locked
  room, an empty or too long name), through `JoinAttempt`;
- the words, the personal link and check code, the list of pages, and the join piece's style: the join
  widget's (`empathydesk.widgets.join`, `empathydesk.widgets.ui`), so both show the same;
- the text around the form: the landing notebook's own markdown cells;
- the look: the workshop template's stylesheets (tokens.css, page.css, pieces.css), linked, not copied.

Every text from the visitor is escaped here; names lose their control characters as `Store.join` cleans them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from empathydesk.limits import MAX_NAME
from empathydesk.text import clean

STYLESHEETS = ("tokens.css", "page.css", "pieces.css")  # in the template's folder (empathydesk.paths.TEMPLATE_DIR)
TITLE = "EmpathyDesk: join the workshop"
HEADING = "Join the workshop"
CODE_LABEL, CODE_PLACEHOLDER = "Join code", "like K7QM-3XPA"
NAME_LABEL, NAME_PLACEHOLDER = "Your name for today", "a first name or nickname"
MAX_CODE = 64  # longer than any join code: not looked up
FORM_STYLE = ".ed-join-form input { width: 100%; max-width: 24rem; min-height: var(--ed-target); }"


@dataclass(frozen=True)
class Intro:
    """The landing notebook's text around its join piece: markdown cells before and after the code cells."""

    title: str = TITLE
    before: str = ""
    after: str = ""


def removed_tags(template: Path) -> set[str]:
    """The cell tags the page template leaves out of its pages (its conf.json's `remove_cell_tags`)."""
    try:
        conf = json.loads((template / "conf.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    found = (conf.get("preprocessors") or {}).values() if isinstance(conf, dict) else []
    return {tag for p in found if isinstance(p, dict) for tag in p.get("remove_cell_tags") or []}


def landing_intro(notebook: Path) -> Intro:
    """The landing notebook's markdown rendered as Voilà renders it (no anchor links, without the cells the
    template leaves out); an empty one if unreadable."""
    import nbformat
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    from empathydesk.paths import TEMPLATE_DIR

    try:
        nb = nbformat.read(notebook, as_version=4)
    except (OSError, ValueError):
        return Intro()
    left_out = removed_tags(TEMPLATE_DIR)
    nb.cells = [c for c in nb.cells if not left_out & set(c.metadata.get("tags") or [])]
    render = MarkdownWithMath(renderer=IPythonRenderer(escape=False, exclude_anchor_links=True)).render
    code = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    first, last = (code[0], code[-1]) if code else (len(nb.cells), len(nb.cells))

    def cells(chosen: list[Any]) -> str:
        return "".join(
            f'<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown jp-MarkdownOutput">{render(c.source)}</div>'
            for c in chosen if c.cell_type == "markdown")

    return Intro(str(nb.metadata.get("title") or TITLE), cells(nb.cells[:first]), cells(nb.cells[last + 1:]))


def page(intro: Intro, body: str, stylesheets: list[str], script: str = "") -> str:
    """A whole page in the workshop's look: the landing notebook's text around `body` (trusted markup)."""
    from empathydesk.widgets.join import CSS
    from empathydesk.widgets.ui import esc

    links = "".join(f'<link rel="stylesheet" href="{esc(href)}">' for href in stylesheets)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<link rel="icon" href="data:,"><title>{esc(intro.title)}</title>{links}'
        f"<style>{CSS}{FORM_STYLE}</style></head>"
        '<body class="theme-light" data-voila="voila" data-ed-page="join">'
        f'<div id="rendered_cells" role="main"><div>{intro.before}'
        f'<div class="ed-piece ed-join" data-ed="join">{body}</div>{intro.after}</div></div>'
        f"{script}</body></html>"
    )


def form(action: str, xsrf_html: str, form_id: str, code: str = "", name: str = "", note: str = "",
         old_link: bool = False) -> str:
    """The join form: the code (filled in from a `?code=` link), a chosen name, one button; `note` under it."""
    from empathydesk.widgets.join import NAME_HINT, OLD_LINK
    from empathydesk.widgets.ui import esc, note_html

    shown_name = clean(name)[: MAX_NAME * 2]
    shown_code = clean(code)[:MAX_CODE]
    warning = note_html("warn", OLD_LINK, word="Your link:") if old_link else ""
    return (
        f'{warning}<form class="ed-join-form" method="post" action="{esc(action)}" data-ed="join-form">'
        f'{xsrf_html}<input type="hidden" name="form" value="{esc(form_id)}">'
        f"<h3>{esc(HEADING)}</h3>"
        f'<div class="ed-stack"><label for="ed-join-code">{esc(CODE_LABEL)}</label>'
        f'<input id="ed-join-code" name="code" type="text" value="{esc(shown_code)}" '
        f'placeholder="{esc(CODE_PLACEHOLDER)}" autocomplete="off" autocapitalize="characters" spellcheck="false" '
        f'maxlength="{MAX_CODE}"></div>'
        f'<div class="ed-stack"><label for="ed-join-name">{esc(NAME_LABEL)}</label>'
        f'<input id="ed-join-name" name="name" type="text" value="{esc(shown_name)}" '
        f'placeholder="{esc(NAME_PLACEHOLDER)}" autocomplete="nickname" aria-describedby="ed-join-hint"></div>'
        f'<p class="ed-muted" id="ed-join-hint">{esc(NAME_HINT)}</p>'
        f'<button type="submit" class="ed-button mod-primary">{esc(HEADING)}</button>'
        f'<div data-ed="join-status">{note}</div></form>'
    )


# What the button does while the form is sent: one click, one participant (the server keeps to that too).
FORM_SCRIPT = (
    "<script>(function () { var f = document.querySelector('form.ed-join-form'); if (!f) return;"
    " f.addEventListener('submit', function () { var b = f.querySelector('button[type=submit]');"
    " if (b) { setTimeout(function () { b.disabled = true; }, 0); } }); })();</script>"
)


def not_yet(message: str) -> str:
    """A refusal by the rules (`JoinError`), as the join widget says it."""
    from empathydesk.widgets.ui import note_html

    return note_html("warn", message, word="Not yet:")


def not_joined(message: str) -> str:
    """Anything else that stopped the joining (the database, too many tries), as the join widget says it."""
    from empathydesk.widgets.ui import note_html

    return note_html("error", message, word="Not joined:")


@dataclass(frozen=True)
class Joined:
    """What the joined page shows: the person's name as the facilitator sees it, their link, their pages."""

    name: str
    token: str
    link: str
    check_code: str
    pages: list[Any]  # joining.PageLink, relative to the landing page


def warm_up() -> None:
    """Read the course's content as the app starts (on a thread of its own), not at the first join: about 1.5
    CPU-s of YAML that, in the room bench, held the participant app's loop for seconds as the first people
    joined. A content problem is left for the join itself to report."""
    from empathydesk.content import load

    try:
        load()
    except Exception:  # noqa: BLE001 - reported where it matters, by the join that needs the content
        pass


def joined(store: Any, content: Any, participant: Any, base: str | None) -> Joined:
    """The joined page's facts for a participant (reads the store: off the event loop)."""
    from empathydesk import joining
    from empathydesk.storage.store import check_code

    token = participant.token
    return Joined(joining.own_display_name(store, participant), token, joining.personal_link(token, base),
                  check_code(token), joining.page_links(store, content, participant, token))


def joined_body(facts: Joined, *, again: bool = False) -> str:
    """Welcome, the personal link and check code, and the pages in order (from "Start: Welcome"), as the join
    widget shows them once the button is pressed."""
    from empathydesk import joining
    from empathydesk.widgets.join import ALL_DONE, JOINED_ALREADY, link_html, pages_html
    from empathydesk.widgets.ui import esc, note_html

    start = joining.next_page(facts.pages)
    if start is None:
        lead = f'<p class="ed-all-done"><strong>{esc(ALL_DONE)}</strong></p>'
    else:
        verb = "Start" if not any(link.done for link in facts.pages) else "Carry on"
        lead = f'<p><a class="ed-next" href="{esc(start.href)}">{verb}: {esc(start.title)} →</a></p>'
    already = note_html("info", JOINED_ALREADY, word="") if again else ""
    return (
        f'<h3 data-ed="greeting">{esc(f"Welcome, {facts.name}: you have joined.")}</h3>{already}'
        f"{link_html(facts.link, facts.check_code)}"
        f"<h3>{esc('Your pages, in order')}</h3>{lead}{pages_html(facts.pages)}"
    )


def remember_in_address(token: str) -> str:
    """The personal link's query in the address bar (a reload or a bookmark keeps the person), as the join
    widget does; where scripts don't run, the links on the page carry the token."""
    from empathydesk import joining

    query = json.dumps(joining.personal_link(token).split("?", 1)[1]).replace("<", "\\u003c")
    return f"<script>try {{ history.replaceState(null, '', '?' + {query}); }} catch (e) {{}}</script>"


_HOST = re.compile(r"^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$")


def app_base(protocol: str, host: str, root: str) -> str | None:
    """The participant app's address as the visitor reached it ("http://192.168.1.20:8866/"), for the personal
    link; None for a Host header that is no host name (then the link is relative to the page)."""
    if protocol not in ("http", "https") or not _HOST.match(host or ""):
        return None
    return f"{protocol}://{host}{root}"
