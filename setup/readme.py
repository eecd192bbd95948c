"""Generate every addon's README.rst and static/description/index.html.

What OCA's oca-gen-addon-readme (OCA/maintainer-tools, which is not on PyPI)
does, for every addon of the repository (a top-level folder holding a
__manifest__.py and a readme/DESCRIPTION.md or .rst):

- the fragments of readme/ (DESCRIPTION, CONTEXT, INSTALL, CONFIGURE, USAGE,
  ROADMAP, DEVELOP, CONTRIBUTORS, CREDITS, HISTORY), in Markdown (GitHub
  flavour, converted by pandoc as OCA converts them) or reStructuredText,
  assembled into README.rst with OCA's sections, badges and credits;
- README.rst rendered by docutils (html4css1, OCA's settings: warnings are
  errors, no raw HTML, no file inclusion) into static/description/index.html,
  the addon's page in Odoo's Apps, unless that page was written by hand
  (it then lacks the mark "oca-gen-addon-readme").

Images: a fragment names them relative to readme/ (``../static/description/
shot.png``, which a repository browser shows); README.rst names them
relative to the addon (``static/description/shot.png``) and index.html by
their bare name, which Odoo's Apps serves from the addon's
static/description/ (OCA uses absolute URLs of its GitHub repositories).

Run: python3 setup/readme.py [addon_dir ...]   (every addon when none is given)
"""

import ast
import pathlib
import re
import sys

from docutils.core import publish_file, publish_string

REPO = pathlib.Path(__file__).resolve().parent.parent

# name: heading (None: no heading of its own), heading level (2: =, 3: -)
FRAGMENTS = {
    "DESCRIPTION": (None, 2),
    "CONTEXT": ("Use Cases / Context", 2),
    "INSTALL": ("Installation", 2),
    "CONFIGURE": ("Configuration", 2),
    "USAGE": ("Usage", 2),
    "DEVELOP": ("Development", 2),
    "ROADMAP": ("Known issues / Roadmap", 2),
    "HISTORY": ("Changelog", 2),
    "CONTRIBUTORS": ("Contributors", 3),
    "CREDITS": ("Other credits", 3),
}
DEVELOPMENT_STATUS_BADGES = {
    "mature": ("maturity-Mature-brightgreen", "Mature"),
    "production/stable": ("maturity-Production%2FStable-green", "Production/Stable"),
    "beta": ("maturity-Beta-yellow", "Beta"),
    "alpha": ("maturity-Alpha-red", "Alpha"),
}
LICENSE_BADGES = {
    "AGPL-3": "http://www.gnu.org/licenses/agpl-3.0-standalone.html",
    "LGPL-3": "http://www.gnu.org/licenses/lgpl-3.0-standalone.html",
    "GPL-3": "http://www.gnu.org/licenses/gpl-3.0-standalone.html",
}
# oca-gen-addon-readme's settings (from pypa/readme_renderer)
RST2HTML_SETTINGS = {
    "file_insertion_enabled": False,
    "halt_level": 2,
    "math_output": "MathJax",
    "raw_enabled": False,
    "smart_quotes": True,
    "syntax_highlight": "short",
    "xml_declaration": False,
    "output_encoding": "utf-8",
}
# GitHub Flavored Markdown without raw HTML nor automatic identifiers (OCA's)
PANDOC_MARKDOWN_FORMAT = "gfm-raw_html-gfm_auto_identifiers"
MARK = "oca-gen-addon-readme"
IMAGE = re.compile(r"^(\s*\.\..* (?:figure|image)::\s+)(?:\.\./)?(?P<path>\S+)\s*$")


def addons(args):
    if args:
        return [pathlib.Path(arg).resolve() for arg in args]
    return sorted(p.parent for p in REPO.glob("*/__manifest__.py"))


def fragment(addon, name, level):
    """A fragment of readme/ as reStructuredText, images relative to the addon."""
    rst_file, md_file = (addon / "readme" / f"{name}{ext}" for ext in (".rst", ".md"))
    if rst_file.exists() and md_file.exists():
        sys.exit(f"{addon.name}: remove one of readme/{name}.rst and readme/{name}.md")
    if rst_file.exists():
        text = rst_file.read_text(encoding="utf-8")
    elif md_file.exists():
        import pypandoc  # pypandoc-binary: pandoc itself comes with it

        text = pypandoc.convert_file(
            str(md_file),
            to="rst",
            format=PANDOC_MARKDOWN_FORMAT,
            extra_args=[f"--shift-heading-level-by={level - 2}"],
            sandbox=True,
        )
    else:
        return None
    lines = [
        IMAGE.sub(lambda m: m.group(1) + m.group("path"), line)
        for line in text.strip().splitlines()
    ]
    return "\n".join(lines) + "\n" if any(lines) else None


def title(text, char, overline=False):
    line = char * len(text)
    return f"{line}\n{text}\n{line}\n" if overline else f"{text}\n{line}\n"


def banner(*lines):
    """An RST comment framed with "!!", as OCA's README.rst opens."""
    width = max(len(line) for line in lines)
    frame = "!" * (width + 6)
    body = "".join(f"   !! {line.ljust(width)} !!\n" for line in lines)
    return f"..\n   {frame}\n{body}   {frame}\n"


def repository(website):
    """(owner, name) of a GitHub repository website, else None."""
    match = re.match(r"https://github\.com/([^/]+)/([^/#?]+)", website or "")
    return match.groups() if match else None


def readme_rst(addon, manifest):
    fragments = {}
    for name, (_heading, level) in FRAGMENTS.items():
        text = fragment(addon, name, level)
        if text:
            fragments[name] = text
    repo = repository(manifest.get("website"))
    badges = []
    status = manifest.get("development_status", "Beta").lower()
    if status in DEVELOPMENT_STATUS_BADGES:
        badge, alt = DEVELOPMENT_STATUS_BADGES[status]
        badges.append(
            (
                f"https://img.shields.io/badge/{badge}.png",
                "https://odoo-community.org/page/development-status",
                alt,
            )
        )
    license_ = manifest.get("license")
    if license_ in LICENSE_BADGES:
        badges.append(
            (
                "https://img.shields.io/badge/license-"
                f"{license_.replace('-', '--')}-blue.png",
                LICENSE_BADGES[license_],
                f"License: {license_}",
            )
        )
    if repo:
        owner, name = (part.replace("-", "--") for part in repo)
        badges.append(
            (
                f"https://img.shields.io/badge/github-{owner}%2F{name}"
                "-lightgray.png?logo=github",
                f"https://github.com/{repo[0]}/{repo[1]}/tree/"
                f"{manifest['version'][:4]}/{addon.name}",
                f"{repo[0]}/{repo[1]}",
            )
        )
    parts = [
        title(manifest["name"], "=", overline=True),
        banner(
            f"This file is generated by setup/readme.py ({MARK})",
            "from readme/ and the manifest: changes will be overwritten.",
        ),
        "".join(
            f".. |badge{i}| image:: {image}\n    :target: {target}\n    :alt: {alt}\n"
            for i, (image, target, alt) in enumerate(badges, 1)
        )
        + "\n"
        + " ".join(f"|badge{i}|" for i in range(1, len(badges) + 1))
        + "\n",
        fragments.get("DESCRIPTION", ""),
    ]
    if status == "alpha":
        parts.append(
            ".. IMPORTANT::\n"
            "   This is an alpha version, the data model and design can change"
            " at any time without warning.\n"
            "   Only for development or testing purpose, do not use in production.\n"
        )
    parts.append("**Table of contents**\n\n.. contents::\n   :local:\n")
    for name, (heading, level) in FRAGMENTS.items():
        if heading and level == 2 and name in fragments:
            parts += [title(heading, "="), fragments[name]]
    if repo:
        parts += [
            title("Bug Tracker", "="),
            f"Bugs are tracked on `GitHub Issues "
            f"<https://github.com/{repo[0]}/{repo[1]}/issues>`_.\n"
            "In case of trouble, please check there if your issue has already"
            " been reported.\n",
        ]
    parts.append(title("Credits", "="))
    authors = [a.strip() for a in manifest.get("author", "").split(",") if a.strip()]
    if authors:
        parts += [
            title("Authors", "-"),
            "".join(f"* {author}\n" for author in authors),
        ]
    for name, (heading, level) in FRAGMENTS.items():
        if level == 3 and name in fragments:
            parts += [title(heading, "-"), fragments[name]]
    maintainers = manifest.get("maintainers") or []
    if maintainers or repo:
        parts.append(title("Maintainers", "-"))
    if maintainers:
        parts += [
            "".join(
                f".. |maintainer-{m}| image:: https://github.com/{m}.png?size=40px\n"
                f"    :target: https://github.com/{m}\n    :alt: {m}\n"
                for m in maintainers
            ),
            f"Current maintainer{'s' if len(maintainers) > 1 else ''}:\n\n"
            + " ".join(f"|maintainer-{m}|" for m in maintainers)
            + "\n",
        ]
    if repo:
        parts.append(
            f"This module is part of the `{repo[0]}/{repo[1]} "
            f"<https://github.com/{repo[0]}/{repo[1]}/tree/"
            f"{manifest['version'][:4]}/{addon.name}>`_ project on GitHub.\n\n"
            "You are welcome to contribute.\n"
        )
    return "\n".join(parts)


def index_html(addon, readme):
    """README.rst as Odoo's Apps page, unless the page was written by hand."""
    index = addon / "static" / "description" / "index.html"
    if index.exists() and MARK.encode() not in index.read_bytes():
        return
    index.parent.mkdir(parents=True, exist_ok=True)
    # Odoo's Apps serves a bare image name from the addon's static/description/.
    source = re.sub(
        r"^(\s*\.\..* (?:figure|image)::\s+)static/description/",
        r"\1",
        readme,
        flags=re.MULTILINE,
    )
    html = publish_string(
        source,
        source_path=str(addon / "README.rst"),
        writer_name="html4css1",
        settings_overrides=RST2HTML_SETTINGS,
    )
    # no docutils version in the page: no change when only docutils changes
    html = re.sub(rb"(<meta.*generator.*Docutils)\s*[\d.]+", rb"\1", html)
    index.write_bytes(html)


def main(args):
    for addon in addons(args):
        manifest = ast.literal_eval((addon / "__manifest__.py").read_text())
        if not manifest.get("installable", True):
            continue
        readme_dir = addon / "readme"
        if not any((readme_dir / f"DESCRIPTION{e}").exists() for e in (".md", ".rst")):
            continue
        readme = readme_rst(addon, manifest)
        (addon / "README.rst").write_text(readme, encoding="utf-8")
        # the checks of oca-gen-addon-readme: README.rst renders without warning
        publish_file(
            source_path=str(addon / "README.rst"),
            destination_path="/dev/null",
            writer_name="html4css1",
            settings_overrides=RST2HTML_SETTINGS,
        )
        if manifest.get("preloadable", True):
            index_html(addon, readme)


if __name__ == "__main__":
    main(sys.argv[1:])
