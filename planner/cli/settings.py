"""planner profile show|set, planner settings show|set: what the Settings page edits.

My profile (name, brand, email, domains, handles, other names, reach) is what detection
of goodwill received recognises me by; with these commands it can be set up from a
script or cron, without the browser. Values are checked as the Settings page checks them:
a bad one exits 2 with a message naming the field, and nothing is stored.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from planner.cli.common import workspace

if TYPE_CHECKING:
    from planner.domain.model import Profile

#: ``planner profile set`` options: (option, Profile attribute, repeatable, help).
PROFILE_OPTIONS: tuple[tuple[str, str, bool, str], ...] = (
    ("--name", "name", False, "your name"),
    ("--brand", "brand", False, "your brand"),
    ("--email", "email", False, "your email address"),
    ("--domain", "domains", True, "a domain of yours (repeatable, or a|b; '' clears)"),
    ("--handle", "handles", True, "a handle of yours, e.g. @me (repeatable, or a|b; '' clears)"),
    ("--alias", "aliases", True, "another name you go by (repeatable, or a|b; '' clears)"),
    ("--reach", "reach", False, "your audience size ('' clears)"),
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("profile", help="show or set my profile (who detection recognises as me)")
    actions = p.add_subparsers(dest="profile_command", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="print my profile")
    show.set_defaults(handler=_profile_show)
    change = actions.add_parser("set", help="change my profile; options not given keep their value")
    for option, attr, repeatable, text in PROFILE_OPTIONS:
        change.add_argument(
            option, dest=attr, action="append" if repeatable else "store", help=text
        )
    change.set_defaults(handler=_profile_set)

    p = sub.add_parser("settings", help="show every setting, or set one")
    actions = p.add_subparsers(dest="settings_command", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="print every setting: key, value, meaning")
    show.set_defaults(handler=_settings_show)
    change = actions.add_parser("set", help="set one setting (checked as the Settings page does)")
    change.add_argument("key", help="a key as `planner settings show` lists it")
    change.add_argument("value", help="the new value (on/off for switches, a|b for lists)")
    change.set_defaults(handler=_settings_set)


def _print_profile(profile: Profile) -> None:
    print(f"name: {profile.name}")
    print(f"brand: {profile.brand}")
    print(f"email: {profile.email}")
    print(f"domains: {' | '.join(profile.domains)}")
    print(f"handles: {' | '.join(profile.handles)}")
    print(f"other names: {' | '.join(profile.aliases)}")
    print(f"reach: {'' if profile.reach is None else profile.reach}")


def _profile_show(args: argparse.Namespace) -> int:
    _print_profile(workspace(args).profile())
    return 0


def _profile_set(args: argparse.Namespace) -> int:
    from planner.services.settings import save_profile

    ws = workspace(args)
    current = ws.profile()
    given = {attr: getattr(args, attr) for _o, attr, _r, _h in PROFILE_OPTIONS}
    changes = {
        attr: "|".join(value) if isinstance(value, list) else value
        for attr, value in given.items()
        if value is not None
    }
    if not changes:
        print("nothing to change (see planner profile set --help)")
        return 0
    fields = {attr: getattr(current, attr) for attr in given}
    saved = save_profile(ws, **{**fields, **changes})
    _print_profile(saved)
    return 0


def _settings_show(args: argparse.Namespace) -> int:
    from planner.services.setting_keys import setting_lines

    lines = setting_lines(workspace(args).settings())
    width = max(len(line.key) for line in lines)
    value_width = min(20, max(len(line.value) for line in lines))
    for line in lines:
        print(f"{line.key:<{width}}  {line.value:<{value_width}}  {line.meaning}")
    return 0


def _settings_set(args: argparse.Namespace) -> int:
    from planner.services.setting_keys import set_setting, setting_lines

    ws = workspace(args)
    saved = set_setting(ws, args.key, args.value)
    shown = next((line for line in setting_lines(saved) if line.key == args.key), None)
    print(f"{args.key} = {shown.value if shown else args.value}")
    return 0
