"""Check that every translation of an addon is complete.

For each addon given (customer_rating when none is), reads i18n/<addon>.pot
and every i18n/*.po and fails when a .po
  - lacks a term of the .pot, or marks it fuzzy, or leaves its msgstr empty
    without the translator comment "# same as the source" (OCA's
    po-pretty-format empties a msgstr equal to its msgid, and Odoo then
    shows the msgid);
  - changes the placeholders of a term (%s, %(name)s, {name});
  - has no Language, no Plural-Forms or a charset other than UTF-8.
Terms a .po has that the .pot no longer has are only reported.
Plain Python, so that it runs wherever the linters do.
Run: python3 setup/check_po.py [addon_dir ...]
"""

import ast
import collections
import pathlib
import re
import sys

REPO = pathlib.Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0+]*\d*(?:\.\d+)?[sdfr]|%[sdfr]|\{\w*\}")
KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")$")

SAME_AS_SOURCE = "same as the source"

Entry = collections.namedtuple("Entry", "msgstrs fuzzy same_as_source")


def unquote(text):
    """The value of a PO string literal ("..." with C escapes)."""
    return ast.literal_eval(text)


def parse_po(path):
    """{(msgctxt, msgid): Entry} of a .po/.pot file, obsolete entries left out.

    The header (empty msgid) is kept under (None, "")."""
    entries = {}
    current, flags, notes, key = {}, "", "", None

    def flush():
        if "msgid" in current:
            msgstrs = [v for k, v in current.items() if k.startswith("msgstr")]
            entries[(current.get("msgctxt"), current["msgid"])] = Entry(
                msgstrs, "fuzzy" in flags, SAME_AS_SOURCE in notes
            )

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        match = KEYWORD.match(line)
        starts_entry = line.startswith("#") or (
            match and match.group(1) in ("msgctxt", "msgid")
        )
        if starts_entry and (key or "").startswith("msgstr"):
            flush()
            current, flags, notes, key = {}, "", "", None
        if line.startswith("#"):
            if line.startswith("#,"):
                flags += line[2:]
            elif line == "#" or line.startswith("# "):
                notes += line[1:]
        elif match:
            key = match.group(1)
            current[key] = unquote(match.group(2))
        elif line.startswith('"') and key:
            current[key] += unquote(line)
        else:
            raise SystemExit(f"{path}:{number}: cannot read {raw!r}")
    flush()
    return entries


def placeholders(text):
    return sorted(PLACEHOLDER.findall(text))


def header_problems(entries):
    header = entries.get((None, ""))
    text = header.msgstrs[0] if header and header.msgstrs else ""
    fields = {}
    for line in text.splitlines():
        name, _colon, value = line.partition(":")
        fields[name.strip()] = value.strip()
    problems = []
    if not fields.get("Language"):
        problems.append("header: no Language")
    if not fields.get("Plural-Forms"):
        problems.append("header: no Plural-Forms")
    if "charset=utf-8" not in fields.get("Content-Type", "").lower():
        problems.append("header: Content-Type is not text/plain; charset=UTF-8")
    return problems


def entry_problem(msgid, entry):
    """What is wrong with the translation `entry` of `msgid`, or None."""
    if entry is None:
        return "missing"
    if entry.fuzzy:
        return "fuzzy"
    empty = not entry.msgstrs or not all(entry.msgstrs)
    if empty and not entry.same_as_source:
        return "untranslated"
    for msgstr in filter(None, entry.msgstrs):
        if placeholders(msgstr) != placeholders(msgid):
            return (
                f"placeholders {placeholders(msgstr)} instead of {placeholders(msgid)}"
            )
    return None


def term_problems(template, translation):
    problems = []
    for key in template:
        if key != (None, ""):
            problem = entry_problem(key[1], translation.get(key))
            if problem:
                problems.append(f"{problem}: {key[1]!r}")
    return problems


def check_addon(addon):
    i18n = addon / "i18n"
    pot_path = i18n / f"{addon.name}.pot"
    if not pot_path.exists():
        print(f"{pot_path}: no template")
        return False
    template = parse_po(pot_path)
    success = True
    po_paths = sorted(i18n.glob("*.po"))
    if not po_paths:
        print(f"{i18n}: no .po file")
    for po_path in po_paths:
        translation = parse_po(po_path)
        problems = header_problems(translation) + term_problems(template, translation)
        stale = [key for key in translation if key not in template]
        if problems:
            success = False
            print(f"{po_path.relative_to(addon.parent)}: {len(problems)} problem(s)")
            for problem in problems:
                print(f"  {problem}")
        if stale:
            print(
                f"{po_path.relative_to(addon.parent)}: note: {len(stale)} term(s) "
                "no longer in the .pot"
            )
    return success


def main(argv):
    addons = [pathlib.Path(arg).resolve() for arg in argv] or [REPO / "customer_rating"]
    results = [check_addon(addon) for addon in addons]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
