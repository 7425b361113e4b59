"""The interpstat command line."""

import subprocess
import sys

import pandas as pd

from interpstat.cli import main


def test_list(capsys):
    assert main(["list"]) == 0
    assert "double-descent" in capsys.readouterr().out


def test_reproduce_quick(tmp_path, capsys):
    assert main(["reproduce", "double-descent", "--quick", "--out", str(tmp_path),
                 "--no-progress", "--seed", "5"]) == 0
    out = capsys.readouterr().out
    target = tmp_path / "double-descent"
    for name in ("results.csv", "figure.png", "report.md"):
        assert (target / name).exists()
        assert str(target / name) in out
    assert "seed: `5`" in (target / "report.md").read_text(encoding="utf-8")
    assert len(pd.read_csv(target / "results.csv")) > 10


def test_unknown_reproduction(capsys):
    assert main(["reproduce", "nope", "--quick"]) == 2
    assert "Unknown reproduction" in capsys.readouterr().err


def test_console_script_help():
    proc = subprocess.run([sys.executable, "-m", "interpstat.cli", "--help"],
                          capture_output=True, text=True, check=True)
    assert "reproduce" in proc.stdout


def test_list_imports_nothing_heavy():
    # The registry is static: listing must not import any reproduction module,
    # and with it numba, scikit-learn, matplotlib, statsmodels, the theory or
    # the estimators; every registered reproduction is listed.
    code = (
        "import sys\n"
        "from interpstat.cli import main\n"
        "from interpstat.experiments import REGISTRY\n"
        "assert main(['list']) == 0\n"
        "heavy = ['numba', 'sklearn', 'matplotlib', 'statsmodels', 'interpstat.linear',\n"
        "         'interpstat.mixture', 'interpstat.theory',\n"
        "         *(entry.module for entry in REGISTRY.values())]\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    lines = proc.stdout.splitlines()
    assert lines[-1] == "[]"
    from interpstat.experiments import REGISTRY

    assert len(REGISTRY) >= 5
    for name in REGISTRY:
        assert any(line.startswith(name) for line in lines), name


def test_list_descriptions_come_from_the_registry(capsys):
    from interpstat.experiments import REGISTRY, Reproduction, get

    assert main(["list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == len(REGISTRY)
    for line, (name, entry) in zip(out, sorted(REGISTRY.items()), strict=True):
        assert line.split(maxsplit=1) == [name, entry.description]
        module = get(name)
        assert module.NAME == name
        assert module.DESCRIPTION == entry.description
        assert isinstance(module.REPRODUCTION, Reproduction)
        assert module.REPRODUCTION.name == name
