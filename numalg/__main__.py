"""``numalg`` / ``python -m numalg``: the tour (see :mod:`numalg._tour`)."""

import sys


def main(argv=None) -> int:
    from numalg._tour import main as _main

    return _main(argv)


if __name__ == "__main__":
    sys.exit(main())
