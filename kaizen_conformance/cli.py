"""The ``kaizen-conformance`` command: the catalogue and fixture tooling without remembering flags."""

from __future__ import annotations

import argparse
import sys

from kaizen_conformance import __version__, contract


def cmd_rules(args: argparse.Namespace) -> int:
    if args.markdown:
        from kaizen_conformance.contract_doc import markdown

        sys.stdout.write(markdown())
        return 0
    for rule in contract.catalogue().values():
        if args.role and rule.role != args.role:
            continue
        if args.profile and args.profile not in rule.profiles:
            continue
        print(f"{rule.id}  {rule.level:<6} {rule.role:<9} {','.join(rule.profiles):<6} {rule.text}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kaizen-conformance", description="kaizen scheduling contract v1 tools")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    rules = commands.add_parser("rules", help="list the rule catalogue")
    rules.add_argument("--role", choices=contract.ROLE_ORDER)
    rules.add_argument("--profile", choices=contract.PROFILES)
    rules.add_argument("--markdown", action="store_true", help="print docs/CONTRACT.md")
    rules.set_defaults(run=cmd_rules)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.run(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
