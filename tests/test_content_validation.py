"""`empathydesk validate`: every malformed content file gets `path:line: field: what is wrong`."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from empathydesk.content import check, load
from empathydesk.kinds import with_content

SRC = Path(__file__).resolve().parents[1] / "src" / "empathydesk"

INSTRUMENT = """\
kind: instrument
title: Test instrument
scale:
  - {value: 1, label: Never}
  - {value: 2, label: Always}
competencies:
  - id: perspective
    name: Seeing it their way
    description: Picturing the problem as they live it.
items:
  - {id: p-1, competency: perspective, text: I picture their side.}
  - {id: p-2, competency: perspective, text: I find it hard., reverse: true}
checkpoints:
  - id: baseline
    role: start
    title: Today
    prompt: Answer for today.
  - id: after-module-1
    role: after-module
    module: module-1
    title: After module 1
    prompt: Answer for today.
  - id: wrap-up
    role: end
    title: Now
    prompt: Answer for now.
  - id: retro-before
    role: looking-back
    title: Looking back
    prompt: Answer for the day before.
"""

MODULE = """\
kind: module
id: module-1
number: 1
title: Their side
notebook: 01-their-side.ipynb
article:
  title: An article
competency: perspective
goals:
  - A goal.
lessons:
  - id: few-minutes
    title: A few minutes a week
scenarios:
  - id: s-1
    lesson: few-minutes
    prompt: What do you say?
    options:
      - text: The kind thing.
        best: true
        feedback: Good.
      - text: The curt thing.
        feedback: Not great.
exercises:
  - id: e-1
    lesson: few-minutes
    situation: They ask again.
    curt_reply: Same as last time.
    good_rewrite: [Does not blame.]
    example: Happy to show you again.
"""


def write(folder: Path, **files: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder


def problems_for(tmp_path: Path, instrument: str = INSTRUMENT, module: str = MODULE, **extra: str) -> list[str]:
    folder = write(tmp_path / "content", instrument=instrument, module=module, **extra)
    content, problems = check([folder])
    assert (content is None) == bool(problems)
    return [str(p).replace(str(folder) + "/", "") for p in problems]


def test_valid_content_loads(tmp_path: Path) -> None:
    assert problems_for(tmp_path) == []
    content, _ = check([tmp_path / "content"])
    assert content is not None and content.scenario("s-1").best_index == 0


def test_bad_yaml_syntax_names_the_line(tmp_path: Path) -> None:
    broken = MODULE.replace("title: Their side", "title: [Their side")
    [problem] = problems_for(tmp_path, module=broken)
    assert problem.startswith("module.yaml:") and "is not valid YAML" in problem
    assert int(problem.split(":")[1]) >= 5


def test_empty_file(tmp_path: Path) -> None:
    assert problems_for(tmp_path, module="") == ["module.yaml:1: is empty"]


def test_ten_megabyte_file_is_refused_quickly(tmp_path: Path) -> None:
    huge = MODULE + "# " + "x" * 10_000_000 + "\n"
    [problem] = problems_for(tmp_path, module=huge)
    assert problem.startswith("module.yaml:1: is too big (10.0 MB")


def test_wrong_type(tmp_path: Path) -> None:
    [problem] = problems_for(tmp_path, module=MODULE.replace("number: 1", "number: first"))
    assert problem.startswith("module.yaml:3: number: ") and "integer" in problem


def test_missing_field_points_at_its_parent(tmp_path: Path) -> None:
    [problem] = problems_for(tmp_path, module=MODULE.replace("    prompt: What do you say?\n", ""))
    assert problem == "module.yaml:15: scenarios[0].prompt: is missing"


def test_option_without_feedback(tmp_path: Path) -> None:
    [problem] = problems_for(tmp_path, module=MODULE.replace("        feedback: Not great.\n", ""))
    assert problem == "module.yaml:22: scenarios[0].options[1].feedback: is missing"


def test_misspelt_field(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, module=MODULE.replace("goals:", "gaols:"))
    assert sorted(problems) == ["module.yaml:1: goals: is missing", "module.yaml:9: gaols: is not a known field (check its spelling)"]


def test_two_best_options(tmp_path: Path) -> None:
    [problem] = problems_for(tmp_path, module=MODULE.replace("        feedback: Not great.", "        feedback: Not great.\n        best: true"))
    assert problem == "module.yaml:15: scenarios[0]: a scenario needs exactly one option marked best: true; found 2"


def test_no_best_option(tmp_path: Path) -> None:
    [problem] = problems_for(tmp_path, module=MODULE.replace("        best: true\n", ""))
    assert problem.endswith("exactly one option marked best: true; found 0")


def test_cli_fails_with_file_and_line_for_a_question_without_one_best_option(tmp_path: Path) -> None:
    """A scored choice question needs exactly one best option; `empathydesk validate` names the file and line."""
    for module in (MODULE.replace("        best: true\n", ""),
                   MODULE.replace("        feedback: Not great.", "        feedback: Not great.\n        best: true")):
        folder = write(tmp_path / "content", instrument=INSTRUMENT, module=module)
        result = run_cli(str(folder))
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert f"{folder}/module.yaml:15: scenarios[0]: a scenario needs exactly one option marked best: true" in result.stderr


def test_scenario_channel(tmp_path: Path) -> None:
    with_channel = MODULE.replace("    prompt: What do you say?\n", "    prompt: What do you say?\n    channel: walk-up\n")
    assert problems_for(tmp_path, module=with_channel) == []
    content, _ = check([tmp_path / "content"])
    assert content is not None and content.scenario("s-1").channel == "walk-up"
    [problem] = problems_for(tmp_path, module=with_channel.replace("channel: walk-up", "channel: fax"))
    assert problem == "module.yaml:18: scenarios[0].channel: must be one of: chat, phone, walk-up or email"


def test_duplicate_id_across_files(tmp_path: Path) -> None:
    second = MODULE.replace("id: module-1", "id: module-2").replace("number: 1", "number: 2").replace("id: few-minutes", "id: other-lesson")
    second = second.replace("lesson: few-minutes", "lesson: other-lesson").replace("id: e-1", "id: e-2")
    problems = problems_for(tmp_path, module2=second)
    assert problems == ["module2.yaml:15: scenarios[0].id: duplicate id 's-1' (ids must be unique across all content)"]


def test_unknown_competency(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, instrument=INSTRUMENT.replace("{id: p-2, competency: perspective", "{id: p-2, competency: empathy"))
    assert problems == ["instrument.yaml:12: items[1].competency: unknown competency 'empathy'"]


def test_exercise_naming_a_missing_lesson(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, module=MODULE.replace("    lesson: few-minutes\n    situation", "    lesson: no-such-lesson\n    situation"))
    assert problems == ["module.yaml:26: exercises[0].lesson: names lesson 'no-such-lesson', which module 'module-1' does not have"]


def test_unknown_kind(tmp_path: Path) -> None:
    [problem] = problems_for(tmp_path, module=MODULE.replace("kind: module", "kind: lesson"))
    assert problem == f"module.yaml:1: kind: must be one of: instrument, module, coverage, {', '.join(with_content())}"
    assert {"knowledge-check", "conversation"} <= set(with_content())  # each kind of piece's own file is known


def test_list_instead_of_mapping(tmp_path: Path) -> None:
    assert problems_for(tmp_path, module="- just\n- a list\n") == ["module.yaml:1: must be a mapping of fields, starting with kind:"]


def test_scale_out_of_order(tmp_path: Path) -> None:
    [problem] = problems_for(tmp_path, instrument=INSTRUMENT.replace("{value: 2, label: Always}", "{value: 3, label: Always}"))
    assert "scale values must run 1, 2, 3" in problem


def test_each_needed_role_is_required(tmp_path: Path) -> None:
    no_end = INSTRUMENT.replace("  - id: wrap-up\n    role: end\n", "  - id: wrap-up\n    role: later\n")
    assert problems_for(tmp_path, instrument=no_end) == ["instrument.yaml:13: checkpoints: no check-in has role 'end'; the code needs one"]


def test_a_role_given_twice(tmp_path: Path) -> None:
    two_starts = INSTRUMENT.replace("role: looking-back", "role: start")
    assert problems_for(tmp_path, instrument=two_starts) == [
        "instrument.yaml:28: checkpoints[3].role: role 'start' has a check-in already ('baseline'); one is allowed",
        "instrument.yaml:13: checkpoints: no check-in has role 'looking-back'; the code needs one",
    ]


def test_two_check_ins_after_one_module(tmp_path: Path) -> None:
    second = INSTRUMENT + "  - id: pulse-again\n    role: after-module\n    module: module-1\n    title: Again\n    prompt: Again.\n"
    assert problems_for(tmp_path, instrument=second) == [
        "instrument.yaml:32: checkpoints[4].role: module 'module-1' has a check-in already ('after-module-1'); one is allowed",
    ]


def test_unknown_role(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, instrument=INSTRUMENT.replace("role: looking-back", "role: retro"))
    assert problems == ["instrument.yaml:28: checkpoints[3].role: must be one of: start, after-module, end, looking-back or later"]


def test_after_module_names_an_unknown_module(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, instrument=INSTRUMENT.replace("module: module-1", "module: module-9"))
    assert problems == ["instrument.yaml:20: checkpoints[1].module: unknown module 'module-9'"]


def test_after_module_without_its_module(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, instrument=INSTRUMENT.replace("    module: module-1\n", ""))
    assert problems == ["instrument.yaml:18: checkpoints[1]: an after-module check-in needs module: (the id of the module it follows)"]


def test_only_an_after_module_check_in_names_a_module(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, instrument=INSTRUMENT.replace("    role: end\n", "    role: end\n    module: module-1\n"))
    assert problems == ["instrument.yaml:23: checkpoints[2]: only an after-module check-in names a module; this one's role is end"]


def test_role_helpers_find_check_ins(tmp_path: Path) -> None:
    content, _ = check([write(tmp_path / "content", instrument=INSTRUMENT, module=MODULE)])
    assert content is not None
    assert [content.checkpoint_for(role).id for role in ("start", "end", "looking-back")] == ["baseline", "wrap-up", "retro-before"]
    assert content.checkpoint_after("module-1").id == "after-module-1" and content.checkpoint_after("module-2") is None
    assert content.checkpoint_for("looking-back").retrospective and not content.checkpoint_for("start").retrospective
    with pytest.raises(KeyError):
        content.checkpoint_for("later")


def test_coverage_with_dangling_question(tmp_path: Path) -> None:
    coverage = "kind: coverage\npoints:\n  - point: A point.\n    lesson: few-minutes\n    questions: [s-1, s-99]\n"
    assert problems_for(tmp_path, coverage=coverage) == ["coverage.yaml:5: points[0].questions[1]: unknown question or exercise 's-99'"]


def test_yes_and_no_read_as_booleans_get_a_hint(tmp_path: Path) -> None:
    [problem] = problems_for(tmp_path, instrument=INSTRUMENT.replace("label: Never", "label: No"))
    assert problem == "instrument.yaml:4: scale[0].label: reads as true/false in YAML (words like yes, no, on, off do); put the text in quotes"


def test_not_utf8(tmp_path: Path) -> None:
    folder = write(tmp_path / "content", instrument=INSTRUMENT)
    (folder / "module.yaml").write_bytes(b"kind: module\ntitle: caf\xe9\n")
    _, problems = check([folder])
    assert [str(p).replace(str(folder) + "/", "") for p in problems] == ["module.yaml:1: is not UTF-8 text"]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "empathydesk", "validate", *args], capture_output=True, text=True)


def test_cli_reports_every_problem_without_a_traceback(tmp_path: Path) -> None:
    folder = write(tmp_path / "content", instrument=INSTRUMENT, module=MODULE.replace("number: 1", "number: x").replace("        feedback: Not great.\n", ""))
    result = run_cli(str(folder))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith(str(folder))]
    assert len(lines) == 2 and all(line.count(":") >= 3 for line in lines)


def test_cli_passes_on_the_shipped_content() -> None:
    result = run_cli()
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("All good: ") and "modules" in result.stdout


def checkpoint_literals(path: Path) -> list[str]:
    """`file:line: 'text'` for each string literal in `path` that is a checkpoint id, or a prefix building one.

    The one literal allowed is joining.WRAP_UP: the wrap-up *page*, whose name the end check-in shares.
    """
    ids = {cp.id for cp in load().instrument.checkpoints}
    tree = ast.parse(path.read_text(encoding="utf-8"))
    page_id = {
        node.value for node in ast.walk(tree)
        if path == SRC / "joining.py" and isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["WRAP_UP"]
    }
    return [
        f"{path.relative_to(SRC)}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node not in page_id
        and (node.value in ids or (node.value.endswith("-") and any(i.startswith(node.value) for i in ids)))
    ]


def test_no_checkpoint_id_is_written_in_the_code() -> None:
    found = [hit for path in sorted(SRC.rglob("*.py")) for hit in checkpoint_literals(path)]
    assert found == [], "find check-ins by role (content.checkpoint_for, content.checkpoint_after), not by id"


def test_a_module_check_in_asking_about_another_modules_skill(tmp_path: Path) -> None:
    two = INSTRUMENT.replace("items:\n", """  - id: rapport
    name: Rapport
    description: Warmth.
items:
  - {id: r-1, competency: rapport, text: I am warm.}
""")
    other = two.replace("    module: module-1\n", "    module: module-1\n    competencies: [rapport]\n")
    assert problems_for(tmp_path, instrument=other) == [
        "instrument.yaml:25: checkpoints[1].competencies: the check-in after module-1 must ask only about what "
        "module-1 teaches (perspective); it asks about rapport"
    ]
    every = two  # no competencies: it asks about every skill, module-1's and another
    [problem] = problems_for(tmp_path, instrument=every)
    assert "it asks about perspective, rapport" in problem
