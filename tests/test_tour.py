"""The tour's command line (the rows themselves are run by each family's tests)."""

import subprocess
import sys

import numalg
from numalg import _tour


def test_list_names_every_family(capsys):
    assert _tour.main(["--list"]) == 0
    out = capsys.readouterr().out
    for fam in numalg.FAMILIES:
        assert fam in out
    assert "built" in out


def test_unknown_family_is_an_error(capsys):
    import pytest

    with pytest.raises(SystemExit) as exc:
        _tour.main(["no_such_family"])
    assert exc.value.code == 2
    assert "unknown family" in capsys.readouterr().err


def test_console_script_runs_from_outside_the_repo(tmp_path):
    res = subprocess.run(
        [sys.executable, "-m", "numalg", "--list"], cwd=tmp_path, capture_output=True, text=True
    )
    assert res.returncode == 0, res.stderr
    assert "hadamard" in res.stdout


def test_version_from_installed_package(tmp_path):
    res = subprocess.run(
        [sys.executable, "-c", "import numalg; print(numalg.__version__)"],
        cwd=tmp_path, capture_output=True, text=True,
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == numalg.__version__


def test_every_built_family_has_a_tour_entry():
    for fam in numalg.available_families():
        assert _tour.is_built(fam), f"numalg.{fam} has no _tour.py"
