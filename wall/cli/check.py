"""`python main.py check LAYOUT [--store URL]`: is this layout fit for the wall?

Validates the file against the schema (importing nothing heavy first, so a file
that cannot be a layout is refused within a second), then every KPI and entity code it names
against a catalog: the store's at --store, or the embedded demo store's (started in
process on loopback, the same HTTP path the wall uses) — of --demo-profile, or else of
the demo profile whose catalog knows the layout's codes. Prints every problem, one a
line, and exits 0 when there is none, 2 otherwise. Qt is never loaded.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ...layouts.loader import LayoutError, load_layout

if TYPE_CHECKING:
    from ...sync.contract import Catalog

EXIT_OK = 0
EXIT_PROBLEMS = 2


def refuse_unfit_layout(argv: Sequence[str]) -> int | None:
    """`check`'s arguments, read before the whole command line is built (which imports
    the store's machinery, seconds on a busy machine): a file that cannot be a layout is
    refused at once, exit 2 with its problems; None lets the full command run."""
    parser = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    parser.add_argument("layout", nargs="?")
    for option in ("--store", "--token-file", "--ca-bundle", "--demo-seed", "--demo-profile"):
        parser.add_argument(option)
    try:
        known, _ = parser.parse_known_args(argv)
    except argparse.ArgumentError:
        return None  # the full command line says what is wrong with the arguments
    if known.layout is None:
        return None
    try:
        load_layout(known.layout)
    except LayoutError as err:
        print(err.report(), file=sys.stderr)
        return EXIT_PROBLEMS
    return None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ...sync.demo_store.profiles import PROFILES

    parser.add_argument("layout", metavar="LAYOUT", help="layout name (cm_residence, crisis, delegation, "
                                                         "single_screen) or a layout file")
    parser.add_argument("--store", metavar="URL", help="check codes against this store's catalog "
                                                       "(default: the embedded demo store's)")
    parser.add_argument("--token-file", metavar="FILE", help="file holding the store's bearer token")
    parser.add_argument("--ca-bundle", metavar="FILE", help="CA certificates to trust for the store")
    parser.add_argument("--demo-seed", type=int, default=2026, metavar="N", help=argparse.SUPPRESS)
    parser.add_argument("--demo-profile", choices=PROFILES, default=None,
                        help="without --store: check against this demo profile's catalog (default: the profile "
                             "whose catalog knows the layout's codes)")


def run(args: argparse.Namespace) -> int:
    try:
        layout = load_layout(args.layout)
    except LayoutError as err:
        print(err.report(), file=sys.stderr)
        return EXIT_PROBLEMS
    # imported once the layout is sound: the store client, and maps with their geodata libraries
    from ...layouts.catalog_check import catalog_problems
    from ...sync.client import StoreError
    from ...sync.demo_store.profiles import DEFAULT_PROFILE, PROFILES
    from ...sync.token import TokenError
    from .map_check import map_report

    profile = getattr(args, "demo_profile", None)
    candidates = [profile or DEFAULT_PROFILE] if args.store or profile else list(PROFILES)
    try:
        checked = []  # the first profile whose catalog knows every code, else the default's problems
        for candidate in candidates:
            catalog = fetch_catalog(args.store, getattr(args, "token_file", None), getattr(args, "ca_bundle", None),
                                    seed=getattr(args, "demo_seed", 2026), profile=candidate)
            checked.append((catalog, catalog_problems(layout.spec, catalog, str(layout.path))))
            if not checked[-1][1]:
                break
        catalog, problems = checked[-1] if not checked[-1][1] else checked[0]
    except (StoreError, TokenError) as err:
        print(f"{layout.path}: cannot check codes against the catalog: {err}", file=sys.stderr)
        return EXIT_PROBLEMS
    maps = map_report(layout, catalog)
    problems = [*problems, *maps.problems]
    for note in maps.notes:
        print(note)
    if catalog.orphans:
        names = ", ".join(f"{e.name} ({e.code})" for e in catalog.orphans[:10])
        more = f" and {len(catalog.orphans) - 10} more" if len(catalog.orphans) > 10 else ""
        print(f"{layout.path}: note: the catalog has {len(catalog.orphans)} entities whose parent does not lead up to "
              f"the state; the wall counts them under the state: {names}{more}")
    if problems:
        print("\n".join(str(p) for p in problems), file=sys.stderr)
        return EXIT_PROBLEMS
    tiles = sum(1 for s in layout.spec.screens for p in s.pages for _ in p.tiles) + sum(
        len(s.pinned) for s in layout.spec.screens)
    print(f"{layout.path}: OK — {len(layout.spec.screens)} screen(s), {tiles} tile(s), "
          f"all codes known to catalog {catalog.revision}")
    return EXIT_OK


def fetch_catalog(store_url: str | None, token_file: str | None = None, ca_bundle: str | None = None,
                  *, seed: int = 2026, profile: str | None = None) -> Catalog:
    """The catalog of the store at `store_url`, or of an in-process demo store of `profile`
    (default: the default demo profile)."""
    from ...sync.client import StoreClient
    from ...sync.token import load_token

    if store_url is not None:
        with StoreClient(store_url, token=load_token(token_file), verify=ca_bundle or True) as client:
            return client.fetch_catalog()
    from ...sync.demo_store import make_store, serve_in_thread
    from ...sync.demo_store.profiles import DEFAULT_PROFILE

    server = serve_in_thread(make_store(profile or DEFAULT_PROFILE, seed=seed), "127.0.0.1", 0)
    try:
        with StoreClient(server.url) as client:
            return client.fetch_catalog()
    finally:
        server.stop()
