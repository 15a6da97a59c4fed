"""The workshop server's own small pages: a link that does not work, a full room, too many tries, sign-in.

Plain HTML with its style inline (no web fonts, nothing from the internet), a main landmark, and words a
participant can act on. Every text is escaped here; callers pass plain words.
"""

from __future__ import annotations

import re
from html import escape

from empathydesk.paths import TEMPLATE_DIR

# The design tokens (share/STYLE.md) in the page itself: these pages are served without the Voila template that
# puts them in the head, and ask for no other file. Dark when the browser asks for it (body.ed-plain-page).
TOKENS = re.sub(r"/\*.*?\*/", "", (TEMPLATE_DIR / "tokens.css").read_text(encoding="utf-8"), flags=re.S)  # no comments
STYLE = TOKENS + """
body { margin: 0; background: var(--ed-color-bg); color: var(--ed-color-text); font-family: var(--ed-font-sans);
  font-size: var(--ed-size-md); line-height: var(--ed-leading); }
main { max-width: 34rem; margin: var(--ed-space-7) auto; padding: var(--ed-space-5); background: var(--ed-color-surface);
  border-radius: var(--ed-radius-sm); box-shadow: var(--ed-shadow); }
h1 { font-size: var(--ed-size-xl); line-height: var(--ed-leading-tight); margin: 0 0 var(--ed-space-3); }
p { margin: var(--ed-space-3) 0; }
a { color: var(--ed-color-accent); font-weight: 600; }
a:hover { color: var(--ed-color-accent-strong); }
label { display: block; font-weight: 600; margin: var(--ed-space-4) 0 var(--ed-space-1); }
input { font: inherit; width: 100%; box-sizing: border-box; min-height: var(--ed-target); padding: var(--ed-space-2);
  color: var(--ed-color-text); background: var(--ed-color-surface);
  border: var(--ed-control-border) solid var(--ed-color-border-strong); border-radius: var(--ed-radius-sm); }
button { font: inherit; font-weight: 600; margin-top: var(--ed-space-4); min-height: var(--ed-target);
  padding: var(--ed-space-2) var(--ed-space-5); border: 0; border-radius: var(--ed-radius-sm);
  background: var(--ed-color-accent); color: var(--ed-color-on-accent); cursor: pointer; }
button:hover { background: var(--ed-color-accent-strong); }
:focus-visible { outline: var(--ed-focus-ring); outline-offset: 2px; }
.problem { border-left: 6px solid var(--ed-color-warn); background: var(--ed-color-warn-soft);
  padding: var(--ed-space-2) var(--ed-space-4); }
@media (max-width: 480px) { main { margin: 0; border-radius: 0; min-height: 100vh; box-sizing: border-box; } }
"""


NO_ICON = '<link rel="icon" href="data:,">'  # the browser asks for no favicon (the apps have none: a 404)


def page(title: str, paragraphs: list[str], *, link: tuple[str, str] | None = None, extra_html: str = "") -> str:
    """A whole page: a heading, plain paragraphs, an optional way on (text, address), and trusted extra HTML."""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    if link:
        body += f'<p><a href="{escape(link[1])}">{escape(link[0])}</a></p>'
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"{NO_ICON}<title>{escape(title)} · EmpathyDesk</title><style>{STYLE}</style></head>"
        f'<body class="ed-plain-page"><main><h1>{escape(title)}</h1>{body}{extra_html}</main></body></html>'
    )


def link_not_valid(join_page: str) -> str:
    return page(
        "This link does not work",
        [
            "This page needs your personal link, the one you got when you joined. "
            "The link may be mistyped, out of date, or for another workshop.",
            "If you have your personal link, please open it again. If not, you can join with the code on the screen, "
            "or ask your facilitator for help.",
        ],
        link=("Go to the join page", join_page),
    )


def room_full() -> str:
    return page(
        "The workshop is full right now",
        ["Too many pages are open on this computer at the moment. Please try again in a minute."],
    )


def too_many_tabs() -> str:
    return page(
        "You have many pages open",
        [
            "You have several workshop pages open at once. Please close the ones you are not using, "
            "then reload this page.",
        ],
    )


SLOW_DOWN = "This device has opened a lot of pages in a short time. Please wait a minute, then try again."


def slow_down() -> str:
    return page("Please wait a moment", [SLOW_DOWN])


def problem(status: int) -> str:
    """Any other error: no details (those go to the server log)."""
    if status == 404:
        return page("We can't find that page", ["Please check the address, or go back to the page you came from."])
    if status == 403:
        return page("This page is not open to you", ["Please use the link your facilitator gave you."])
    return page(
        "Something went wrong",
        ["This page did not load. Your answers so far are saved. Please reload the page. "
         "If it happens again, tell your facilitator."],
    )


def sign_in(action: str, xsrf_html: str, message: str = "", next_page: str = "") -> str:
    """The facilitator's sign-in form: the key is sent in the form, never in the address."""
    note = f'<p class="problem" role="alert">{escape(message)}</p>' if message else ""
    form = (
        f'{note}<form method="post" action="{escape(action)}">{xsrf_html}'
        f'<input type="hidden" name="next" value="{escape(next_page)}">'
        '<label for="key">Facilitator key</label>'
        '<input id="key" name="password" type="password" autocomplete="current-password" required autofocus>'
        "<button type=\"submit\">Sign in</button></form>"
    )
    return page(
        "Facilitator sign-in",
        [
            "These pages are for the person running the workshop, so they need the facilitator key.",
            "You will find the key in the terminal window where the workshop was started, on the line "
            "\u201cFacilitator key\u201d. The sign-in link printed there also works, once.",
        ],
        extra_html=form,
    )


def signed_out(sign_in_page: str) -> str:
    return page("You are signed out", ["The facilitator pages are closed on this browser."],
                link=("Sign in again", sign_in_page))
