"""A mistyped kaizen option is a usage error that names the closest real one, not pytest's bare
"unrecognized arguments" (a flag) or a warning that leaves the role unconfigured (an ini key)."""

from __future__ import annotations

import pytest

from kaizen_conformance.session.spelling import check_flags, suggestion


def test_a_mistyped_flag_names_the_closest_options(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("-p", "no:cacheprovider", "--kaizen-resolvr=pkg.mod:resolve")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: --kaizen-resolvr is not a kaizen-conformance option; did you mean "
            "--kaizen-resolver or --kaizen-resolver-cmd? (pytest --help lists them under "
            "'kaizen-conformance')"
        ]
    )
    assert "unrecognized arguments" not in result.stderr.str()


def test_a_mistyped_ini_key_names_the_closest_option(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nkaizen_refrence = true\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: ini option kaizen_refrence (in tox.ini) is not a kaizen-conformance option; "
            "did you mean kaizen_reference or kaizen_prepare? (pytest --help lists them under "
            "'[[]pytest[]] ini-options')"
        ]
    )


def test_unrelated_flags_and_ini_keys_are_left_to_pytest(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nother_plugin_key = 1\n")
    pytester.makepyfile("def test_plain():\n    pass\n")
    result = pytester.runpytest(
        "-p", "no:cacheprovider", "-W", "ignore::pytest.PytestConfigWarning"
    )
    result.assert_outcomes(passed=1)


def test_a_value_after_double_dash_is_not_a_flag() -> None:
    check_flags(["--", "--kaizen-nothing"])  # an argument for the tests, not for pytest


def test_no_suggestion_when_nothing_is_close() -> None:
    assert suggestion("--kaizen-zzzzzzzzzzzzzz", ["--kaizen-resolver"]) == ""


def test_kaizen_conformance_run_checks_values_itself(capsys: pytest.CaptureFixture[str]) -> None:
    from kaizen_conformance.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["run", "--resolver=nope"])
    assert exited.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "kaizen-conformance run: error: argument --resolver: 'nope' is not of the form "
        "module:attribute (for example mypkg.resolver:discover)"
    )


def test_kaizen_conformance_run_names_the_closest_of_its_options(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from kaizen_conformance.cli import main

    assert main(["run", "--reference", "--alow-incomplete"]) == pytest.ExitCode.USAGE_ERROR
    assert capsys.readouterr().err.splitlines()[-1] == (
        "kaizen-conformance run: error: --alow-incomplete is not an option of this command nor "
        "of pytest; did you mean --allow-incomplete? (kaizen-conformance run --help lists them)"
    )


def test_kaizen_conformance_run_leaves_pytests_own_options_to_pytest() -> None:
    from kaizen_conformance.cli import mistyped_run_option

    # close to run's --report and --strict, yet pytest's own
    assert mistyped_run_option(["--strict-markers", "--junitxml=out.xml", "-k", "RES-002"]) == ""


def test_kaizen_conformance_run_does_not_warn_it_imported_the_kit_before_pytest(
    pytester: pytest.Pytester,
) -> None:
    # installed from a wheel, pytest marks the plugin's package for assertion rewriting after
    # the command has imported it; the package says it needs none, so no warning on every run
    script = pytester.makepyfile(
        as_installed="""
        import sys
        import _pytest.config as pytest_config
        pytest_config._iter_rewritable_modules = lambda files: iter(["kaizen_conformance"])
        from kaizen_conformance.cli import main
        sys.exit(main(["run", "--reference", "-k", "RES-014", "-p", "no:cacheprovider"]))
        """
    )
    result = pytester.runpython(script)
    assert "1 passed" in result.stdout.str()
    assert "PytestAssertRewriteWarning" not in result.stdout.str() + result.stderr.str()
