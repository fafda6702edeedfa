"""The command line: ``python -m site_builder build|serve``.

Only argument parsing lives here; `build.build()` and `serve.serve()` do the work.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path

from .build import build
from .errors import BuildError
from .render import BuildOptions
from .urls import DEFAULT_SITE_URL

ROOT = Path(__file__).resolve().parent.parent


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, default=ROOT,
                        help="project folder holding catalogue/ and content/ "
                        "(default: %(default)s)")
    common.add_argument("--out", type=Path, default=None,
                        help="output folder (default: ROOT/dist)")
    common.add_argument("--base-url", default="/",
                        help="path the site is served under, e.g. /some-repo/ (default: /)")
    common.add_argument("--site-url", default=None,
                        help="absolute address of the published site, for the sitemap, "
                        "canonical links and Open Graph tags "
                        f"(sitemap default: {DEFAULT_SITE_URL})")
    common.add_argument("--date", type=datetime.date.fromisoformat, default=None,
                        help="show the rules in force on this date, YYYY-MM-DD (default: today)")

    parser = argparse.ArgumentParser(prog="python -m site_builder", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("build", parents=[common], help="build the site into --out")
    serve = commands.add_parser("serve", parents=[common],
                                help="build, serve on localhost, rebuild when a source changes")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--host", default="127.0.0.1")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    root = args.root.resolve()
    out = (args.out or root / "dist").resolve()
    try:
        options = BuildOptions(base_url=args.base_url, site_url=args.site_url, on=args.date)
        if args.command == "serve":
            from .serve import serve

            return serve(root, out, options, host=args.host, port=args.port)
        report = build(root, out, options)
    except BuildError as err:
        print(f"build failed: {err}", file=sys.stderr)
        return 1
    print(f"built {report.pages} pages ({report.files} files) in {report.out} "
          f"in {report.seconds:.2f} s")
    return 0
