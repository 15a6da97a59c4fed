"""The participant app's door rules, kept apart from Voilà so they can be tested alone.

`empathydesk._voila` applies them to the running apps:
- `RateLimiter`: how often one address may open pages, try the facilitator key, and so on;
- `KernelLedger`: which page kernels were handed to whom, so the app can cap them per visitor and in
  total, stop the ones nobody ever connected to, and let only their own browser reach them;
- `default_max_kernels`: the total cap, sized from the memory free when the workshop starts;
- `redact` / `RedactingFilter`: no link token, facilitator key or kernel id in a log line.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field

KERNEL_MIB = 120  # a page kernel's memory in a room (bench/results.md: 98-188 MiB, most near 105)
MEMORY_SHARE = 0.7  # of the memory free at start, what page kernels may use


@dataclass
class RateLimiter:
    """At most `per_minute` events per key in any minute (a token bucket that refills steadily)."""

    per_minute: float
    burst: float | None = None  # how many may come at once (default: per_minute)
    max_keys: int = 10_000  # forget the quietest keys beyond this many (an attacker can't fill memory)
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)

    def allow(self, key: str, now: float | None = None) -> bool:
        """Take one event for `key` if its bucket has one; False means "too many, wait"."""
        if self.per_minute <= 0:
            return True
        now = time.monotonic() if now is None else now
        capacity = self.burst if self.burst is not None else self.per_minute
        level, then = self._buckets.get(key, (capacity, now))
        level = min(capacity, level + (now - then) * self.per_minute / 60)
        if len(self._buckets) >= self.max_keys and key not in self._buckets:
            full = [k for k, (lv, _) in self._buckets.items() if lv >= capacity - 1]
            for old in full or list(self._buckets)[: self.max_keys // 10]:
                self._buckets.pop(old, None)
        if level < 1:
            self._buckets[key] = (level, now)
            return False
        self._buckets[key] = (level - 1, now)
        return True

    def retry_after(self) -> int:
        """Seconds until one more event is allowed for a key that was refused."""
        return max(1, round(60 / self.per_minute)) if self.per_minute > 0 else 0


@dataclass
class Handout:
    visitor: str  # who the page is for: the link's token, or "address:<ip>" on the landing page
    browser: str  # the browser that opened it (its visitor cookie)
    at: float
    connected: bool = False  # its page connected at least once
    sockets: int = 0  # connections open now (0: the tab is closed, or never connected)


class KernelLedger:
    """Page kernels handed out by the participant app, and to whom."""

    def __init__(self) -> None:
        self._kernels: dict[str, Handout] = {}

    def add(self, kernel_id: str, visitor: str, browser: str, now: float | None = None) -> None:
        self._kernels[kernel_id] = Handout(visitor, browser, time.monotonic() if now is None else now)

    def forget(self, kernel_id: str) -> None:
        self._kernels.pop(kernel_id, None)

    def keep_only(self, alive: set[str]) -> None:
        """Forget kernels that have stopped (culled, shut down on leaving, or failed)."""
        for kernel_id in [k for k in self._kernels if k not in alive]:
            del self._kernels[kernel_id]

    def mark_connected(self, kernel_id: str) -> None:
        if kernel_id in self._kernels:
            handout = self._kernels[kernel_id]
            handout.connected, handout.sockets = True, handout.sockets + 1

    def mark_disconnected(self, kernel_id: str) -> None:
        if kernel_id in self._kernels:
            handout = self._kernels[kernel_id]
            handout.sockets = max(0, handout.sockets - 1)

    def browser_of(self, kernel_id: str) -> str | None:
        found = self._kernels.get(kernel_id)
        return found.browser if found else None

    def __len__(self) -> int:
        return len(self._kernels)

    def count_for(self, visitor: str) -> int:
        return sum(1 for h in self._kernels.values() if h.visitor == visitor)

    def oldest_unused(self, visitor: str, besides: set[str] = frozenset()) -> str | None:
        """The visitor's oldest kernel with no page connected now (a tab closed, or closed before it loaded):
        the first to let go when they open one more."""
        waiting = [(h.at, k) for k, h in self._kernels.items()
                   if h.visitor == visitor and h.sockets == 0 and k not in besides]
        return min(waiting)[1] if waiting else None

    def never_connected(self, older_than: float, now: float | None = None, besides: set[str] = frozenset()) -> list[str]:
        """Kernels handed out more than `older_than` seconds ago whose page never connected to them."""
        now = time.monotonic() if now is None else now
        return [k for k, h in self._kernels.items()
                if not h.connected and now - h.at > older_than and k not in besides]


def default_max_kernels(available_bytes: int, pool_kernels: int) -> int:
    """How many page kernels the room may hold at once: a share of the free memory, less the pools."""
    budget = int(available_bytes * MEMORY_SHARE / (KERNEL_MIB * 2**20)) - pool_kernels
    return max(8, budget)


def available_memory() -> int:
    """Bytes of memory free for new processes right now."""
    import psutil

    return int(psutil.virtual_memory().available)


# --- logs ---------------------------------------------------------------------------------------------

HIDDEN = "[hidden]"
_SECRET_PARAM = re.compile(r"(?i)((?:^|[?&;\s'\"])(?:seat|token|code|key|_xsrf|password)=)[^&\s'\"#;)]+")
_KERNEL_ID = re.compile(r"\b([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
_LINK_TOKEN = re.compile(r"\bt[A-Za-z0-9_-]{32}\b")  # storage.store.new_token(): "t" + 32 URL-safe characters


def redact(text: str) -> str:
    """`text` without secrets: tokens, keys and codes in addresses, link tokens, and all but the start of kernel ids."""
    text = _SECRET_PARAM.sub(rf"\1{HIDDEN}", text)
    text = _LINK_TOKEN.sub(HIDDEN, text)
    return _KERNEL_ID.sub(r"\1…", text)


class RedactingFilter(logging.Filter):
    """A log filter that rewrites each record's message with `redact` (attach it to handlers)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is logged as it is
            return True
        cleaned = redact(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, ()
        return True


def protect_logs(*loggers: logging.Logger) -> None:
    """Redact every line the given loggers' handlers (and the root logger's) write, once each.

    A root logger without handlers gets one like Python's last resort (warnings and worse, as they are),
    so that lines from other libraries (Tornado's request log) pass through the filter too.
    """
    root = logging.getLogger()
    if not root.handlers:
        fallback = logging.StreamHandler()
        fallback.setLevel(logging.WARNING)
        root.addHandler(fallback)
    handlers = {h for lg in (*loggers, root) for h in lg.handlers}
    for handler in handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
