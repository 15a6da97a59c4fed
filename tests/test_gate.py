"""The participant app's door rules on their own (empathydesk.gate): rate limits, the kernel ledger, the
total cap from free memory, and log redaction."""

from __future__ import annotations

import logging

from empathydesk import gate
from empathydesk.storage.store import new_token


def test_a_rate_limit_lets_a_burst_through_then_refills_steadily():
    limit = gate.RateLimiter(per_minute=6)
    assert [limit.allow("a", now=0) for _ in range(7)] == [True] * 6 + [False]
    assert limit.allow("b", now=0)  # another address has its own allowance
    assert not limit.allow("a", now=5)  # one comes back every 10 s
    assert limit.allow("a", now=10.5)
    assert not limit.allow("a", now=11)
    assert limit.retry_after() == 10
    assert gate.RateLimiter(per_minute=0).allow("a")  # 0: no limit


def test_a_rate_limit_forgets_quiet_addresses_so_memory_stays_small():
    limit = gate.RateLimiter(per_minute=60, max_keys=100)
    for i in range(1000):
        limit.allow(f"10.0.{i // 256}.{i % 256}", now=i)
    assert len(limit._buckets) <= 100


def test_the_ledger_knows_whose_kernels_they_are():
    ledger = gate.KernelLedger()
    ledger.add("k1", "token:a", "browser-1", now=0)
    ledger.add("k2", "token:a", "browser-1", now=5)
    ledger.add("k3", "token:b", "browser-2", now=6)
    assert len(ledger) == 3 and ledger.count_for("token:a") == 2
    assert ledger.browser_of("k3") == "browser-2" and ledger.browser_of("nope") is None
    assert ledger.oldest_unused("token:a") == "k1"
    ledger.mark_connected("k1")
    assert ledger.oldest_unused("token:a") == "k2"
    assert ledger.oldest_unused("token:a", besides={"k2"}) is None
    ledger.mark_disconnected("k1")  # its tab was closed: it can go again
    assert ledger.oldest_unused("token:a", besides={"k2"}) == "k1"
    assert ledger.never_connected(older_than=10, now=16) == ["k2"]  # k3 is only 10 s old; k1 connected once
    ledger.keep_only({"k1"})
    assert len(ledger) == 1 and ledger.count_for("token:a") == 1


def test_the_total_cap_follows_the_free_memory():
    gib = 2**30
    assert gate.default_max_kernels(24 * gib, pool_kernels=16) == int(24 * gib * 0.7 / (120 * 2**20)) - 16
    assert gate.default_max_kernels(6 * gib, pool_kernels=16) == 19  # 35 kernels in 70% of 6 GiB, less the pools
    assert gate.default_max_kernels(gib // 2, pool_kernels=16) == 8  # never below a small room


def test_no_secret_survives_in_a_log_line():
    token = new_token()
    kernel = "dfc7252b-6ce1-4b92-9962-763db0a63d72"
    line = (f"403 GET /voila/files/x.png?token=KEYKEYKEY&code=K7QM-3XPA (127.0.0.1) 1.1ms; "
            f"kernel {kernel}; link {token}; /login?next=/x&_xsrf=2|abc; GET /voila/render/a.ipynb?seat=made-up-seat")
    cleaned = gate.redact(line)
    for secret in ("KEYKEYKEY", "K7QM-3XPA", token, kernel, "2|abc", "made-up-seat"):
        assert secret not in cleaned
    assert "token=[hidden]" in cleaned and "seat=[hidden]" in cleaned and "dfc7252b…" in cleaned and "next=/x" in cleaned
    assert gate.redact("Kernel pool of 01-their-side.ipynb is filled") == "Kernel pool of 01-their-side.ipynb is filled"


def test_the_log_filter_rewrites_messages_and_tracebacks(caplog):
    logger = logging.getLogger("empathydesk.test.redact")
    handler = logging.Handler()
    seen: list[str] = []
    handler.emit = lambda record: seen.append(logging.Formatter().format(record))
    handler.addFilter(gate.RedactingFilter())
    logger.addHandler(handler)
    try:
        logger.warning("%s GET /page?token=%s", 403, "secret-token-value")
        try:
            raise ValueError("?token=in-a-traceback")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    assert "secret-token-value" not in seen[0] and "token=[hidden]" in seen[0]
    assert "in-a-traceback" not in seen[1] and "ValueError" in seen[1]
