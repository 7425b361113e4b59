"""The ``interpstat`` command line: list and run reproductions.

Listing reads the static registry only; a reproduction's module (and with it
numba, scikit-learn and matplotlib) is imported when it is run.
"""

import argparse
import contextlib
import sys
from pathlib import Path

from interpstat import __version__
from interpstat.experiments import REGISTRY, get

__all__ = ["main"]


def _parser():
    parser = argparse.ArgumentParser(
        prog="interpstat",
        description="Interpolating estimators and their risk theory: reproductions.",
    )
    parser.add_argument("--version", action="version", version=f"interpstat {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list the reproductions")
    rep = sub.add_parser(
        "reproduce",
        help="run a reproduction: writes OUT/NAME/{results.csv,figure.png,report.md}",
    )
    rep.add_argument("name", help="reproduction name (see `interpstat list`)")
    size = rep.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_const", const="quick", dest="mode",
                      help="small grid, seconds")
    size.add_argument("--full", action="store_const", const="full", dest="mode",
                      help="large grid, many replicates")
    rep.add_argument("--out", type=Path, default=Path("interpstat-results"),
                     help="output directory (default: ./interpstat-results)")
    rep.add_argument("--n-jobs", type=int, default=None,
                     help="parallel workers (default: joblib's, i.e. 1; -1 = all cores)")
    rep.add_argument("--seed", type=int, default=0, help="root random seed (default 0)")
    rep.add_argument("--scheduler", default=None,
                     help="dask.distributed scheduler address: run the replicates on that "
                          "cluster (needs the 'distributed' extra)")
    rep.add_argument("--no-progress", action="store_true", help="hide the progress bars")
    return parser


@contextlib.contextmanager
def _scheduler(address):
    if address is None:
        yield
        return
    try:
        import joblib
        from dask.distributed import Client
    except ImportError as exc:  # pragma: no cover - depends on the extra
        raise SystemExit(
            "--scheduler needs dask.distributed: pip install 'interpstat[distributed]'"
        ) from exc
    with Client(address), joblib.parallel_config(backend="dask"):
        yield


def main(argv=None):
    """Run the command line; returns the exit status.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
    """
    args = _parser().parse_args(argv)
    if args.command == "list":
        for name, entry in sorted(REGISTRY.items()):
            print(f"{name:20s} {entry.description}")
        return 0
    try:
        module = get(args.name)
    except ValueError as exc:
        print(f"interpstat: {exc}", file=sys.stderr)
        return 2
    mode = args.mode or "default"
    out = args.out / module.NAME
    with _scheduler(args.scheduler):
        files = module.REPRODUCTION.run(
            out, mode=mode, random_state=args.seed, n_jobs=args.n_jobs,
            progress=not args.no_progress,
        )
    for key in ("csv", "figure", "report"):
        print(f"wrote {files[key]}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
