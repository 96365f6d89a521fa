"""The kit's own inputs: a malformed case.yml is one clear error naming the file, where, what and the fix.

Each test writes a fixture tree of its own (the kit's corpus, one good resolver case and one
broken one) and points the kit at it with $KAIZEN_CONFORMANCE_FIXTURES, so the kit's real
fixtures are never touched. The error must surface as a collection error of the resolver
suite, before any implementation runs, and `kaizen-conformance check-fixtures` must list
every problem of the tree at once.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kaizen_conformance.cases.loading import FIXTURES_ENV
from kaizen_conformance.cases.locations import fixtures_dir

GOOD_RECORD = """\
  - slug: custodian/alpha
    domain: custodian
    host_paths:
      runner-01: '{repos}/alpha'
    kaizen_schedule_enabled: true
"""


def make_tree(root: Path, cases: dict[str, str], corpus_extra: str = "") -> Path:
    """A fixtures tree: the kit's manifests, one good resolver case, and ``cases`` (id -> case.yml)."""
    tree = root / "fixtures"
    shutil.copytree(fixtures_dir() / "manifests", tree / "manifests")
    shutil.copytree(fixtures_dir() / "resolver" / "flag-true-file-valid", tree / "resolver" / "ok")
    for case_id, text in cases.items():
        (tree / "resolver" / case_id).mkdir(parents=True)
        (tree / "resolver" / case_id / "case.yml").write_text(
            textwrap.dedent(text), encoding="utf-8"
        )
    if corpus_extra:
        with (tree / "manifests" / "corpus.yml").open("a", encoding="utf-8") as corpus:
            corpus.write(textwrap.dedent(corpus_extra))
    return tree


BROKEN = {
    "unknown-key": (
        """\
        description: A typo in a top-level key.
        rules: [RES-001]
        hostnmae: runner-01
        hub:
          records: []
        expect:
          included: []
        """,
        [
            "*/resolver/unknown-key/case.yml: at $: unknown key 'hostnmae'",
            "  fix: did you mean 'hostname'? remove or rename it; the keys allowed here are: description, domain, "
            "expect, files, hostname, hub, profiles, rules, steps (schema: *resolver-case.schema.json)",
        ],
    ),
    "wrong-type": (
        """\
        description: rules given as a string, not a list.
        rules: RES-001
        hub:
          records: []
        expect:
          included: []
        """,
        [
            "*/resolver/wrong-type/case.yml: at $.rules: 'RES-001' is a string, not an array",
            "  fix: make it an array (schema: *resolver-case.schema.json)",
        ],
    ),
    "unknown-rule": (
        """\
        description: A rule id the catalogue does not have.
        rules: [RES-099]
        hub:
          records: []
        expect:
          included: []
        """,
        [
            "*/resolver/unknown-rule/case.yml: at $.rules[[]0[]]: rule RES-099 is not in the catalogue",
            "  fix: *use an id of the catalogue (`kaizen-conformance rules` lists them; *",
        ],
    ),
    "bad-placeholder": (
        """\
        description: A host path placeholder that does not exist.
        rules: [RES-001]
        hub:
          records:
          - slug: custodian/alpha
            host_paths:
              runner-01: '{repo}/alpha'
        expect:
          included: []
        """,
        [
            "*/resolver/bad-placeholder/case.yml: at $.hub.records[[]0[]].host_paths.runner-01: "
            "placeholder {repo} does not resolve",
            "  fix: use one of {marker}, {outside}, {repos}, {repos_rel}, {root}",
        ],
    ),
    "bad-files-placeholder": (
        """\
        description: A files entry whose symlink target names no placeholder the kit knows.
        rules: [RES-001]
        hub:
          records: []
        expect:
          included: []
        files:
        - path: repos/alpha/.kaizen
          symlink: '{outsde}/kaizen'
        """,
        [
            "*/resolver/bad-files-placeholder/case.yml: at $.files[[]0[]].symlink: placeholder {outsde} does not resolve",
            "  fix: use one of *",
        ],
    ),
    "unknown-fault": (
        """\
        description: A fault kind the hub double does not know.
        rules: [RES-011]
        hub:
          records: []
          fault: {kind: teapot}
        expect:
          error: true
        """,
        [
            "*/resolver/unknown-fault/case.yml: at $.hub.fault.kind: 'teapot' is not one of the allowed values",
            "  fix: use one of 'status', 'not-json', 'not-array', 'stall', 'refuse', 'disconnect', 'cut-off', "
            "'redirect', 'redirect-loop' (schema: *)",
        ],
    ),
    "fault-key-mismatch": (
        """\
        description: after_records only means something for a cut-off.
        rules: [RES-011]
        hub:
          records: []
          fault: {kind: stall, after_records: 2}
        expect:
          error: true
        """,
        [
            "*/resolver/fault-key-mismatch/case.yml: at $.hub.fault.after_records: "
            "after_records means nothing for a fault of kind stall",
            "  fix: remove after_records; it applies to kind cut-off",
        ],
    ),
    "failing-hub-expects-repos": (
        """\
        description: A failing hub with an expectation of included repos.
        rules: [RES-011]
        hub:
          records: []
          fault: {kind: status, status: 500}
        expect:
          included: []
        """,
        [
            "*/resolver/failing-hub-expects-repos/case.yml: at $.expect: a case whose hub fails (hub.fault) expects "
            "the resolver to fail loudly, but the expectation lists included repos",
            "  fix: expect error: true, or remove hub.fault",
        ],
    ),
    "unknown-group": (
        """\
        description: An expectation naming a generated group that is not declared.
        rules: [RES-001]
        hub:
          records: []
          generate:
          - group: fleet
            count: 3
            record: {slug: 'fleet/r-{i}', host_paths: {runner-01: '{repos}/r-{i}'}}
        expect:
          groups: [flet]
        """,
        [
            "*/resolver/unknown-group/case.yml: at $.expect.groups: group flet is not generated by this case",
            "  fix: name one of hub.generate's groups: fleet",
        ],
    ),
    "bad-generated-placeholder": (
        """\
        description: A generated record using {n} instead of {i}.
        rules: [RES-001]
        hub:
          records: []
          generate:
          - group: fleet
            count: 3
            record: {slug: 'fleet/r-{n}'}
        expect:
          included: []
        """,
        [
            "*/resolver/bad-generated-placeholder/case.yml: at $.hub.generate[[]0[]].record.slug: "
            "placeholder {n} does not resolve",
            "  fix: use one of {i}",
        ],
    ),
    "steps-without-their-rule": (
        """\
        description: A sequence case that does not list the rule its later calls are judged on.
        rules: [RES-001]
        hub:
          records: []
        expect:
          included: []
        steps:
        - change: nothing much
          hub: {records: []}
          expect: {included: []}
        """,
        [
            "*/resolver/steps-without-their-rule/case.yml: at $.rules: a case with steps does not "
            "list RES-019, the rule its later calls are judged on",
            "  fix: add RES-019 to rules",
        ],
    ),
    "sequence-rule-without-steps": (
        """\
        description: RES-019 listed by a case that calls the resolver once.
        rules: [RES-001, RES-019]
        hub:
          records: []
        expect:
          included: []
        """,
        [
            "*/resolver/sequence-rule-without-steps/case.yml: at $.rules: RES-019 is about a resolver "
            "called again after the fleet changed, but the case has no steps",
            "  fix: add steps: *, or remove RES-019",
        ],
    ),
    "step-changes-nothing": (
        """\
        description: A step with neither a roster nor files.
        rules: [RES-001, RES-019]
        hub:
          records: []
        expect:
          included: []
        steps:
        - change: the manifest is removed
          expect: {included: []}
        """,
        [
            "*/resolver/step-changes-nothing/case.yml: at $.steps[[]0[]]: the step changes nothing in the fleet",
            "  fix: give the step hub.records (the roster from this call on) or files *",
        ],
    ),
    "steps-with-a-failing-hub": (
        """\
        description: A sequence case whose hub fails.
        rules: [RES-011, RES-019]
        hub:
          records: []
          fault: {kind: status, status: 503}
        expect:
          error: true
        steps:
        - change: the hub recovers
          hub: {records: []}
          expect: {included: []}
        """,
        [
            "*/resolver/steps-with-a-failing-hub/case.yml: at $.hub.fault: a case with steps cannot "
            "have hub.fault: a failing hub answers every call alike",
            "  fix: remove hub.fault, or make a case of its own without steps",
        ],
    ),
    "step-expects-an-error": (
        """\
        description: A step that expects the resolver to fail although the hub answers.
        rules: [RES-001, RES-019]
        hub:
          records: []
        expect:
          included: []
        steps:
        - change: a repo is added
          hub: {records: []}
          expect: {v1: {included: []}, v2: {error: true}}
        """,
        [
            "*/resolver/step-expects-an-error/case.yml: at $.steps[[]0[]].expect.v2: a step expects "
            "the resolver to fail, but a step's hub answers",
            "  fix: expect included: *",
        ],
    ),
    "missing-copy-source": (
        """\
        description: A copy entry whose source does not exist.
        rules: [RES-001]
        hub:
          records: []
        expect:
          included: []
        files:
        - path: repos/alpha/.kaizen/schedule.yml
          copy: manifests/valid/nope.yml
        """,
        [
            "*/resolver/missing-copy-source/case.yml: at $.files[[]0[]].copy: copy source manifests/valid/nope.yml "
            "does not exist",
            "  fix: name a file relative to the fixtures directory *",
        ],
    ),
}


@pytest.mark.parametrize("case_id", sorted(BROKEN))
def test_a_malformed_case_is_one_clear_collection_error(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, case_id: str
) -> None:
    text, expected = BROKEN[case_id]
    monkeypatch.setenv(FIXTURES_ENV, str(make_tree(pytester.path, {case_id: text})))
    result = pytester.runpytest(
        "--pyargs", "kaizen_conformance", "--kaizen-reference", "-p", "no:cacheprovider"
    )
    result.stdout.fnmatch_lines(
        ["*ERROR collecting*test_resolver.py*", "kaizen fixture error", *expected]
    )
    assert "Traceback" not in result.stdout.str()
    assert result.ret == pytest.ExitCode.INTERRUPTED


def test_a_corpus_entry_whose_file_is_missing_names_the_corpus(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = make_tree(
        pytester.path,
        {},
        corpus_extra="""\
        - id: lost
          description: A manifest file that was never added.
          valid: true
          rules: [SCH-001]
          file: valid/lost.yml
        """,
    )
    monkeypatch.setenv(FIXTURES_ENV, str(tree))
    result = pytester.runpytest(
        "--pyargs", "kaizen_conformance", "--kaizen-reference", "-p", "no:cacheprovider"
    )
    result.stdout.fnmatch_lines(
        [
            "kaizen fixture error",
            "*/manifests/corpus.yml: at $[[]*[]].file: file valid/lost.yml does not exist",
            "  fix: name a file relative to fixtures/manifests/",
        ]
    )


def test_a_template_manifest_with_an_unknown_placeholder_names_the_manifest(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = make_tree(
        pytester.path,
        {},
        corpus_extra="""\
        - id: typo-template
          description: A hostile template whose placeholder is misspelt.
          valid: false
          rules: [SCH-003]
          hostile: true
          template: true
          file: hostile/typo-template.yml
        """,
    )
    (tree / "manifests" / "hostile" / "typo-template.yml").write_text(
        "!!python/object/apply:os.system\n- touch {markr}\n"
    )
    monkeypatch.setenv(FIXTURES_ENV, str(tree))
    result = pytester.runpytest(
        "--pyargs", "kaizen_conformance", "--kaizen-reference", "-p", "no:cacheprovider"
    )
    result.stdout.fnmatch_lines(
        [
            "kaizen fixture error",
            "*/manifests/hostile/typo-template.yml: at $[[]*[]].file: placeholder {markr} does not resolve",
            "  fix: use one of {marker}, *",
        ]
    )


def check_fixtures(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kaizen_conformance.cli", "check-fixtures", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_check_fixtures_lists_every_problem_at_once(tmp_path: Path) -> None:
    broken = {
        case_id: BROKEN[case_id][0]
        for case_id in ("unknown-key", "unknown-rule", "bad-placeholder")
    }
    tree = make_tree(tmp_path, broken)
    done = check_fixtures("--fixtures", str(tree))
    assert done.returncode == 1, done.stdout + done.stderr
    problems = {
        "unknown-key": "at $: unknown key 'hostnmae'",
        "unknown-rule": "at $.rules[0]: rule RES-099 is not in the catalogue",
        "bad-placeholder": "at $.hub.records[0].host_paths.runner-01: placeholder {repo} does not resolve",
    }
    for case_id, problem in problems.items():
        assert f"{tree}/resolver/{case_id}/case.yml: {problem}" in done.stdout
    assert done.stdout.count("  fix: ") >= len(broken)
    assert "check-fixtures: " in done.stdout.splitlines()[-1]


def test_check_fixtures_finds_a_catalogue_rule_without_a_case(tmp_path: Path) -> None:
    tree = make_tree(tmp_path, {})
    done = check_fixtures("--fixtures", str(tree))
    assert done.returncode == 1
    assert "RES.yml: at RES-012: rule RES-012 has no case under profile v1" in done.stdout
    assert (
        "fix: add a case that lists RES-012 in its rules (kaizen-conformance new-case resolver NAME)"
        in done.stdout
    )


def test_check_fixtures_passes_on_the_kits_own_fixtures() -> None:
    done = check_fixtures()
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert done.stdout.splitlines()[-1].startswith("check-fixtures: OK (")


def test_check_fixtures_refuses_a_directory_that_is_not_a_fixtures_tree(tmp_path: Path) -> None:
    done = check_fixtures("--fixtures", str(tmp_path))
    assert done.returncode == 1
    assert (
        f"{tmp_path}: at $: is not a fixtures directory: it has no manifests/corpus.yml"
        in done.stdout
    )


@pytest.mark.parametrize("name", ["a..b", "topic/", "wip.lock", "topic/.hidden"])
def test_a_git_branch_name_git_refuses_is_a_fixture_error(tmp_path: Path, name: str) -> None:
    """Before, such a name passed the schema and `git branch` refused it while the case was
    built: the case then failed as if git were missing, not as the case's own mistake."""
    tree = make_tree(tmp_path, {})
    shutil.copytree(fixtures_dir() / "prepare", tree / "prepare")
    case = tree / "prepare" / "git-packed-refs" / "case.yml"
    case.write_text(
        case.read_text(encoding="utf-8").replace("branch: archive", f"branch: {name!r}"),
        encoding="utf-8",
    )
    done = check_fixtures("--fixtures", str(tree))
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{case}: at $.git.steps[1].branch: {name!r} does not match" in done.stdout
    assert "fix: name it as git check-ref-format accepts" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
