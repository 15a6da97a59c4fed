"""Cohort statistics (empathydesk.stats), checked against scipy and textbook formulas on a fixed data set."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest
from scipy import stats as sps

from course_fixture import course
from empathydesk import scoring, stats


@pytest.fixture(scope="module")
def content():
    return course()


def fixed_rows(content, n=40, seed=20240611):
    """A fixed cohort: baseline, wrap-up (real gain) and retro-before (looking back, lower than baseline)."""
    rng = np.random.default_rng(seed)
    rows = []
    for pid in range(1, n + 1):
        trait = rng.normal(0, 0.8)
        for cp, shift in (("baseline", 0.0), ("wrap-up", 0.6), ("retro-before", -0.4)):
            for item in content.instrument.items:
                latent = 3.0 + trait + shift + rng.normal(0, 0.7)
                value = int(np.clip(round(latent), 1, 5))
                if item.reverse:
                    value = 6 - value
                if rng.random() < 0.03:  # a few skipped items
                    continue
                rows.append({"participant_id": pid, "checkpoint": cp, "item": item.id, "value": value})
    return rows


@pytest.fixture(scope="module")
def rows(content):
    return fixed_rows(content)


@pytest.mark.parametrize("df", [1, 2, 3, 4, 5, 7, 10, 19, 30, 99, 500, 4999])
@pytest.mark.parametrize("p", [0.6, 0.9, 0.95, 0.975, 0.995])
def test_t_quantile_matches_scipy(df, p):
    assert stats.t_quantile(p, df) == pytest.approx(sps.t.ppf(p, df), rel=1e-9, abs=1e-9)
    assert stats.t_quantile(1 - p, df) == pytest.approx(sps.t.ppf(1 - p, df), rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("df", [1, 2, 3, 6, 11, 50, 1000])
@pytest.mark.parametrize("t", [-8.0, -2.1, -0.3, 0.0, 0.7, 1.96, 4.0])
def test_t_cdf_matches_scipy(df, t):
    assert stats.t_cdf(t, df) == pytest.approx(sps.t.cdf(t, df), abs=1e-12)


def test_cohort_scores_agree_with_per_participant_scoring(content, rows):
    scores = stats.competency_scores(content, rows)
    by_person: dict = {}
    for r in rows:
        by_person.setdefault(r["participant_id"], {}).setdefault(r["checkpoint"], {})[r["item"]] = r["value"]
    for pid, ratings in by_person.items():
        for cp, comps in scoring.checkpoint_scores(content, ratings).items():
            for comp, value in comps.items():
                assert scores.loc[pid, (cp, comp)] == pytest.approx(value)


def test_change_matches_scipy_paired_t(content, rows):
    scores = stats.competency_scores(content, rows)
    table = stats.change_table(content, scores, "baseline", "wrap-up").set_index("competency")
    for comp in table.index:
        pair = scores[[("baseline", comp), ("wrap-up", comp)]].dropna()
        before, after = pair.iloc[:, 0].to_numpy(), pair.iloc[:, 1].to_numpy()
        ref = sps.ttest_rel(after, before)
        low, high = ref.confidence_interval(0.95)
        diff = after - before
        # an independent route to the interval: t.interval around the mean with the standard error
        low2, high2 = sps.t.interval(0.95, len(diff) - 1, loc=diff.mean(), scale=sps.sem(diff))
        row = table.loc[comp]
        assert row["n"] == len(diff)
        assert row["mean_change"] == pytest.approx(diff.mean(), rel=1e-12)
        assert row["ci_low"] == pytest.approx(low, rel=1e-9)
        assert row["ci_high"] == pytest.approx(high, rel=1e-9)
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((low2, high2), rel=1e-9)
        # Cohen's d_z = mean difference / sd of differences = t / sqrt(n)
        assert row["d_z"] == pytest.approx(ref.statistic / math.sqrt(len(diff)), rel=1e-9)
        assert row["note"] == ""


def test_real_and_retrospective_are_kept_apart(content, rows):
    scores = stats.competency_scores(content, rows)
    both = stats.cohort_change(content, scores)
    real, retro = both["real"], both["retrospective"]
    assert real.attrs["before"] == "baseline" and not real.attrs["retrospective"]
    assert retro.attrs["before"] == "retro-before" and retro.attrs["retrospective"]
    # looking back rates the start lower, so the retrospective change is bigger: never the same numbers
    assert (retro["mean_change"] > real["mean_change"]).all()


def textbook_alpha(matrix):
    """Alpha from the average inter-item covariance: k * c / (v + (k - 1) * c)."""
    cols = [list(map(float, col)) for col in np.asarray(matrix).T]
    k = len(cols)
    v = statistics.fmean(statistics.variance(c) for c in cols)
    c = statistics.fmean(statistics.covariance(cols[i], cols[j]) for i in range(k) for j in range(k) if i != j)
    return k * c / (v + (k - 1) * c)


def test_alpha_matches_textbook_formula(content, rows):
    table = stats.reliability_table(content, rows, "baseline").set_index("competency")
    keyed = stats.keyed_frame(content, rows)
    keyed = keyed[keyed["checkpoint"] == "baseline"]
    for comp in table.index:
        items = [i.id for i in content.instrument.items if i.competency == comp]
        wide = keyed[keyed["item"].isin(items)].pivot(index="participant_id", columns="item", values="score")[items].dropna()
        assert table.loc[comp, "n"] == len(wide)
        assert table.loc[comp, "alpha"] == pytest.approx(textbook_alpha(wide.to_numpy()), rel=1e-9)


def test_alpha_on_a_worked_example():
    # 5 people x 3 items; item variances 1.3, 1.0, 1.3; totals 5, 7, 9, 13, 11 have variance 10 -> alpha = 0.96
    matrix = np.array([[1, 2, 2], [2, 2, 3], [3, 3, 3], [4, 4, 5], [3, 4, 4]])
    assert stats.cronbach_alpha(matrix) == pytest.approx(1.5 * (1 - 3.6 / 10)) == 0.96
    assert stats.cronbach_alpha(matrix) == pytest.approx(textbook_alpha(matrix))


def test_alpha_warns_when_low_or_few(content, rows):
    few = [r for r in rows if r["participant_id"] <= 8]
    table = stats.reliability_table(content, few, "baseline")
    assert table["warning"].str.contains("too few to judge").all()
    rng = np.random.default_rng(1)
    noise = [{"participant_id": p, "checkpoint": "baseline", "item": i.id, "value": int(rng.integers(1, 6))}
             for p in range(60) for i in content.instrument.items]
    table = stats.reliability_table(content, noise, "baseline")
    assert (table["alpha"] < 0.7).all()
    assert table["warning"].str.contains("below 0.7").all()


def test_small_groups_are_worked_out_with_notes_in_words(content, rows):
    """Whether a figure may be shown is empathydesk.privacy's decision; stats works out what it can, and says
    in words what is missing and why."""
    four = [r for r in rows if r["participant_id"] <= 4]
    change = stats.change_table(content, stats.competency_scores(content, four))
    assert change["mean_change"].notna().all() and change["ci_low"].notna().all()
    assert change["note"].str.contains("only 4 people: a rough guide").all()
    assert all(row.people == frozenset({1, 2, 3, 4}) for row in change.itertuples())
    one = stats.change_table(content, stats.competency_scores(content, [r for r in rows if r["participant_id"] == 1]))
    assert one["mean_change"].notna().all() and one["ci_low"].isna().all() and one["d_z"].isna().all()
    assert (one["note"] == "only one person: no interval or d_z").all()
    same = stats.paired_change([2, 3, 4, 2, 3], [3, 4, 5, 3, 4])
    assert (same["mean_change"], same["ci_low"], same["ci_high"]) == (1.0, 1.0, 1.0) and math.isnan(same["d_z"])
    assert "everyone changed by the same amount" in same["note"] and "d_z (–) can't be worked out" in same["note"]
    assert stats.paired_change(range(12), [x + (x % 3) for x in range(12)])["note"] == ""
    alpha = stats.reliability_table(content, four)
    assert alpha["alpha"].notna().any() and alpha["warning"].str.contains("too few to judge reliability").all()


def test_likert_counts_are_raw_answers(content, rows):
    counts = stats.likert_counts(content, rows, "baseline")
    assert list(counts.index) == [i.id for i in content.items_for("baseline")]
    item = content.instrument.items[3]
    raw = [r["value"] for r in rows if r["checkpoint"] == "baseline" and r["item"] == item.id]
    assert [counts.loc[item.id, v] for v in range(1, 6)] == [raw.count(v) for v in range(1, 6)]
    assert counts.loc[item.id, "n"] == len(raw)


def test_scenario_shares_count_first_tries_only(content):
    sc = content.modules[0].scenarios[0]
    attempts = [{"participant_id": p, "scenario": sc.id, "attempt": 1, "option": p % 2} for p in range(6)]
    attempts += [{"participant_id": p, "scenario": sc.id, "attempt": 2, "option": 2} for p in range(6)]
    shares = stats.scenario_shares(content, attempts)
    one = shares[shares["scenario"] == sc.id].set_index("option")
    assert list(one["count"]) == [3, 3, 0]
    assert one["share"].sum() == pytest.approx(1)
    assert one.loc[sc.best_index, "best"] and (one["people"] == frozenset(range(6))).all()
    other = shares[shares["scenario"] != sc.id]
    assert (other["n"] == 0).all()


def test_no_answers_at_all(content):
    scores = stats.competency_scores(content, [])
    assert (stats.change_table(content, scores)["n"] == 0).all()
    assert stats.reliability_table(content, [])["alpha"].isna().all()
    assert stats.likert_counts(content, [], "baseline")["n"].sum() == 0


def test_start_and_end_are_paired_only_under_the_same_instrument_version(content, rows):
    """An answer keeps the version it was given under; change compares like with like."""
    versioned = [dict(r, version=2) for r in rows]
    same = stats.cohort_tables(content, versioned, {})["change"]["real"].set_index("competency")
    # Ten people took the start under version 1 and the end under version 2: they drop out of the change.
    moved = {pid for pid in range(1, 11)}
    mixed = [dict(r, version=1) if r["participant_id"] in moved and r["checkpoint"] == "baseline" else r
             for r in versioned]
    table = stats.cohort_tables(content, mixed, {})["change"]["real"].set_index("competency")
    scores = stats.competency_scores(content, [r for r in rows if r["participant_id"] not in moved])
    expected = stats.change_table(content, scores).set_index("competency")
    for comp in table.index:
        assert table.loc[comp, "n"] == expected.loc[comp, "n"] < same.loc[comp, "n"]
        assert table.loc[comp, "mean_change"] == pytest.approx(expected.loc[comp, "mean_change"])
    # The same from per-person answers with Answers.versions (what the dashboard passes).
    by_person: dict = {}
    for r in rows:
        by_person.setdefault(r["participant_id"], {}).setdefault(r["checkpoint"], {})[r["item"]] = r["value"]
    versions = {pid: {cp: (1 if pid in moved and cp == "baseline" else 2) for cp in mine}
                for pid, mine in by_person.items()}
    again = stats.cohort_tables(content, by_person, {}, versions)["change"]["real"].set_index("competency")
    assert (again["n"] == table["n"]).all()
    # Without any version (rows from before versions), everyone is paired as before.
    plain = stats.cohort_tables(content, rows, {})["change"]["real"].set_index("competency")
    assert (plain["n"] == same["n"]).all()
